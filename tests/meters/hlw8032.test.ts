import { strict as assert } from "node:assert";
import { createMeterSample, type MeterError } from "hal/meter";
import { Hlw8032 } from "hal/meters/hlw8032";
import { SimHlw8032 } from "hal/meters/sim/hlw8032-sim";
import { SimSerialLink } from "hal/meters/sim/sim-serial";
import { MemoryKeyValueStore } from "platform/common/memory-kv";

function setup(kv = new MemoryKeyValueStore(), chip = new SimHlw8032()) {
  const link = new SimSerialLink();
  const errors: MeterError[] = [];
  const meter = new Hlw8032({ serial: link, kv, persistEveryWh: 10, onError: (e) => errors.push(e) });
  let now = 0;
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      chip.advance(link, 10);
      now += 10;
      meter.poll(now);
    }
  };
  return { link, chip, meter, errors, kv, run };
}

describe("meters: HLW8032 over UART", function () {
  it("decodes a frame stream with the board coefficients", function () {
    const { chip, meter, run, errors } = setup();
    chip.voltageV = 231.5;
    chip.currentA = 10.2;
    chip.powerW = 2300;
    const sample = createMeterSample();
    run(200);
    assert.equal(meter.sample(sample), true);
    assert.equal(meter.phases, 1);
    assert.ok(Math.abs(sample.voltageV[0] - 231.5) < 0.25, `V ${sample.voltageV[0]}`);
    assert.ok(Math.abs(sample.currentA[0] - 10.2) < 0.01, `A ${sample.currentA[0]}`);
    assert.ok(Math.abs(sample.powerW - 2300) < 2.5, `W ${sample.powerW}`);
    assert.deepEqual(errors, []);
  });

  it("reads zero current and power when the chip flags their registers overflowed", function () {
    const { chip, meter, run } = setup();
    chip.currentA = 0;
    chip.powerW = 0;
    const sample = createMeterSample();
    run(100);
    assert.equal(meter.sample(sample), true);
    assert.equal(sample.currentA[0], 0);
    assert.equal(sample.powerW, 0);
    assert.ok(sample.voltageV[0] > 200);
  });

  it("rejects frames with a bad checksum and resynchronises after garbage", function () {
    const { chip, meter, run, errors, link } = setup();
    chip.powerW = 1000;
    chip.currentA = 4.3;
    link.push([0x12, 0x5a, 0x55, 0x00, 0x5a]);
    chip.corruptFrames = 2;
    run(300);
    assert.deepEqual(errors, ["crc", "crc"]);
    assert.equal(meter.badFrames, 2);
    assert.equal(meter.frames, 4);
    const sample = createMeterSample();
    assert.equal(meter.sample(sample), true);
  });

  it("counts energy from PF pulses across a 16-bit wrap", function () {
    const { chip, meter, run } = setup();
    chip.powerW = 3680;
    chip.currentA = 16;
    run(200_000); // 204 Wh: more than 65536 pulses
    const sample = createMeterSample();
    meter.sample(sample);
    const expectedWh = (3680 * 200) / 3600;
    assert.ok(65536 * chip.whPerPulse < expectedWh, "the counter wrapped");
    assert.ok(Math.abs(sample.energyImportWh - expectedWh) < 0.5, `energy ${sample.energyImportWh} vs ${expectedWh}`);
  });

  it("keeps energy across a reboot with the chip counter reset, and after a power cut never below the persisted value", function () {
    const kv = new MemoryKeyValueStore();
    const first = setup(kv);
    first.chip.powerW = 7200;
    first.chip.currentA = 31;
    first.run(30_000); // 60 Wh
    const before = createMeterSample();
    first.meter.sample(before);
    first.meter.close();
    assert.equal(kv.get("meter", "hlw8032Wh"), Math.floor(before.energyImportWh));

    // Reboot: the chip restarts too, its PF counter is back at zero.
    const chip = new SimHlw8032();
    chip.powerW = 7200;
    chip.currentA = 31;
    const second = setup(kv, chip);
    const after = createMeterSample();
    second.run(100);
    second.meter.sample(after);
    assert.ok(after.energyImportWh >= Math.floor(before.energyImportWh), `${after.energyImportWh} < ${before.energyImportWh}`);
    second.run(10_000);
    const later = createMeterSample();
    second.meter.sample(later);
    assert.ok(later.energyImportWh > after.energyImportWh + 19, "counts on after the reboot");

    // Power cut: no close(); the next boot starts from the last persisted value.
    const persisted = kv.get("meter", "hlw8032Wh") as number;
    assert.ok(later.energyImportWh - persisted < 10 + 1, "persisted at least every 10 Wh");
    const third = setup(kv, new SimHlw8032());
    const boot = createMeterSample();
    third.meter.sample(boot);
    assert.equal(boot.energyImportWh, persisted);
    assert.equal(boot.ok, false, "no reading yet");
  });

  it("goes offline when frames stop, and back online when they resume", function () {
    const { chip, meter, run, errors } = setup();
    const sample = createMeterSample();
    run(100);
    assert.equal(meter.sample(sample), true);
    chip.silent = true;
    run(1500);
    assert.equal(meter.sample(sample), false);
    assert.deepEqual(errors, ["timeout", "offline"]);
    chip.silent = false;
    run(100);
    assert.equal(meter.sample(sample), true);
  });
});
