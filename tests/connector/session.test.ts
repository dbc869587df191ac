import { strict as assert } from "node:assert";
import { Fault } from "connector/types";
import { makeRig } from "./helpers.ts";

describe("control loop: a charging session on the simulated board", function () {
  it("goes Available -> Preparing -> SuspendedEV -> Charging -> Finishing -> Available", function () {
    // A tethered cable: no lock to wait for between permission and PWM (the lock is tests/connector/lock.test.ts).
    const rig = makeRig({ tethered: true });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    rig.run(100);
    assert.equal(c.snapshot.status, "Available");
    sim.ev.plug();
    rig.run(100);
    assert.equal(c.snapshot.plugged, true);
    assert.equal(c.snapshot.pilotState, "B");
    assert.equal(c.snapshot.status, "Preparing");
    assert.equal(sim.pilotDrive, "x1", "no PWM before permission");
    c.setPermission(true);
    rig.run(50);
    assert.equal(sim.pilotDrive, "pwm");
    assert.equal(c.snapshot.offeredA, 32);
    assert.equal(c.snapshot.status, "SuspendedEV");
    sim.ev.ready = true;
    const closeMs = rig.runUntil(() => c.snapshot.relayClosed, 3000);
    assert.ok(closeMs >= 0 && closeMs < 3000, `closed within 3 s (took ${closeMs})`);
    assert.equal(c.snapshot.selfTested, true);
    assert.equal(c.snapshot.status, "Charging");
    rig.run(5000);
    assert.ok(c.snapshot.drawnA > 31, `EV draws its share: ${c.snapshot.drawnA}`);
    assert.ok(c.snapshot.energyWh > 0);
    assert.ok(rig.events.includes("1:plugged"));
    assert.ok(rig.events.includes("1:selfTestPassed"));
    assert.ok(rig.events.includes("1:charging"));
    c.setPermission(false);
    rig.run(10);
    assert.equal(sim.pilotDrive, "x1", "PWM off at once when permission is withdrawn");
    assert.equal(c.snapshot.status, "Finishing");
    sim.ev.ready = false;
    const openMs = rig.runUntil(() => !c.snapshot.relayClosed, 200);
    assert.ok(openMs >= 0 && openMs <= 100, `C->B opens within 100 ms (${openMs})`);
    sim.ev.unplug();
    rig.run(100);
    assert.equal(c.snapshot.status, "Available");
    assert.equal(c.snapshot.selfTested, false, "self-test is per session");
    assert.ok(rig.events.includes("1:unplugged"));
  });

  it("opens after at most 6 s when PWM is switched off and the EV stays in C", function () {
    const rig = makeRig();
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
    c.setOcppLimitA(4); // below 6 A: pause with PWM off
    rig.run(10);
    assert.equal(sim.pilotDrive, "x1");
    assert.equal(c.snapshot.status, "SuspendedEVSE");
    rig.run(5000);
    assert.equal(c.snapshot.relayClosed, true, "may stay closed under the 6 s grace");
    const openMs = rig.runUntil(() => !c.snapshot.relayClosed, 2000);
    assert.ok(openMs >= 0 && openMs <= 1000, `opened at 6 s (${openMs} ms after 5 s)`);
    c.setOcppLimitA(16);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "resumes when the limit allows");
    assert.equal(c.snapshot.offeredA, 16);
  });

  it("opens in the same tick on an RCD trip, a pilot short, a missing diode or unplug", function () {
    const cases: Array<[string, (rig: ReturnType<typeof makeRig>) => void, number]> = [
      ["rcd dc", (r) => (r.sims[0].faults.residual = "dc"), Fault.RcdTrip],
      ["pilot short", (r) => (r.sims[0].faults.pilotShort = true), 0],
      ["diode", (r) => (r.sims[0].ev.diode = false), Fault.Diode],
      ["unplug", (r) => r.sims[0].ev.unplug(), 0],
    ];
    for (const [name, inject, fault] of cases) {
      const rig = makeRig();
      const c = rig.loop.connector(1);
      rig.sims[0].ev.plug();
      rig.sims[0].ev.ready = true;
      c.setPermission(true);
      assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, name);
      inject(rig);
      rig.run(10);
      assert.equal(c.snapshot.relayClosed, false, `${name}: open in the tick the fault is seen`);
      assert.equal(rig.sims[0].commandedClosed, false, name);
      if (fault) assert.ok((c.snapshot.faults & fault) !== 0, `${name}: fault bit`);
      rig.run(200);
      if (name !== "unplug") assert.equal(c.snapshot.status, "Faulted", name);
    }
  });

  it("latches a weld after opening and never closes again until cleared", function () {
    const rig = makeRig();
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
    rig.run(500);
    assert.equal(sim.powered, true);
    sim.faults.welded = true;
    sim.ev.ready = false;
    rig.run(500);
    assert.ok((c.snapshot.faults & Fault.Welded) !== 0);
    assert.equal(c.snapshot.status, "Faulted");
    assert.equal(c.snapshot.errorCode, "PowerSwitchFailure");
    sim.ev.unplug();
    rig.run(200);
    sim.ev.plug();
    sim.ev.ready = true;
    rig.run(3000);
    assert.equal(c.snapshot.relayClosed, false, "weld is permanent across sessions");
    assert.equal(c.snapshot.status, "Faulted");
    sim.faults.welded = false;
    c.clearFaults(rig.nowMs);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "charges again after clearing");
  });

  it("fails the session on a failed RCD self-test and retries by policy", function () {
    const rig = makeRig({ timing: { rcdRetryDelayMs: 1000, rcdMaxRetries: 2 } });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.faults.selfTestFails = true;
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    rig.run(1000);
    assert.equal(c.snapshot.relayClosed, false);
    assert.ok((c.snapshot.faults & Fault.RcdSelfTest) !== 0);
    assert.equal(c.snapshot.errorCode, "GroundFailure");
    rig.run(10_000);
    assert.equal(c.snapshot.status, "Faulted", "gives up after the retries");
    sim.faults.selfTestFails = false;
    rig.run(2000);
    assert.equal(c.snapshot.relayClosed, false, "no retry left in this session");
    sim.ev.unplug();
    rig.run(200);
    sim.ev.plug();
    sim.ev.ready = true;
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "a new session retries after the delay");
    assert.equal(c.snapshot.selfTested, true);
  });

  it("reports a contactor that fails to close as PowerSwitchFailure until unplug", function () {
    const rig = makeRig();
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.faults.failToClose = true;
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    rig.run(1000);
    assert.ok((c.snapshot.faults & Fault.ContactorFailedToClose) !== 0);
    assert.equal(c.snapshot.relayClosed, false, "commanded open again");
    assert.equal(c.snapshot.errorCode, "PowerSwitchFailure");
    rig.run(2000);
    assert.equal(c.snapshot.relayClosed, false, "no new attempt in this session");
    sim.faults.failToClose = false;
    sim.ev.unplug();
    rig.run(200);
    assert.equal(c.snapshot.errorCode, "NoError");
    sim.ev.plug();
    sim.ev.ready = true;
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
  });
});
