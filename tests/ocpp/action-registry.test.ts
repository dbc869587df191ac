/**
 * Each CS-initiated action has one handler: a second registration throws at
 * boot instead of silently replacing the first (issue 10: Core's ClearCache
 * was replaced by the Local Auth one, which answered differently).
 */
import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLogSink } from "platform/host/log-console";
import { OcppEngine } from "ocpp/rpc/engine";

describe("OCPP action registry", function () {
  function engine(): OcppEngine {
    return new OcppEngine({ timers: new VirtualTime(), log: new Logger(new MemoryLogSink(), "rpc"), messageTimeoutS: () => 30 });
  }

  it("registering a handler for an action twice throws, and the first handler stays", async function () {
    const e = engine();
    const sent: string[] = [];
    e.connected((text) => sent.push(text) > 0);
    e.handle("ClearCache", () => ({ status: "Accepted" }), undefined);
    assert.throws(() => e.handle("ClearCache", () => ({ status: "Rejected" }), undefined), /ClearCache has a handler already/);
    assert.equal(e.hasAction("ClearCache"), true);
    e.receive(JSON.stringify([2, "m1", "ClearCache", {}]));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      sent.map((t) => JSON.parse(t) as unknown),
      [[3, "m1", { status: "Accepted" }]],
      "the first handler answers",
    );
  });

  it("different actions register side by side", function () {
    const e = engine();
    e.handle("ClearCache", () => ({ status: "Accepted" }), undefined);
    e.handle("GetLocalListVersion", () => ({ listVersion: 0 }), undefined);
    assert.ok(e.hasAction("ClearCache") && e.hasAction("GetLocalListVersion"));
  });
});
