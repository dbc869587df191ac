import assert from "node:assert/strict";
import { createEsp32Board } from "hal/esp32/board";
import { DEV_1_BOARD } from "hal/esp32/boards/dev-1";
import { DUO_2_BOARD } from "hal/esp32/boards/duo-2";
import type { Esp32BoardDescription } from "hal/esp32/boards/types";
import { Esp32I2cBus, Esp32SerialBus, Esp32SpiController } from "hal/esp32/buses";
import { createMeterSample } from "hal/meter";
import { SimModbusSlave, loadSdmReadings } from "hal/meters/sim/modbus-meter-sim";
import { SimSerialLink } from "hal/meters/sim/sim-serial";
import { createPilotSample } from "hal/pilot";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { FakeEsp32Io } from "./fakes.ts";

describe("esp32 bus adapters", () => {
  it("serial: reads into the caller's space only and keeps the rest for the next read", () => {
    const hw = new FakeEsp32Io();
    const bus = new Esp32SerialBus({ io: hw.io().serial, receive: 16, transmit: 17, port: 2, baud: 9600, scratchBytes: 8 });
    assert.deepEqual(hw.serialOptions, { receive: 16, transmit: 17, port: 2, baud: 9600, format: "buffer" });
    const into = new Uint8Array(6);
    assert.equal(bus.read(into, 0), 0, "nothing waiting");
    hw.serialRx.push(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    assert.equal(bus.read(into, 4), 2);
    assert.deepEqual(Array.from(into), [0, 0, 0, 0, 1, 2]);
    assert.equal(bus.read(into, 0), 6, "rest of the scratch (8 bytes read) first");
    assert.deepEqual(Array.from(into), [3, 4, 5, 6, 7, 8]);
    assert.equal(bus.read(into, 0), 2);
    assert.deepEqual(Array.from(into.subarray(0, 2)), [9, 10]);
    assert.equal(bus.read(into, 6), 0, "no space");
    bus.write(Uint8Array.of(0xaa, 0x55));
    assert.deepEqual(hw.serialTx, [[0xaa, 0x55]]);
  });

  it("spi: two devices on one controller, each transfer framed by its own chip select", () => {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    const spi = new Esp32SpiController({ io: io.spi, out: 23, in: 19, clock: 18, hz: 200_000, mode: 3 });
    const a = spi.device({ io: io.digital, pin: 5, activeLow: true });
    const b = spi.device({ io: io.digital, pin: 21, activeLow: true });
    assert.deepEqual([hw.level.get(5), hw.level.get(21)], [1, 1], "both deselected at start");
    hw.spiAnswer = (buf) => buf.fill(0x42);
    const buf = Uint8Array.of(1, 2, 3);
    a.transfer(buf);
    assert.deepEqual(Array.from(buf), [0x42, 0x42, 0x42], "in place");
    b.transfer(Uint8Array.of(9));
    assert.deepEqual(
      hw.spiLog.map((t) => [t.cs.get(5), t.cs.get(21)]),
      [
        [0, 1],
        [1, 0],
      ],
    );
    assert.deepEqual([hw.level.get(5), hw.level.get(21)], [1, 1], "deselected after");
    assert.equal(hw.spiFlushes, 2);
    a.close();
    assert.ok(!hw.closed.includes(-2), "controller stays open for b");
    b.close();
    assert.ok(hw.closed.includes(-2));
    assert.throws(() => a.transfer(buf), /closed/);
  });

  it("spi: releases chip select when the transfer throws", () => {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    const dev = new Esp32SpiController({ io: io.spi, out: 23, in: 19, clock: 18, hz: 1e6, mode: 0 }).device({
      io: io.digital,
      pin: 5,
      activeLow: true,
    });
    hw.spiAnswer = () => {
      throw new Error("bus");
    };
    assert.throws(() => dev.transfer(new Uint8Array(2)), /bus/);
    assert.equal(hw.level.get(5), 1);
  });

  it("i2c: passes stop flags through (default stop)", () => {
    const hw = new FakeEsp32Io();
    const bus = new Esp32I2cBus({ io: hw.io().i2c, data: 21, clock: 22, hz: 400_000, address: 0x38 });
    bus.write(Uint8Array.of(1, 2), false);
    const into = new Uint8Array(2);
    bus.read(into);
    assert.deepEqual(hw.i2cLog, [
      { address: 0x38, op: "write", bytes: [1, 2], stop: false },
      { address: 0x38, op: "read", bytes: [0xa5, 0xa5], stop: true },
    ]);
    assert.deepEqual(Array.from(into), [0xa5, 0xa5]);
  });
});

describe("createEsp32Board", () => {
  it("dev-1: one connector whose SDM630 answers through the serial adapter and whose pilot reads A", () => {
    const hw = new FakeEsp32Io();
    const slave = new SimModbusSlave(1);
    loadSdmReadings(slave, {
      voltageV: [230, 231, 232],
      currentA: [10, 10, 10],
      powerW: [2300, 2310, 2320],
      frequencyHz: 50,
      importKWh: 12.5,
    });
    const wire = new SimSerialLink(slave);
    const scratch = new Uint8Array(512);
    hw.onSerialWrite = (bytes) => {
      wire.write(bytes);
      const n = wire.read(scratch, 0);
      for (let i = 0; i < n; i++) hw.serialRx.push(scratch[i]);
    };
    hw.level.set(35, 1); // contactor feedback (active low): no power
    hw.analogHook.set(36, () => 3661); // +12 V
    hw.digitalHook.set(39, () => 1); // loop-back high (x1)
    const made = createEsp32Board(DEV_1_BOARD, hw.io(), { kv: new MemoryKeyValueStore() });
    const { board } = made;
    assert.equal(board.connectors.length, 1);
    assert.deepEqual([board.supplyPhases, board.circuitLimitA, board.ratingA], [3, 16, 16]);
    const c = board.connectors[0];
    assert.deepEqual([c.phases, c.rotation, c.cableMaxA, c.ratingA, c.hal.lock], [3, "RST", 16, 16, null]);
    assert.equal(hw.serialOptions?.port, 2);
    const sample = createMeterSample();
    for (let t = 0; t <= 3000; t += 10) {
      c.hal.pilot.poll(t);
      c.hal.meter.poll(t);
    }
    assert.equal(c.hal.meter.sample(sample), true);
    assert.ok(Math.abs(sample.voltageV[1] - 231) < 0.01);
    assert.ok(Math.abs(sample.energyImportWh - 12500) < 1);
    const pilot = createPilotSample();
    c.hal.pilot.read(pilot);
    assert.equal(pilot.state, "A");
    made.close();
    assert.ok(hw.closed.includes(26) && hw.closed.includes(36), "pins released");
  });

  it("duo-2: two connectors, two ATM90E32 on one SPI bus with their own chip selects, a lock on connector 1 only", () => {
    const hw = new FakeEsp32Io();
    const { board } = createEsp32Board(DUO_2_BOARD, hw.io(), { kv: new MemoryKeyValueStore() });
    assert.equal(board.connectors.length, 2);
    assert.notEqual(board.connectors[0].hal.lock, null);
    assert.equal(board.connectors[1].hal.lock, null);
    assert.deepEqual(
      board.connectors.map((c) => c.rotation),
      ["RST", "STR"],
    );
    for (let t = 0; t <= 2000; t += 10) for (const c of board.connectors) c.hal.meter.poll(t);
    const selects = new Set(hw.spiLog.map((t) => (t.cs.get(5) === 0 ? 5 : t.cs.get(21) === 0 ? 21 : -1)));
    assert.deepEqual([...selects].sort(), [21, 5], "both chips addressed, each with exactly its select low");
    assert.ok(hw.spiLog.every((t) => !(t.cs.get(5) === 0 && t.cs.get(21) === 0)));
  });

  it("rejects a GPIO used twice, an unknown bus, two Modbus meters on one UART and more phases than the supply", () => {
    const io = () => new FakeEsp32Io().io();
    const kv = new MemoryKeyValueStore();
    const c0 = DEV_1_BOARD.connectors[0];
    const twice: Esp32BoardDescription = { ...DEV_1_BOARD, connectors: [{ ...c0, rcd: { ...c0.rcd, test: { pin: 27 } } }] };
    assert.throws(() => createEsp32Board(twice, io(), { kv }), /GPIO 27 used by connector 1 contactor.coil and connector 1 rcd.test/);
    const noBus: Esp32BoardDescription = { ...DEV_1_BOARD, connectors: [{ ...c0, meter: { kind: "sdm630", bus: "nope", address: 1 } }] };
    assert.throws(() => createEsp32Board(noBus, io(), { kv }), /bus "nope"/);
    const second = DUO_2_BOARD.connectors[1];
    const shared: Esp32BoardDescription = {
      ...DEV_1_BOARD,
      connectors: [
        c0,
        {
          ...second,
          pilot: { ...second.pilot, adcPin: 33 },
          contactor: { ...second.contactor, feedback: { pin: 4 } },
          rcd: { ...second.rcd, test: { pin: 15 } },
          meter: { kind: "sdm120", bus: "rs485", address: 2 },
        },
      ],
    };
    assert.throws(() => createEsp32Board(shared, io(), { kv }), /already has a meter/);
    const onePhase: Esp32BoardDescription = { ...DEV_1_BOARD, supplyPhases: 1 };
    assert.throws(() => createEsp32Board(onePhase, io(), { kv }), /3 phases, the supply 1/);
  });
});
