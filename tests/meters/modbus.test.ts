import { strict as assert } from "node:assert";
import { createMeterSample, type MeterError } from "hal/meter";
import { crc16Modbus } from "hal/meters/crc16";
import { MODBUS_STATUS, ModbusRtuMaster } from "hal/meters/modbus-rtu";
import { createSdm630 } from "hal/meters/sdm630";
import { createSdm120 } from "hal/meters/sdm120";
import { createAbbB23 } from "hal/meters/abb-b23";
import { SimSerialLink } from "hal/meters/sim/sim-serial";
import { SimModbusSlave, loadAbbB23Readings, loadSdmReadings, type SimMeterReadings } from "hal/meters/sim/modbus-meter-sim";
import { MemoryKeyValueStore } from "platform/common/memory-kv";

const READINGS: SimMeterReadings = {
  voltageV: [230.5, 231.25, 229.75],
  currentA: [16.5, 15.25, 0.5],
  powerW: [3700, 3500, 100],
  frequencyHz: 50.02,
  importKWh: 1234.5,
};

/** Polls every `stepMs` until `untilMs` (bounded). */
function run(meter: { poll(nowMs: number): void }, fromMs: number, untilMs: number, stepMs = 10): number {
  let now = fromMs;
  for (let i = 0; i < 100_000 && now <= untilMs; i++, now += stepMs) meter.poll(now);
  return now;
}

function setup(kind: "sdm630" | "sdm120" | "b23" = "sdm630", kv = new MemoryKeyValueStore()) {
  const slave = new SimModbusSlave(7);
  if (kind === "b23") loadAbbB23Readings(slave, READINGS);
  else loadSdmReadings(slave, READINGS);
  const link = new SimSerialLink(slave);
  const errors: MeterError[] = [];
  const options = {
    serial: link,
    address: 7,
    kv,
    intervalMs: 1000,
    timeoutMs: 200,
    retries: 2,
    onError: (e: MeterError) => errors.push(e),
  };
  const meter = kind === "sdm630" ? createSdm630(options) : kind === "sdm120" ? createSdm120(options) : createAbbB23(options);
  return { slave, link, meter, errors, kv };
}

describe("meters: CRC-16/Modbus", function () {
  it("matches the check value and a known request frame", function () {
    const check = new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]); // "123456789"
    assert.equal(crc16Modbus(check, 0, 9), 0x4b37);
    // Read input registers, slave 1, start 0, count 2: CRC bytes 71 CB on the wire.
    const frame = new Uint8Array([0x01, 0x04, 0x00, 0x00, 0x00, 0x02]);
    const crc = crc16Modbus(frame, 0, 6);
    assert.deepEqual([crc & 0xff, crc >>> 8], [0x71, 0xcb]);
  });
});

describe("meters: Modbus RTU master", function () {
  it("builds the request frame and reassembles an answer arriving in pieces", function () {
    const slave = new SimModbusSlave(1);
    slave.setF32(4, 0x46, 49.5);
    const link = new SimSerialLink(slave);
    link.maxBytesPerRead = 3;
    const sent: number[][] = [];
    const device = link.device!;
    link.device = { receive: (bytes, l) => (sent.push(Array.from(bytes)), device.receive(bytes, l)) };
    const master = new ModbusRtuMaster(link);
    master.request(1, 0x04, 0x46, 2, 100, 0);
    assert.deepEqual(sent[0].slice(0, 6), [0x01, 0x04, 0x00, 0x46, 0x00, 0x02]);
    let status: number = MODBUS_STATUS.PENDING;
    for (let t = 0; t < 10 && status === MODBUS_STATUS.PENDING; t++) status = master.poll(t);
    assert.equal(status, MODBUS_STATUS.OK);
    assert.equal(master.f32(0), 49.5);
  });

  it("reports an exception response with its code", function () {
    const link = new SimSerialLink(new SimModbusSlave(1));
    const master = new ModbusRtuMaster(link);
    master.request(1, 0x04, 0x1000, 2, 100, 0);
    assert.equal(master.poll(1), MODBUS_STATUS.EXCEPTION);
    assert.equal(master.exceptionCode, 2);
  });

  it("rejects an answer with a bad CRC and times out on silence", function () {
    const slave = new SimModbusSlave(1);
    slave.setU16(3, 0, 1);
    slave.corruptAnswers = 1;
    const link = new SimSerialLink(slave);
    const master = new ModbusRtuMaster(link);
    master.request(1, 0x03, 0, 1, 100, 0);
    assert.equal(master.poll(1), MODBUS_STATUS.CRC);
    slave.offline = true;
    master.request(1, 0x03, 0, 1, 100, 10);
    assert.equal(master.poll(50), MODBUS_STATUS.PENDING);
    assert.equal(master.poll(110), MODBUS_STATUS.TIMEOUT);
  });

  it("skips line noise before the answer", function () {
    const slave = new SimModbusSlave(1);
    slave.setU16(3, 0, 0x1234);
    const link = new SimSerialLink({ receive: (bytes, l) => (l.push([0x00, 0xff]), slave.receive(bytes, l)) });
    const master = new ModbusRtuMaster(link);
    master.request(1, 0x03, 0, 1, 100, 0);
    assert.equal(master.poll(1), MODBUS_STATUS.OK);
    assert.equal(master.u16(0), 0x1234);
  });
});

