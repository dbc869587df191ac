import assert from "node:assert/strict";
import { RPCClient } from "ocpp-rpc";
import type { RPC_ClientOptions } from "ocpp-rpc/lib/client";
import { startDevCsms, type DevCsms } from "../../tools/csms/dev-csms.ts";
import { benchCsmsFor, benchFrameOf } from "../../tools/bench-api/dev-csms-adapter.ts";
import { BenchTargetError } from "../../tools/bench-api/target.ts";

describe("bench CSMS actions over the development CSMS", () => {
  let csms: DevCsms;
  let cp: RPCClient;

  beforeEach(async () => {
    csms = await startDevCsms({ port: 0 });
    cp = new RPCClient({
      endpoint: csms.url,
      identity: "BENCH1",
      protocols: ["ocpp1.6"],
      strictMode: true,
      reconnect: false,
    } as RPC_ClientOptions);
    await cp.connect();
  });

  afterEach(async () => {
    await cp.close({ force: true });
    await csms.close();
  });

  it("sends RemoteStartTransaction to the charger and returns its answer", async () => {
    const received: unknown[] = [];
    cp.handle("RemoteStartTransaction", async ({ params }) => {
      received.push(params);
      return { status: "Accepted" };
    });
    const bench = benchCsmsFor(csms, "BENCH1");
    assert.deepEqual(await bench.remoteStart({ idTag: "DEV-ACCEPTED", connectorId: 1 }), { status: "Accepted" });
    assert.deepEqual(received, [{ idTag: "DEV-ACCEPTED", connectorId: 1 }]);
    const frames = csms.frames("BENCH1").map(benchFrameOf);
    assert.deepEqual(
      frames.map((f) => f.direction),
      ["csms-to-cp", "cp-to-csms"],
    );
    assert.deepEqual(Object.keys(frames[0]).sort(), ["at", "direction", "text"]);
  });

  it("turns a CALLERROR or a missing charger into a BenchTargetError", async () => {
    // The client has no Reset handler: ocpp-rpc answers CALLERROR NotImplemented.
    const bench = benchCsmsFor(csms, "BENCH1");
    await assert.rejects(bench.reset({ type: "Soft" }), (error: Error) => {
      assert.ok(error instanceof BenchTargetError);
      assert.match(error.message, /^Reset failed: CALLERROR NotImplemented/);
      return true;
    });
    await assert.rejects(benchCsmsFor(csms, "GONE").reset({ type: "Soft" }), /Reset failed: charger 'GONE' is not connected/);
  });
});
