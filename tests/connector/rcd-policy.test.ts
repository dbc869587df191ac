import { strict as assert } from "node:assert";
import { ControlLoop } from "connector/loop";
import { makeRig, type Rig } from "./helpers.ts";

/**
 * The RCD policy of docs/control-loop.md with the default timings (retry after 5 min, 3 retries
 * per session): what a trip does, when it clears, and the OCPP statuses it causes.
 */
describe("RCD trip policy (issue 10.10: the latch does what the docs say)", function () {
  this.timeout(30_000);
  const FIVE_MIN_MS = 5 * 60_000;

  function charging(): Rig {
    const rig = makeRig();
    const c = rig.loop.connector(1);
    rig.sims[0].ev.plug();
    rig.sims[0].ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed && c.snapshot.status === "Charging", 5000) >= 0, "charging");
    return rig;
  }

  /** The distinct statuses the connector reports over `ms`, in order. */
  function statusesOver(rig: Rig, ms: number): string[] {
    const c = rig.loop.connector(1);
    const seen = [`${c.snapshot.status}/${c.snapshot.errorCode}`];
    const end = rig.nowMs + ms;
    while (rig.nowMs < end) {
      rig.run(10);
      const now = `${c.snapshot.status}/${c.snapshot.errorCode}`;
      if (now !== seen[seen.length - 1]) seen.push(now);
    }
    return seen;
  }

  it("opens in the tick of the trip and, with the EV still plugged, retries after 5 min with a new self-test", function () {
    const rig = charging();
    const c = rig.loop.connector(1);
    rig.sims[0].faults.residual = "dc";
    rig.run(10);
    assert.equal(c.snapshot.relayClosed, false, "open in the tick of the trip");
    assert.equal(`${c.snapshot.status}/${c.snapshot.errorCode}`, "Faulted/GroundFailure");
    rig.sims[0].faults.residual = "none";
    assert.deepEqual(statusesOver(rig, FIVE_MIN_MS - 100), ["Faulted/GroundFailure"], "latched for the retry delay");
    const after = statusesOver(rig, 3000);
    assert.deepEqual(after, ["Faulted/GroundFailure", "Charging/NoError"], "reset, self-tested and charging again");
    assert.equal(c.snapshot.selfTested, true);
  });

  it("clears at unplug when the module resets clean: Faulted -> Available after a self-test of the reset module, no 5 min wait", function () {
    const rig = charging();
    const c = rig.loop.connector(1);
    rig.sims[0].faults.residual = "ac";
    rig.run(10);
    rig.sims[0].faults.residual = "none";
    rig.run(20_000);
    assert.equal(c.snapshot.status, "Faulted");
    rig.sims[0].ev.unplug();
    c.setPermission(false);
    assert.deepEqual(statusesOver(rig, 1000), ["Faulted/GroundFailure", "Available/NoError"]);
    rig.sims[0].ev.plug();
    rig.sims[0].ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "the next EV charges after its own self-test");
  });

  it("keeps a trip that persists without an EV (a fault of the charger) Faulted, retried every 5 min until it is gone", function () {
    const rig = charging();
    const c = rig.loop.connector(1);
    rig.sims[0].faults.residual = "dc";
    rig.run(10);
    rig.sims[0].ev.unplug();
    c.setPermission(false);
    assert.deepEqual(statusesOver(rig, 4 * FIVE_MIN_MS), ["Faulted/GroundFailure"], "no retry limit, never cleared while it trips");
    rig.sims[0].faults.residual = "none";
    assert.deepEqual(statusesOver(rig, FIVE_MIN_MS + 1000), ["Faulted/GroundFailure", "Available/NoError"]);
  });

  it("gives up after 3 retries in one session and stays Faulted until unplug", function () {
    const rig = charging();
    const c = rig.loop.connector(1);
    rig.sims[0].faults.residual = "dc";
    // Each retry resets the module and self-tests it; the persisting residual trips it again before
    // anything is offered, so the status stays Faulted (no flapping) and the contactor open.
    assert.deepEqual(statusesOver(rig, 5 * FIVE_MIN_MS), ["Charging/NoError", "Faulted/GroundFailure"]);
    assert.equal(c.snapshot.relayClosed, false);
    rig.sims[0].faults.residual = "none";
    assert.deepEqual(statusesOver(rig, 2 * FIVE_MIN_MS), ["Faulted/GroundFailure"], "no retry left this session");
    rig.sims[0].ev.unplug();
    rig.run(500);
    assert.equal(c.snapshot.status, "SuspendedEV", "unplugged in a transaction that goes on: the EV side left, the trip is gone");
    assert.equal(c.snapshot.errorCode, "NoError");
  });

  it("judges a trip latched before a reboot anew at power-on (the module is reset once)", function () {
    const rig = charging();
    rig.sims[0].faults.residual = "dc";
    rig.run(10);
    rig.sims[0].faults.residual = "none";
    // Reboot: a new loop on the same board (the module kept its latch); the EV is still plugged.
    const loop = new ControlLoop(rig.board, () => undefined);
    let nowMs = rig.nowMs;
    for (let i = 0; i < 20; i++) loop.tick((nowMs += 10));
    assert.equal(loop.connector(1).snapshot.errorCode, "NoError");
    assert.equal(loop.connector(1).snapshot.status, "Preparing", "plugged, waiting for permission");
    rig.sims[0].faults.residual = "dc";
    loop.tick((nowMs += 10));
    assert.equal(loop.connector(1).snapshot.errorCode, "GroundFailure", "a residual current that persists trips again");
  });
});