describe("meters: Modbus meters against simulated meters", function () {
  it("SDM630: decodes float registers into the caller's sample", function () {
    const { meter, link } = setup("sdm630");
    const sample = createMeterSample();
    const voltage = sample.voltageV;
    assert.equal(meter.sample(sample), false, "no reading before the first poll");
    run(meter, 0, 20);
    assert.equal(link.writes, 1, "one request covers all values");
    assert.equal(meter.sample(sample), true);
    assert.equal(sample.voltageV, voltage, "the caller's arrays are filled, not replaced");
    assert.equal(meter.phases, 3);
    assert.ok(Math.abs(sample.voltageV[1] - 231.25) < 1e-3);
    assert.ok(Math.abs(sample.currentA[2] - 0.5) < 1e-3);
    assert.equal(sample.powerW, 7300);
    assert.ok(Math.abs(sample.frequencyHz - 50.02) < 1e-3);
    assert.ok(Math.abs(sample.energyImportWh - 1_234_500) < 1, `energy ${sample.energyImportWh}`);
    assert.equal(sample.ok, true);
    assert.equal(sample.atMs, 10, "time of the poll that completed the answer");
  });

  it("SDM120: one phase over two reads", function () {
    const { meter, link } = setup("sdm120");
    const sample = createMeterSample();
    run(meter, 0, 50);
    assert.equal(link.writes, 2);
    assert.equal(meter.sample(sample), true);
    assert.equal(meter.phases, 1);
    assert.ok(Math.abs(sample.voltageV[0] - 230.5) < 1e-3);
    assert.equal(sample.powerW, 3700);
    assert.ok(Math.abs(sample.energyImportWh - 1_234_500) < 1);
  });

  it("ABB B23: scaled integers, 64-bit energy, not-available markers", function () {
    const { meter, slave } = setup("b23");
    const sample = createMeterSample();
    run(meter, 0, 50);
    assert.equal(meter.sample(sample), true);
    assert.equal(sample.voltageV[0], 230.5);
    assert.equal(sample.currentA[1], 15.25);
    assert.equal(sample.powerW, 7300);
    assert.equal(sample.frequencyHz, 50.02);
    assert.equal(sample.energyImportWh, 1_234_500);
    // A phase the meter marks unavailable reads 0, not 429496729.5 V.
    slave.setU32(3, 0x5b04, 0xffffffff);
    run(meter, 1000, 1050);
    meter.sample(sample);
    assert.equal(sample.voltageV[2], 0);
  });

  it("retries a dropped and a corrupted answer, then succeeds", function () {
    const { meter, slave, errors } = setup("sdm630");
    slave.dropAnswers = 1;
    slave.corruptAnswers = 1;
    const sample = createMeterSample();
    run(meter, 0, 600);
    assert.deepEqual(errors, ["timeout", "crc"]);
    assert.equal(meter.sample(sample), true);
    assert.equal(slave.requests, 3);
  });

  it("goes offline after the retry budget and comes back", function () {
    const { meter, slave, errors } = setup("sdm630");
    const sample = createMeterSample();
    run(meter, 0, 20);
    assert.equal(meter.sample(sample), true);
    slave.offline = true;
    run(meter, 1000, 2000);
    assert.deepEqual(errors, ["timeout", "timeout", "timeout", "offline"]);
    assert.equal(meter.sample(sample), false);
    assert.equal(sample.ok, false);
    assert.ok(Math.abs(sample.energyImportWh - 1_234_500) < 1, "energy stays at the last value");
    slave.offline = false;
    run(meter, 2000, 8000);
    assert.equal(meter.sample(sample), true);
    assert.equal(errors.filter((e) => e === "offline").length, 1);
  });

  it("keeps the register monotonic when the meter is reset or replaced, across reboots", function () {
    const kv = new MemoryKeyValueStore();
    const first = setup("sdm630", kv);
    const sample = createMeterSample();
    run(first.meter, 0, 20);
    first.meter.close();
    assert.equal(kv.get("meter", "sdm630Wh"), 1_234_500);
    // Reboot; meanwhile the meter was replaced and reads 2 kWh.
    const second = setup("sdm630", kv);
    loadSdmReadings(second.slave, { ...READINGS, importKWh: 2 });
    run(second.meter, 0, 20);
    second.meter.sample(sample);
    assert.ok(sample.energyImportWh >= 1_234_500, `after replacement ${sample.energyImportWh}`);
    loadSdmReadings(second.slave, { ...READINGS, importKWh: 3 });
    run(second.meter, 1000, 1020);
    second.meter.sample(sample);
    assert.ok(Math.abs(sample.energyImportWh - 1_235_500) < 1, `counts on from the new meter: ${sample.energyImportWh}`);
    const offset = kv.get("meter", "sdm630Of");
    assert.equal(typeof offset, "number");
    assert.ok(Number.isInteger(offset));
  });
});
