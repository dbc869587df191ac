import { strict as assert } from "node:assert";
import { ContactorSupervisor } from "hal/contactor";
import { createMeterSample } from "hal/meter";
import { amperesToDuty, classifyDiode, classifyPilotVoltage, createPilotSample, dutyToAmperes } from "hal/pilot";
import { createRcdSample } from "hal/rcd";
import { createTemperatureSample } from "hal/temperature";
import { createSimulatedBoard } from "hal/sim/charger";
import { createLockSample } from "hal/lock";

describe("HAL shared functions", function () {
  it("maps amperes to duty and back per IEC 61851-1", function () {
    assert.equal(amperesToDuty(5.9), 0, "below 6 A nothing is offered");
    assert.ok(Math.abs(amperesToDuty(6) - 10) < 1e-9);
    assert.ok(Math.abs(amperesToDuty(32) - 53.333333) < 1e-5);
    assert.ok(Math.abs(amperesToDuty(51) - 85) < 1e-9);
    assert.ok(Math.abs(amperesToDuty(80) - 96) < 1e-9);
    assert.ok(Math.abs(amperesToDuty(100) - 96) < 1e-9, "clamped to 80 A");
    for (const a of [6, 10, 16, 20.5, 32, 40, 51, 60, 63, 80]) {
      assert.ok(Math.abs(dutyToAmperes(amperesToDuty(a)) - a) < 1e-9, `${a} A round trip`);
    }
    assert.equal(dutyToAmperes(9), 6);
    assert.equal(dutyToAmperes(5), 0, "5 %: digital communication");
    assert.equal(dutyToAmperes(2), 0);
    assert.equal(dutyToAmperes(97), 0);
    assert.equal(dutyToAmperes(100), 0);
  });

  it("classifies the pilot high level into A-F with gaps as invalid", function () {
    const cases: Array<[number, string]> = [
      [12, "A"],
      [11.4, "A"],
      [12.6, "A"],
      [9, "B"],
      [8.36, "B"],
      [9.56, "B"],
      [6, "C"],
      [5.48, "C"],
      [6.49, "C"],
      [3, "D"],
      [2.62, "D"],
      [0, "E"],
      [-12, "F"],
      [10.5, "invalid"],
      [7.5, "invalid"],
      [4.5, "invalid"],
      [1.5, "invalid"],
      [-5, "invalid"],
      [14, "invalid"],
    ];
    for (const [v, state] of cases) assert.equal(classifyPilotVoltage(v), state, `${v} V`);
    assert.equal(classifyDiode(-12, true), "ok");
    assert.equal(classifyDiode(-6, true), "missing");
    assert.equal(classifyDiode(-12, false), "unknown");
  });

  it("supervises contactor feedback: weld after open, failed close, latched until cleared", function () {
    const s = new ContactorSupervisor(100);
    s.command(true, 0);
    assert.equal(s.check(false, 50), "none", "within the settle time");
    assert.equal(s.check(true, 60), "none");
    s.command(false, 1000);
    assert.equal(s.check(true, 1099), "none");
    assert.equal(s.check(true, 1100), "welded");
    assert.equal(s.check(false, 1200), "welded", "latched");
    s.clear(1300);
    assert.equal(s.check(false, 1300), "none");
    s.command(true, 2000);
    assert.equal(s.check(false, 2100), "failed-to-close");
  });

  it("creates samples with their buffers once", function () {
    const m = createMeterSample();
    assert.equal(m.voltageV.length, 3);
    assert.equal(createPilotSample().state, "A");
    assert.equal(createRcdSample().tripped, false);
  });
});

