/**
 * UnlockConnectorOnEVSideDisconnect in the control loop [SPEC 4.10, our reference 3.1 and 4.4]:
 * with the key false the cable lock stays engaged after the EV side disconnects, until
 * UnlockConnector or the next plug-in; with the key true it is released at unplug unless the
 * transaction goes on (StopTransactionOnEVSideDisconnect false), then when the transaction ends.
 */
import { strict as assert } from "node:assert";
import { createLockSample } from "hal/lock";
import { makeRig, type Rig } from "./helpers.ts";

function lockState(rig: Rig): { commanded: boolean; locked: boolean } {
  const sample = createLockSample();
  const lock = rig.sims[0].hal.lock;
  assert.ok(lock, "the rig has a lock");
  lock.read(sample);
  return { commanded: sample.commandedLocked, locked: sample.locked };
}

/** Plug, authorize, charge until the contactor closed behind the confirmed lock. */
function charge(rig: Rig): void {
  const c = rig.loop.connector(1);
  const sim = rig.sims[0];
  sim.ev.plug();
  sim.ev.ready = true;
  rig.run(100);
  c.setPermission(true);
  assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "charging");
  assert.deepEqual(lockState(rig), { commanded: true, locked: true });
}

describe("connector: UnlockConnectorOnEVSideDisconnect", function () {
  it("true (default): the lock is released when the EV side unplugs and the transaction stops", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    charge(rig);
    rig.sims[0].ev.unplug();
    rig.run(100);
    c.setPermission(false); // StopTransactionOnEVSideDisconnect true: the OCPP side ends the transaction
    rig.run(500);
    assert.equal(c.snapshot.plugged, false);
    assert.equal(c.lockHeldAfterEvDisconnect(), false);
    assert.deepEqual(lockState(rig), { commanded: false, locked: false });
    assert.equal(c.snapshot.status, "Available");
  });

  it("false: the lock stays engaged after unplug and the transaction end, until UnlockConnector", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    c.setUnlockOnEvSideDisconnect(false);
    charge(rig);
    rig.sims[0].ev.unplug();
    rig.run(100);
    assert.equal(c.snapshot.relayClosed, false, "the contactor opened at unplug");
    c.setPermission(false); // the transaction stops (EVDisconnected)
    rig.run(2000);
    assert.equal(c.lockHeldAfterEvDisconnect(), true);
    assert.deepEqual(lockState(rig), { commanded: true, locked: true }, "still locked 2 s after unplug");
    assert.equal(c.snapshot.status, "Available");
    assert.equal(c.snapshot.faults, 0);
    // UnlockConnector releases it.
    assert.equal(c.unlock(), true);
    rig.run(300);
    assert.deepEqual(lockState(rig), { commanded: false, locked: false });
    // A new plug-in afterwards works normally (no lingering unlock request).
    rig.sims[0].ev.plug();
    rig.sims[0].ev.ready = true;
    rig.run(100);
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "charges again");
    assert.equal(c.snapshot.status, "Charging");
  });

  it("false: the next plug-in hands the lock back to the session rules", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    c.setUnlockOnEvSideDisconnect(false);
    charge(rig);
    rig.sims[0].ev.unplug();
    rig.run(100);
    c.setPermission(false);
    rig.run(500);
    assert.equal(lockState(rig).commanded, true);
    rig.sims[0].ev.plug();
    rig.run(300);
    assert.equal(c.lockHeldAfterEvDisconnect(), false);
    assert.equal(lockState(rig).commanded, false, "not permitted: released");
    assert.equal(c.snapshot.status, "Preparing");
  });

  it("true with the transaction going on (StopTransactionOnEVSideDisconnect false): locked until the transaction ends", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    charge(rig);
    rig.sims[0].ev.unplug();
    rig.run(1000);
    assert.equal(lockState(rig).commanded, true, "locked while the transaction runs without the EV");
    // Re-plugging resumes energy in the same transaction.
    rig.sims[0].ev.plug();
    rig.sims[0].ev.ready = true;
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "resumes");
    rig.sims[0].ev.unplug();
    rig.run(500);
    assert.equal(lockState(rig).commanded, true);
    c.setPermission(false); // the user presented the id
    rig.run(300);
    assert.deepEqual(lockState(rig), { commanded: false, locked: false });
  });

  it("changing the key to true releases a lock held for it", function () {
    const rig = makeRig({ withLock: true });
    const c = rig.loop.connector(1);
    c.setUnlockOnEvSideDisconnect(false);
    charge(rig);
    rig.sims[0].ev.unplug();
    rig.run(100);
    c.setPermission(false);
    rig.run(300);
    assert.equal(lockState(rig).commanded, true);
    c.setUnlockOnEvSideDisconnect(true);
    rig.run(300);
    assert.equal(lockState(rig).commanded, false);
  });
});
