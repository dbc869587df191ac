import { strict as assert } from "node:assert";
import { ControlLoop } from "connector/loop";
import { Fault } from "connector/types";
import { createSimulatedBoard } from "hal/sim/charger";
import { makeRig, type Rig } from "./helpers.ts";

/** A charging rig whose terminal temperature only moves when the test sets it (infinite thermal time constant). */
function chargingRig(extra: Parameters<typeof makeRig>[0] = {}): Rig {
  const rig = makeRig({ partTiming: { thermalTauMs: Infinity }, ...extra });
  const c = rig.loop.connector(1);
  const sim = rig.sims[0];
  sim.temperatureC = 30;
  sim.ev.plug();
  sim.ev.ready = true;
  c.setPermission(true);
  assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "closes");
  rig.run(2000);
  assert.equal(c.snapshot.offeredA, 32);
  return rig;
}

describe("control loop: temperature supervision", function () {
  it("derates linearly from full current at 70 °C to 6 A at 80 °C; a decrease applies in the next tick", function () {
    const rig = chargingRig();
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    const curve: Array<[number, number]> = [
      [70, 32],
      [72.5, 25], // 32 - 26 x 0.25 = 25.5 -> whole amperes, rounded down
      [75, 19],
      [77.5, 12],
      [80, 6],
      [84.9, 6],
    ];
    for (const [celsius, amperes] of curve) {
      sim.temperatureC = celsius;
      rig.run(10);
      assert.equal(c.snapshot.temperatureC, celsius);
      assert.equal(c.snapshot.offeredA, amperes, `${celsius} °C offers ${amperes} A`);
      assert.equal(c.snapshot.relayClosed, true, `still charging at ${celsius} °C`);
      assert.equal(c.snapshot.status, "Charging");
    }
    assert.equal(sim.offeredA, 6, "the PWM offers 6 A");
    // Cooling: increases follow the limit-increase hold like any other increase.
    sim.temperatureC = 60;
    rig.run(10);
    assert.equal(c.snapshot.temperatureCapA, Infinity);
    assert.equal(c.snapshot.offeredA, 6, "no increase within limitIncreaseHoldMs");
    rig.run(5000);
    assert.equal(c.snapshot.offeredA, 32, "full current once the hold has passed");
  });

  it("gives the current a hot connector cannot take to the other connector", function () {
    const rig = makeRig({ connectors: 2, circuitLimitA: 32, partTiming: { thermalTauMs: Infinity }, timing: { limitIncreaseHoldMs: 0 } });
    for (let i = 0; i < 2; i++) {
      rig.sims[i].temperatureC = 30;
      rig.sims[i].ev.plug();
      rig.sims[i].ev.ready = true;
      rig.loop.connectors[i].setPermission(true);
    }
    rig.run(3000);
    assert.deepEqual(
      rig.loop.connectors.map((c) => c.snapshot.offeredA),
      [16, 16],
    );
    rig.sims[0].temperatureC = 80;
    rig.run(20);
    assert.deepEqual(
      rig.loop.connectors.map((c) => c.snapshot.offeredA),
      [6, 26],
    );
  });

  it("trips at 85 °C in the same tick, latches Faulted + HighTemperature and resets only below 60 °C", function () {
    const rig = chargingRig();
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.temperatureC = 85;
    rig.run(10);
    assert.equal(c.snapshot.relayClosed, false, "open in the tick the trip is seen");
    assert.equal(sim.commandedClosed, false);
    assert.deepEqual([c.snapshot.status, c.snapshot.errorCode], ["Faulted", "HighTemperature"]);
    assert.ok((c.snapshot.faults & Fault.Temperature) !== 0);
    assert.ok(rig.events.includes("1:faulted"));
    assert.equal(sim.pilotDrive, "x1", "PWM off while faulted");
    for (const celsius of [80, 70, 60.5]) {
      sim.temperatureC = celsius;
      rig.run(1000);
      assert.equal(c.snapshot.status, "Faulted", `still latched at ${celsius} °C (hysteresis)`);
      assert.equal(c.snapshot.relayClosed, false);
    }
    c.clearFaults(rig.nowMs);
    rig.run(100);
    assert.equal(c.snapshot.errorCode, "HighTemperature", "maintenance clear does not override a hot connector");
    sim.temperatureC = 59.5;
    rig.run(10);
    assert.equal(c.snapshot.faults & Fault.Temperature, 0, "cleared below the reset threshold");
    assert.ok(rig.events.includes("1:faultCleared"));
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "charges again in the same session");
    assert.equal(c.snapshot.offeredA, 32);
  });

  it("opens and latches when the sensor reads invalid values while charging, and recovers on a valid cool reading", function () {
    const rig = chargingRig();
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.faults.temperatureSensorOpen = true;
    rig.run(10);
    assert.equal(c.snapshot.relayClosed, false, "open in the tick the sensor fails");
    assert.deepEqual([c.snapshot.status, c.snapshot.errorCode], ["Faulted", "HighTemperature"]);
    assert.ok(Number.isNaN(c.snapshot.temperatureC));
    rig.run(5000);
    assert.equal(c.snapshot.status, "Faulted");
    sim.faults.temperatureSensorOpen = false;
    sim.temperatureC = 70;
    rig.run(100);
    assert.equal(c.snapshot.status, "Faulted", "a valid reading above the reset threshold keeps the latch");
    sim.temperatureC = 40;
    rig.run(10);
    assert.equal(c.snapshot.faults & Fault.Temperature, 0);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
  });

  it("does not close with a failed sensor: idle is not a fault, asking for power is", function () {
    const rig = makeRig({ partTiming: { thermalTauMs: Infinity } });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.faults.temperatureSensorOpen = true;
    rig.run(200);
    assert.deepEqual([c.snapshot.status, c.snapshot.errorCode], ["Available", "NoError"], "nothing to protect while idle");
    sim.ev.plug();
    c.setPermission(true);
    rig.run(200);
    assert.equal(c.snapshot.status, "SuspendedEV");
    sim.ev.ready = true;
    for (let t = 0; t < 3000; t += 10) {
      rig.run(10);
      assert.equal(c.snapshot.relayClosed, false, "never closes without a valid temperature");
    }
    assert.deepEqual([c.snapshot.status, c.snapshot.errorCode], ["Faulted", "HighTemperature"]);
  });

  it("heats with current² on the simulated board: an injected over-temperature derates, trips and cools back", function () {
    const rig = makeRig({ partTiming: { thermalTauMs: 5000 } });
    const c = rig.loop.connector(1);
    const sim = rig.sims[0];
    sim.ev.plug();
    sim.ev.ready = true;
    c.setPermission(true);
    rig.run(40_000);
    assert.ok(c.snapshot.temperatureC > 50 && c.snapshot.temperatureC < 56, `32 A settles near 55 °C: ${c.snapshot.temperatureC}`);
    assert.equal(c.snapshot.offeredA, 32, "no derating at rated current");
    sim.faults.overTemperature = true;
    assert.ok(rig.runUntil(() => c.snapshot.offeredA < 32, 20_000) >= 0, "derates");
    assert.ok(c.snapshot.relayClosed);
    assert.ok(rig.runUntil(() => c.snapshot.errorCode === "HighTemperature", 20_000) >= 0, "trips");
    assert.equal(c.snapshot.relayClosed, false);
    assert.ok(sim.temperatureC >= 85);
    sim.faults.overTemperature = false;
    assert.ok(rig.runUntil(() => c.snapshot.status !== "Faulted", 60_000) >= 0, "resets after cooling");
    assert.ok(sim.temperatureC < 60);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0, "charges again");
  });

  it("works without a sensor (no derating, temperature NaN) and rejects inconsistent thresholds", function () {
    const rig = makeRig({ withTemperature: false });
    const c = rig.loop.connector(1);
    rig.sims[0].temperatureC = 200;
    rig.sims[0].ev.plug();
    rig.sims[0].ev.ready = true;
    c.setPermission(true);
    assert.ok(rig.runUntil(() => c.snapshot.relayClosed, 3000) >= 0);
    assert.ok(Number.isNaN(c.snapshot.temperatureC));
    assert.equal(c.snapshot.offeredA, 32);
    const { board } = createSimulatedBoard({ timing: { tempTripC: 75 } });
    assert.throws(() => new ControlLoop(board, () => undefined), /derateStart < derateEnd <= trip/);
  });
});
