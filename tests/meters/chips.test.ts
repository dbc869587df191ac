import { strict as assert } from "node:assert";
import { createMeterSample, type MeterError } from "hal/meter";
import { Ade7953 } from "hal/meters/ade7953";
import { Atm90e32 } from "hal/meters/atm90e32";
import { SimAde7953 } from "hal/meters/sim/ade7953-sim";
import { SimAtm90e32 } from "hal/meters/sim/atm90e32-sim";
import { MemoryKeyValueStore } from "platform/common/memory-kv";

const near = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

describe("meters: ADE7953", function () {
  for (const bus of ["spi", "i2c"] as const) {
    it(`reads V, I, W, Hz and energy over ${bus.toUpperCase()} after unlocking the chip`, function () {
      const chip = new SimAde7953();
      chip.setReadings(229.8, 12.5, 2870, 50);
      const meter = new Ade7953({ [bus]: chip[bus], kv: new MemoryKeyValueStore() });
      const sample = createMeterSample();
      meter.poll(0);
      assert.equal(chip.unlocked, true);
      assert.equal(chip.registers.get(0x120), 0x30);
      assert.equal(meter.sample(sample), true);
      near(sample.voltageV[0], 229.8, 1e-3, "V");
      near(sample.currentA[0], 12.5, 1e-4, "A");
      near(sample.powerW, 2870, 0.01, "W");
      near(sample.frequencyHz, 50, 0.02, "Hz");
      chip.addEnergyWh(12.5);
      meter.poll(1000);
      meter.sample(sample);
      near(sample.energyImportWh, 12.5, 1e-3, "Wh");
      meter.poll(2000); // read-with-reset: nothing new
      meter.sample(sample);
      near(sample.energyImportWh, 12.5, 1e-3, "Wh unchanged");
    });
  }

  it("decodes negative power (reversed CT) and counts no import energy for it", function () {
    const chip = new SimAde7953();
    chip.setReadings(230, 1, -200);
    const meter = new Ade7953({ spi: chip.spi, kv: new MemoryKeyValueStore() });
    chip.registers.set(0x31e, -1000 >>> 0);
    const sample = createMeterSample();
    meter.poll(0);
    meter.sample(sample);
    near(sample.powerW, -200, 0.01, "W");
    assert.equal(sample.energyImportWh, 0);
  });

  it("goes offline when the chip stops answering, after the retry budget", function () {
    const chip = new SimAde7953();
    chip.setReadings(230, 1, 230);
    const errors: MeterError[] = [];
    const meter = new Ade7953({ i2c: chip.i2c, kv: new MemoryKeyValueStore(), retries: 1, onError: (e) => errors.push(e) });
    meter.poll(0);
    chip.present = false;
    for (let t = 1000; t <= 3000; t += 1000) meter.poll(t);
    assert.deepEqual(errors, ["bus", "bus", "offline"]);
    const sample = createMeterSample();
    assert.equal(meter.sample(sample), false);
    chip.present = true;
    meter.poll(10_000);
    assert.equal(meter.sample(sample), true);
  });

  it("keeps energy across a reboot with the chip's accumulator reset", function () {
    const kv = new MemoryKeyValueStore();
    const chip = new SimAde7953();
    chip.setReadings(230, 10, 2300);
    const first = new Ade7953({ spi: chip.spi, kv });
    first.poll(0);
    chip.addEnergyWh(250.4);
    first.poll(1000);
    first.close();
    chip.reset();
    chip.setReadings(230, 10, 2300);
    const second = new Ade7953({ spi: chip.spi, kv });
    const sample = createMeterSample();
    second.poll(0);
    second.sample(sample);
    assert.ok(sample.energyImportWh >= 250, `after reboot ${sample.energyImportWh}`);
    chip.addEnergyWh(1);
    second.poll(1000);
    second.sample(sample);
    near(sample.energyImportWh, 251, 1e-3, "counts on");
  });
});

describe("meters: ATM90E32", function () {
  it("configures the chip and reads three phases with scaling", function () {
    const chip = new SimAtm90e32();
    chip.setPhase(0, 230.12, 16.003, 3600.5);
    chip.setPhase(1, 231.5, 15.5, 3500);
    chip.setPhase(2, 229.9, 0.25, -10);
    chip.setFrequency(49.95);
    const meter = new Atm90e32({ spi: chip.spi, phases: 3, kv: new MemoryKeyValueStore() });
    const sample = createMeterSample();
    meter.poll(0);
    assert.equal(chip.registers.get(0x7f), 0, "configuration access closed again");
    assert.equal(chip.registers.get(0x33), 0x0185);
    assert.equal(meter.sample(sample), true);
    near(sample.voltageV[0], 230.12, 1e-9, "V1");
    near(sample.currentA[0], 16.003, 1e-9, "I1");
    near(sample.voltageV[2], 229.9, 1e-9, "V3");
    near(sample.powerW, 3600.5 + 3500 - 10, 0.01, "P");
    near(sample.frequencyHz, 49.95, 1e-9, "Hz");
    chip.addEnergyWh(100);
    meter.poll(1000);
    meter.sample(sample);
    near(sample.energyImportWh, 100, 1e-9, "Wh");
  });

  it("single phase leaves L2/L3 at zero", function () {
    const chip = new SimAtm90e32();
    chip.setPhase(0, 230, 6, 1380);
    chip.setPhase(1, 230, 6, 1380);
    const meter = new Atm90e32({ spi: chip.spi, phases: 1, kv: new MemoryKeyValueStore() });
    const sample = createMeterSample();
    meter.poll(0);
    meter.sample(sample);
    assert.equal(meter.phases, 1);
    assert.equal(sample.voltageV[1], 0);
    near(sample.powerW, 1380, 0.01, "P");
  });

  it("re-initialises after a chip reset and keeps the energy; offline when absent", function () {
    const chip = new SimAtm90e32();
    chip.setPhase(0, 230, 6, 1380);
    const errors: MeterError[] = [];
    const kv = new MemoryKeyValueStore();
    const meter = new Atm90e32({ spi: chip.spi, phases: 1, kv, retries: 1, onError: (e) => errors.push(e) });
    meter.poll(0);
    chip.addEnergyWh(40);
    meter.poll(1000);
    chip.reset(); // brown-out: chip forgets its configuration and energy
    chip.setPhase(0, 230, 6, 1380);
    meter.poll(2000);
    assert.deepEqual(errors, ["bus"]);
    meter.poll(3000);
    const sample = createMeterSample();
    assert.equal(meter.sample(sample), true);
    near(sample.energyImportWh, 40, 1e-9, "energy kept");
    chip.present = false;
    meter.poll(4000);
    meter.poll(5000);
    assert.equal(meter.sample(sample), false);
    assert.deepEqual(errors, ["bus", "bus", "bus", "offline"]);
  });
});
