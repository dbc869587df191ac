/**
 * UnlockConnectorOnEVSideDisconnect through the booted firmware: the key set by the CSMS
 * (ChangeConfiguration) reaches the control loop's connector through the hardware adapter.
 * False: after the EV side unplugs the transaction stops (EVDisconnected) and the cable stays
 * locked until UnlockConnector (OCTT TC_005_2); true: the lock is released at unplug.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { createLockSample } from "hal/lock";
import { TestCsms } from "../support/csms-harness.ts";
import { boot, csmsCall, newStorage, runUntil, type Bench, type SimBoard } from "../support/firmware-rig.ts";

describe("firmware: UnlockConnectorOnEVSideDisconnect reaches the control loop", function () {
  this.timeout(30_000);
  let csms: TestCsms;
  const running: Bench[] = [];

  beforeEach(async () => {
    csms = new TestCsms();
    await csms.listen();
  });

  afterEach(async () => {
    for (const bench of running.splice(0)) bench.firmware.stop();
    await csms.close();
  });

  function commandedLocked(sim: SimBoard): boolean {
    const lock = sim.sims[0].hal.lock;
    assert.ok(lock, "the board has a lock");
    const sample = createLockSample();
    lock.read(sample);
    return sample.commandedLocked && sample.locked;
  }

  async function chargeAndUnplug(unlockKey: "true" | "false"): Promise<{ bench: Bench; sim: SimBoard }> {
    const sim = createSimulatedBoard({ connectors: 1, withLock: true });
    const bench = boot(newStorage(), sim, { deviceId: "OXS0001", csmsUrlTemplate: csms.url });
    running.push(bench);
    const fw = bench.firmware;
    await runUntil(bench, "accepted", () => fw.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2);
    const changed = await csms.call("ChangeConfiguration", { key: "UnlockConnectorOnEVSideDisconnect", value: unlockKey });
    assert.equal(changed.status, "Accepted");
    assert.equal((await csms.call("ChangeConfiguration", { key: "StopTransactionOnEVSideDisconnect", value: "true" })).status, "Accepted");

    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(bench, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    fw.presentCard("CARD-1");
    await runUntil(bench, "charging", () => fw.loop.connector(1).snapshot.relayClosed);
    assert.equal(commandedLocked(sim), true, "locked while charging");
    await runUntil(bench, "StartTransaction", () => csms.calls("StartTransaction").length === 1);

    sim.sims[0].ev.unplug();
    await runUntil(bench, "StopTransaction", () => csms.calls("StopTransaction").length === 1);
    assert.equal(csms.calls("StopTransaction")[0].params.reason, "EVDisconnected");
    await runUntil(bench, "relay open, 2 s later", () => !fw.loop.connector(1).snapshot.relayClosed);
    const until = bench.time.nowMs() + 2000;
    await runUntil(bench, "2 s after unplug", () => bench.time.nowMs() >= until);
    return { bench, sim };
  }

  it("false: the cable stays locked after the EV side disconnects, until UnlockConnector", async () => {
    const { bench, sim } = await chargeAndUnplug("false");
    assert.equal(commandedLocked(sim), true, "still locked after unplug and StopTransaction");
    assert.equal(bench.firmware.loop.connector(1).lockHeldAfterEvDisconnect(), true);
    // The answer follows the lock's feedback, so the board keeps running while the CSMS waits.
    const answer = await csmsCall(csms, bench, "UnlockConnector", { connectorId: 1 });
    assert.equal(answer.status, "Unlocked");
    await runUntil(bench, "released", () => !commandedLocked(sim));
    assert.equal(bench.firmware.loop.connector(1).lockHeldAfterEvDisconnect(), false);
  });

  it("true: the lock is released when the EV side disconnects", async () => {
    const { bench, sim } = await chargeAndUnplug("true");
    assert.equal(commandedLocked(sim), false, "released after unplug");
    assert.equal(bench.firmware.loop.connector(1).lockHeldAfterEvDisconnect(), false);
  });
});
