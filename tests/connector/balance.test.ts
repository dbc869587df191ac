import { strict as assert } from "node:assert";
import { LoadBalancer } from "connector/balance";
import { makeRig } from "./helpers.ts";

function startCharging(rig: ReturnType<typeof makeRig>, index: number): void {
  const sim = rig.sims[index];
  sim.ev.plug();
  sim.ev.ready = true;
  rig.loop.connectors[index].setPermission(true);
}

describe("load and phase balancing", function () {
  it("shares a phase equally and gives each at least 6 A or pauses it", function () {
    const b = new LoadBalancer(3);
    for (let i = 0; i < 3; i++) b.setPhases(i, 0, 1, 2, 3);
    b.capA.set([32, 32, 32]);
    b.priority.set([0, 1, 2]);
    b.balance(32);
    assert.deepEqual(Array.from(b.allocA), [10.6, 10.6, 10.6]);
    b.balance(13);
    assert.deepEqual(Array.from(b.allocA), [6.5, 6.5, 0], "the third is paused; the rest is shared");
    b.capA.set([8, 32, 0]);
    b.balance(32);
    assert.deepEqual(Array.from(b.allocA), [8, 24, 0], "a capped connector gives the rest back");
  });

  it("spreads single-phase connectors over the phases by their rotation", function () {
    const b = new LoadBalancer(3);
    b.setPhases(0, 0, 1, 2, 1); // RST: L1
    b.setPhases(1, 1, 2, 0, 1); // STR: L2
    b.setPhases(2, 0, 2, 1, 1); // RTS: L1
    b.capA.set([32, 32, 32]);
    b.priority.set([0, 1, 2]);
    b.balance(20);
    assert.deepEqual(Array.from(b.allocA), [10, 20, 10]);
  });

  it("re-balances a 2-connector board when an EV starts, stops or draws less", function () {
    const rig = makeRig({
      connectors: 2,
      circuitLimitA: 32,
      timing: { limitIncreaseHoldMs: 1000, reclaimHoldMs: 2000 },
      rotations: ["RST", "RST"],
    });
    const [c1, c2] = rig.loop.connectors;
    startCharging(rig, 0);
    rig.run(3000);
    assert.equal(c1.snapshot.offeredA, 32);
    startCharging(rig, 1);
    rig.run(100);
    assert.equal(c1.snapshot.offeredA, 16, "the first EV's offer drops at once");
    rig.run(3000);
    assert.equal(c2.snapshot.offeredA, 16);
    assert.equal(c2.snapshot.status, "Charging");
    // EV 2 only takes 8 A: after the reclaim hold EV 1 gets the rest.
    rig.sims[1].ev.maxA = 8;
    rig.run(6000);
    assert.equal(c2.snapshot.limitA, 10, "8 A drawn + 2 A margin");
    assert.equal(c1.snapshot.offeredA, 22);
    // EV 2 leaves: EV 1 gets the whole circuit back.
    rig.sims[1].ev.unplug();
    rig.run(2000);
    assert.equal(c1.snapshot.offeredA, 32);
    // OCPP smart charging and balancing at once: the minimum wins.
    c1.setOcppLimitA(12);
    rig.run(20);
    assert.equal(c1.snapshot.offeredA, 12);
  });

  it("pauses the later connector with PWM off when the circuit cannot give both 6 A", function () {
    const rig = makeRig({ connectors: 2, circuitLimitA: 10, rotations: ["RST", "RST"] });
    const [c1, c2] = rig.loop.connectors;
    startCharging(rig, 0);
    rig.run(3000);
    startCharging(rig, 1);
    rig.run(3000);
    assert.equal(c1.snapshot.relayClosed, true);
    assert.equal(c2.snapshot.offeredA, 0);
    assert.equal(rig.sims[1].pilotDrive, "x1");
    assert.equal(c2.snapshot.status, "SuspendedEVSE");
    rig.sims[0].ev.unplug();
    rig.run(3000);
    assert.equal(c2.snapshot.relayClosed, true, "the paused EV starts when the circuit frees up");
    assert.equal(c2.snapshot.offeredA, 10);
  });
});