describe("simulated board", function () {
  it("presents the EV's pilot states, the diode and a pilot short", function () {
    const { sims } = createSimulatedBoard();
    const { pilot } = sims[0].hal;
    const sample = createPilotSample();
    const read = (ms: number): string => {
      pilot.poll(ms);
      pilot.read(sample);
      return sample.state;
    };
    assert.equal(read(10), "A");
    sims[0].ev.plug();
    assert.equal(read(20), "B");
    pilot.setPwm(16);
    sims[0].ev.ready = true;
    assert.equal(read(30), "C");
    assert.equal(sample.diode, "ok");
    assert.ok(Math.abs(dutyToAmperes(sample.dutyPercent) - 16) < 1e-9);
    sims[0].ev.ventilation = true;
    assert.equal(read(40), "D");
    sims[0].ev.diode = false;
    read(50);
    assert.equal(sample.diode, "missing");
    sims[0].faults.pilotShort = true;
    assert.equal(read(60), "E");
    pilot.setStateF();
    sims[0].faults.pilotShort = false;
    assert.equal(read(70), "F");
  });

  it("ramps the EV to min(offered, its max) and integrates energy in the meter", function () {
    const { sims } = createSimulatedBoard({ evMaxA: 16 });
    const sim = sims[0];
    const { pilot, contactor, meter } = sim.hal;
    sim.ev.plug();
    sim.ev.ready = true;
    pilot.setPwm(32);
    contactor.setClosed(true, 0);
    for (let t = 10; t <= 3_600_000; t += 10_000) {
      pilot.poll(t);
      meter.poll(t);
    }
    const sample = createMeterSample();
    assert.equal(meter.sample(sample), true);
    assert.equal(sample.currentA[0], 16, "draws its own max, not the offer");
    assert.equal(sample.currentA[2], 16);
    // 3 x 230 V x 16 A for about an hour.
    assert.ok(sample.energyImportWh > 10_900 && sample.energyImportWh < 11_100, `${sample.energyImportWh} Wh`);
    sim.faults.meterOffline = true;
    assert.equal(meter.sample(sample), false);
    assert.equal(sample.ok, false);
  });

  it("self-tests and trips the RCD, and resets once the residual current is gone", function () {
    const { sims } = createSimulatedBoard();
    const { rcd } = sims[0].hal;
    const s = createRcdSample();
    rcd.startSelfTest(0);
    rcd.poll(20);
    rcd.read(s);
    assert.equal(s.selfTest, "running");
    rcd.poll(60);
    rcd.read(s);
    assert.equal(s.selfTest, "passed");
    assert.equal(s.tripped, false, "the test trip is not reported as a real trip");
    sims[0].faults.residual = "dc";
    rcd.poll(100);
    rcd.read(s);
    assert.equal(s.tripped, true);
    assert.equal(s.trip, "dc");
    sims[0].faults.residual = "none";
    rcd.poll(200);
    rcd.read(s);
    assert.equal(s.tripped, true, "latched until reset");
    rcd.reset(210);
    rcd.poll(220);
    rcd.read(s);
    assert.equal(s.tripped, false);
    sims[0].faults.selfTestFails = true;
    rcd.startSelfTest(300);
    rcd.poll(300 + rcd.selfTestTimeoutMs);
    rcd.read(s);
    assert.equal(s.selfTest, "failed");
  });

  it("heats the terminals with current², cools them toward ambient, and injects over-temperature and an open sensor", function () {
    const { sims } = createSimulatedBoard({ partTiming: { thermalTauMs: 1000 } });
    const sim = sims[0];
    const { pilot, contactor } = sim.hal;
    const sensor = sim.hal.temperature;
    assert.ok(sensor, "fitted by default");
    const s = createTemperatureSample();
    const at = (ms: number): number => {
      sensor.poll(ms);
      sensor.read(s);
      return s.celsius;
    };
    assert.equal(at(0), 25, "ambient at start");
    sim.ev.plug();
    sim.ev.ready = true;
    pilot.setPwm(16);
    contactor.setClosed(true, 0);
    let t = 0;
    for (; t < 20_000; t += 10) at(t);
    // 16 A on a 32 A connector: a quarter of the 30 K rise at rating.
    assert.ok(Math.abs(s.celsius - 32.5) < 0.2, `16 A settles at ${s.celsius} °C`);
    pilot.setPwm(32);
    for (const end = t + 20_000; t < end; t += 10) at(t);
    assert.ok(Math.abs(s.celsius - 55) < 0.2, `32 A settles at ${s.celsius} °C (current²)`);
    sim.faults.overTemperature = true;
    for (const end = t + 20_000; t < end; t += 10) at(t);
    assert.ok(Math.abs(s.celsius - 135) < 0.5, `loose terminal: ${s.celsius} °C`);
    sim.faults.overTemperature = false;
    contactor.setClosed(false, t);
    for (const end = t + 20_000; t < end; t += 10) at(t);
    assert.ok(Math.abs(s.celsius - 25) < 0.2, `cools to ambient: ${s.celsius} °C`);
    assert.deepEqual([s.ok, s.error], [true, "none"]);
    sim.faults.temperatureSensorOpen = true;
    at((t += 10));
    assert.deepEqual([s.ok, s.error], [false, "open"]);
    assert.ok(Number.isNaN(s.celsius));
    assert.equal(createSimulatedBoard({ withTemperature: false }).sims[0].hal.temperature, null);
  });

  it("has a Type 2 socket with a lock by default; tethered: no lock; withLock wins when given", function () {
    const socket = createSimulatedBoard({ connectors: 2 });
    for (const sim of socket.sims) assert.ok(sim.hal.lock !== null, "a lock on every connector by default");
    for (const sim of createSimulatedBoard({ connectors: 2, tethered: true }).sims) assert.equal(sim.hal.lock, null);
    assert.equal(createSimulatedBoard({ withLock: false }).sims[0].hal.lock, null);
    assert.ok(createSimulatedBoard({ tethered: true, withLock: true }).sims[0].hal.lock !== null);
  });

  it("a jammed lock does not follow the command and reports unlock-failed after its rated time", function () {
    const { sims } = createSimulatedBoard({ partTiming: { lockMoveMs: 100, lockTimeoutMs: 600 } });
    const lock = sims[0].hal.lock!;
    const sample = createLockSample();
    lock.setLocked(true, 0);
    lock.poll(200);
    lock.read(sample);
    assert.deepEqual(sample, { commandedLocked: true, locked: true, error: "none" });
    sims[0].faults.lockJammed = true;
    lock.setLocked(false, 1000);
    lock.poll(1300);
    lock.read(sample);
    assert.deepEqual(sample, { commandedLocked: false, locked: true, error: "none" }, "still within its rated time");
    lock.poll(1700);
    lock.read(sample);
    assert.deepEqual(sample, { commandedLocked: false, locked: true, error: "unlock-failed" });
  });
});
