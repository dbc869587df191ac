import { strict as assert } from "node:assert";
import { Fault } from "connector/types";
import { makeRig } from "./helpers.ts";

describe("connector status and error codes in OCPP terms", function () {
  it("reports Reserved, Preparing before plug-in, Unavailable and PowerMeterFailure", function () {
    const rig = makeRig();
    const c = rig.loop.connector(1);
    c.setReserved(true);
    rig.run(20);
    assert.equal(c.snapshot.status, "Reserved");
    c.setPermission(true);
    rig.run(20);
    assert.equal(c.snapshot.status, "Preparing", "permitted, not yet plugged");
    c.setPermission(false);
    c.setReserved(false);
    c.setAvailable(false);
    rig.run(20);
    assert.equal(c.snapshot.status, "Unavailable");
    c.setAvailable(true);
    rig.sims[0].faults.meterOffline = true;
    rig.run(20);
    assert.equal(c.snapshot.status, "Available");
    assert.equal(c.snapshot.errorCode, "PowerMeterFailure");
    assert.ok((c.snapshot.faults & Fault.Meter) !== 0);
    assert.ok(rig.events.includes("1:statusChanged"));
  });

  it("keeps charging with the meter offline and counts energy again when it returns", function () {
    const rig = makeRig();
    const c = rig.loop.connector(1);
    rig.sims[0].ev.plug();
    rig.sims[0].ev.ready = true;
    c.setPermission(true);
    rig.run(3000);
    const before = c.snapshot.energyWh;
    rig.sims[0].faults.meterOffline = true;
    rig.run(1000);
    assert.equal(c.snapshot.relayClosed, true);
    assert.equal(c.snapshot.status, "Charging");
    assert.equal(c.snapshot.meter.ok, false);
    rig.sims[0].faults.meterOffline = false;
    rig.run(100);
    assert.ok(c.snapshot.energyWh > before);
    assert.equal(c.snapshot.errorCode, "NoError");
  });

  it("locks before closing, reports a jammed lock and unlocks on request", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
    assert.equal(c.unlock(), true);
    rig.run(200);
    assert.equal(c.snapshot.relayClosed, false, "unlock stops power first");
    assert.equal(c.snapshot.status, "Finishing");
    sim.ev.unplug();
    rig.run(200);
    sim.faults.lockJammed = true;
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    rig.run(2000);
    assert.equal(c.snapshot.relayClosed, false);
    assert.equal(c.snapshot.errorCode, "ConnectorLockFailure");
    assert.equal(c.snapshot.status, "Faulted");
  });

  it("reports a missing diode as EVCommunicationError until unplug", function () {
    // Tethered: no lock wait, so the session reaches SuspendedEV before the diode check faults it.
    const rig = makeRig({ tethered: true });
    const c = rig.loop.connector(1);
    rig.sims[0].ev.diode = false;
    rig.sims[0].ev.plug();
    c.setPermission(true);
    rig.run(500);
    assert.equal(c.snapshot.status, "Faulted");
    assert.equal(c.snapshot.errorCode, "EVCommunicationError");
    rig.sims[0].ev.unplug();
    rig.run(200);
    // Still permitted (a transaction going on): the EV side left it, SuspendedEV [reference 4.1], not Preparing.
    assert.equal(c.snapshot.status, "SuspendedEV", "cleared by unplug (still permitted)");
    assert.equal(c.snapshot.errorCode, "NoError");
  });
});

describe("connector status: a new transaction after Finishing (chaos seed 11)", function () {
  // Finishing → Charging/SuspendedEV is not in the transition table [SPEC 4.9, ERR 3.20]; Finishing →
  // Preparing is. A remote start on a connector still plugged after a stop goes through Preparing.
  for (const ready of [false, true]) {
    it(`Finishing → Preparing → ${ready ? "Charging" : "SuspendedEV"} when a transaction starts with the EV still plugged (EV ${ready ? "in C" : "in B"})`, function () {
      const rig = makeRig({ withLock: false }); // no lock: nothing else passes through Preparing
      const c = rig.loop.connector(1);
      const sim = rig.sims[0];
      sim.ev.plug();
      sim.ev.ready = true;
      c.setPermission(true);
      assert.ok(rig.runUntil(() => c.snapshot.status === "Charging", 5000) >= 0);
      sim.ev.ready = ready;
      c.setPermission(false);
      assert.ok(rig.runUntil(() => c.snapshot.status === "Finishing", 1000) >= 0);
      rig.run(1000); // the EV's state settles (debounce)
      assert.equal(c.snapshot.status, "Finishing");
      const seen: string[] = [];
      let last = c.snapshot.status;
      c.setPermission(true);
      for (let i = 0; i < 500 && seen.length < 2; i++) {
        rig.run(10);
        if (c.snapshot.status !== last) {
          last = c.snapshot.status;
          seen.push(last);
        }
      }
      assert.deepEqual(seen, ["Preparing", ready ? "Charging" : "SuspendedEV"]);
    });
  }
});

describe("connector status: Inoperative while Preparing (chaos seeds 41, 45, 52, 53)", function () {
  // Preparing → Unavailable is not in the transition table [SPEC 4.9, ERR 3.20]; Preparing →
  // Available → Unavailable is. Plugged without a transaction, or id first and not yet plugged.
  for (const plugged of [true, false]) {
    it(`Preparing → Available → Unavailable (${plugged ? "EV plugged" : "id presented, not plugged"})`, function () {
      const rig = makeRig({ withLock: false });
      const c = rig.loop.connector(1);
      if (plugged) rig.sims[0].ev.plug();
      else c.setPermission(true);
      rig.run(1000);
      assert.equal(c.snapshot.status, "Preparing");
      c.setAvailable(false);
      const seen: string[] = [];
      let last = c.snapshot.status;
      for (let i = 0; i < 100 && seen.length < 2; i++) {
        rig.run(10);
        if (c.snapshot.status !== last) {
          last = c.snapshot.status;
          seen.push(last);
        }
      }
      assert.deepEqual(seen, ["Available", "Unavailable"]);
    });
  }
});

describe("connector status: Operative again after Inoperative while Finishing (chaos seed 1354)", function () {
  // Unavailable → Finishing is not in the transition table [SPEC 4.9, ERR 3.20]. The session ended
  // before the connector went Inoperative: Operative again with the EV still plugged is Preparing.
  it("Finishing → Unavailable → Preparing, and it stays Preparing", function () {
    const rig = makeRig({ withLock: false });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.ev.plug();
    c.setPermission(true);
    rig.run(1000);
    c.setPermission(false);
    rig.run(100);
    assert.equal(c.snapshot.status, "Finishing");
    c.setAvailable(false);
    rig.run(100);
    assert.equal(c.snapshot.status, "Unavailable");
    c.setAvailable(true);
    const seen: string[] = [];
    let last = c.snapshot.status;
    for (let i = 0; i < 100; i++) {
      rig.run(10);
      if (c.snapshot.status !== last) {
        last = c.snapshot.status;
        seen.push(last);
      }
    }
    assert.deepEqual(seen, ["Preparing"]);
  });
});
