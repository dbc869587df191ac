/**
 * The connector lock in the control loop: Preparing until the feedback
 * confirms the lock, "locked" before the contactor closes, and a lock that
 * fails (half-inserted plug, OCTT TC_024) latches Faulted +
 * ConnectorLockFailure until unplug, with one "lockFailed" event.
 */
import { strict as assert } from "node:assert";
import { Fault } from "connector/types";
import { makeRig } from "./helpers.ts";

describe("connector lock", function () {
  it("reports locked before the contactor closes and stays Preparing until then", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.ev.plug();
    sim.ev.ready = true;
    rig.run(100);
    c.setPermission(true);
    rig.run(20);
    assert.equal(c.snapshot.status, "Preparing", "lock commanded, feedback not yet there");
    assert.equal(c.snapshot.relayClosed, false);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
    const locked = rig.events.indexOf("1:locked");
    const closed = rig.events.indexOf("1:relayClosed");
    assert.ok(locked >= 0, "locked event");
    assert.ok(locked < closed, "locked before relayClosed");
    assert.equal(rig.events.includes("1:lockFailed"), false);
    assert.equal(c.snapshot.status, "Charging");
  });

  it("latches ConnectorLockFailure when the lock fails, never closes, clears on unplug", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.faults.lockJammed = true;
    sim.ev.plug();
    sim.ev.ready = true;
    rig.run(100);
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.status === "Faulted", 3000) >= 0, "Faulted");
    assert.equal(c.snapshot.errorCode, "ConnectorLockFailure");
    assert.ok((c.snapshot.faults & Fault.Lock) !== 0);
    assert.equal(rig.events.filter((e) => e === "1:lockFailed").length, 1);
    // The OCPP side withdraws permission (no transaction): the lock is released but the fault stays.
    c.setPermission(false);
    rig.run(2000);
    assert.equal(c.snapshot.status, "Faulted");
    assert.equal(c.snapshot.errorCode, "ConnectorLockFailure");
    assert.equal(rig.events.includes("1:relayClosed"), false, "never closed");
    assert.equal(rig.events.includes("1:locked"), false);
    assert.equal(rig.events.filter((e) => e === "1:lockFailed").length, 1, "reported once");
    sim.ev.unplug();
    sim.faults.lockJammed = false;
    rig.run(200);
    assert.equal(c.snapshot.status, "Available");
    assert.equal(c.snapshot.errorCode, "NoError");
    // A proper plug-in afterwards locks and charges.
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
    assert.ok(rig.events.includes("1:locked"));
  });
});

describe("connector lock already locked when the loop starts (chaos seed 6)", function () {
  // After a reboot the lock may still be locked (and, with the sim's parts, still commanded
  // locked). The "locked" the loop sees before any session wants the lock must not count: the
  // session that asks for the lock later waits for a "locked" of its own (StartTransaction after
  // it), and the contactor closes only after that event, with the status Preparing until then.
  for (const commanded of [true, false]) {
    it(`a later session still gets "locked" before the contactor closes (lock ${commanded ? "still commanded" : "no longer commanded"})`, function () {
      const rig = makeRig({ withLock: true });
      const c = rig.loop.connector(1);
      const sim = rig.sims[0];
      const lock = sim.hal.lock;
      assert.ok(lock);
      lock.setLocked(true, 0);
      lock.poll(1000); // locked by the previous boot
      if (!commanded) lock.setLocked(false, 1000); // a fresh driver: not commanding, still reads locked
      rig.nowMs = 1000;
      sim.ev.plug();
      sim.ev.ready = true;
      rig.run(2000);
      rig.events.length = 0;
      c.setPermission(true);
      const statuses: string[] = [];
      let closedAfterLocked: boolean | undefined;
      for (let i = 0; i < 300 && closedAfterLocked === undefined; i++) {
        rig.run(10);
        if (statuses[statuses.length - 1] !== c.snapshot.status) statuses.push(c.snapshot.status);
        if (c.snapshot.relayClosed) closedAfterLocked = rig.events.includes("1:locked");
      }
      assert.equal(closedAfterLocked, true, `the contactor closed only after "locked" (events ${rig.events.join(", ")})`);
      assert.equal(statuses[0], "Preparing", `statuses ${statuses.join(", ")}`);
      assert.deepEqual(
        rig.events.filter((e) => e === "1:locked"),
        ["1:locked"],
      );
    });
  }
});

describe("connector lock still locked from the session before (chaos seed 74)", function () {
  // A stop leaves the contactor closed for the PWM-off grace while the EV stays in C, so the lock
  // stays wanted and locked. An id presented then starts a new session that waits for "locked": it
  // must get one before Charging (and StartTransaction, which the firmware sends on "locked").
  it(`a new permission while the lock is held gets a "locked" of its own before Charging`, function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 5000) >= 0);
    c.setPermission(false);
    rig.run(1600);
    assert.equal(c.snapshot.relayClosed, true, "still closed: the PWM-off grace (the EV stays in C)");
    rig.events.length = 0;
    c.setPermission(true);
    let lockedBeforeCharging: boolean | undefined;
    for (let i = 0; i < 300 && lockedBeforeCharging === undefined; i++) {
      rig.run(10);
      if (c.snapshot.status === "Charging") lockedBeforeCharging = rig.events.includes("1:locked");
    }
    assert.equal(lockedBeforeCharging, true, `events ${rig.events.join(", ")}`);
  });
});
