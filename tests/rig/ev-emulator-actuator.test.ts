// `--ev tcp:…`: the rig's EvActuator over our EV emulator (tools/rig/ev-emulator-actuator.ts),
// against the emulator's logic in this process served on 127.0.0.1 as `npm run ev-emulator` serves
// the lin build: the bench's EV actions move the emulator's relays, faults on the charger's side
// are refused, and the pilot-short fault holds across pilot states.
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { BenchTargetUnsupported } from "../../tools/bench-api/target.ts";
import type { EvActuator } from "../../tools/rig/ev-actuator.ts";
import { openEvEmulator } from "../../tools/rig/ev-emulator-actuator.ts";
import { startHostEmulator, type HostEmulator } from "../ev-emulator/helpers.ts";

describe("rig --ev: the EV emulator as the rig's EV side", function () {
  this.timeout(20_000);
  let host: HostEmulator;
  let server: Server;
  let rigSide: Socket | undefined;
  let ev: EvActuator;

  beforeEach(async () => {
    host = await startHostEmulator();
    // The rig connects here; bytes are relayed to the emulator's own connection.
    server = createServer((socket) => {
      rigSide = socket;
      socket.pipe(host.socket);
      host.socket.pipe(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ev = await openEvEmulator({ kind: "tcp", host: "127.0.0.1", port: (server.address() as AddressInfo).port });
  });

  afterEach(async () => {
    await ev.close();
    rigSide?.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await host.close();
  });

  it("plugs, asks for power with the C resistor and unplugs", async () => {
    await ev.plug(1);
    await ev.setState(1, "C");
    assert.equal(host.line.switches.stateC, true, "the C relay closed");
    await ev.setState(1, "B");
    assert.equal(host.line.switches.stateC, false, "back to B");
    await ev.unplug(1);
    assert.equal(host.emulator.status.state, "A");
  });

  it("holds the CP-PE short across states and refuses charger-side faults and other connectors", async () => {
    await ev.plug(1);
    await ev.fault(1, "pilot-short", true);
    await ev.setState(1, "C");
    assert.deepEqual(host.emulator.status.faults, ["short"], "the short stays while the bench's fault holds");
    await ev.fault(1, "pilot-short", false);
    assert.deepEqual(host.emulator.status.faults, []);
    await assert.rejects(ev.fault(1, "rcd-dc", true), BenchTargetUnsupported);
    await assert.rejects(ev.setState(2, "C"), BenchTargetUnsupported);
  });
});
