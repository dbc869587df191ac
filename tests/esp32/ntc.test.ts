import assert from "node:assert/strict";
import { ControlLoop } from "connector/loop";
import { createEsp32Board } from "hal/esp32/board";
import { DEV_1_BOARD, DEV_1_NTC_BOARD } from "hal/esp32/boards/dev-1";
import type { Esp32BoardDescription } from "hal/esp32/boards/types";
import { Esp32NtcSensor, ntcOhmsAt } from "hal/esp32/ntc";
import { createTemperatureSample } from "hal/temperature";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { FakeEsp32Io } from "./fakes.ts";

const FULL = 4095;

/** Raw 12-bit value of a divider with the NTC at `celsius` (10 kΩ / B3950, 10 kΩ series). */
function rawAt(celsius: number, ntcToGround = true, rawAtSupply = FULL): number {
  const r = ntcOhmsAt(celsius, 10_000, 3950);
  const ratio = ntcToGround ? r / (r + 10_000) : 10_000 / (r + 10_000);
  return Math.round(ratio * rawAtSupply);
}

describe("esp32 NTC thermistor", () => {
  function setup(extra: { ntcToGround?: boolean; rawAtSupply?: number; offsetC?: number } = {}) {
    const hw = new FakeEsp32Io();
    let raw = 2048;
    let reads = 0;
    hw.analogHook.set(32, () => {
      reads++;
      return raw;
    });
    const ntc = new Esp32NtcSensor({ adc: { io: hw.io().analog, pin: 32 }, seriesOhm: 10_000, nominalOhm: 10_000, beta: 3950, ...extra });
    return {
      hw,
      ntc,
      s: createTemperatureSample(),
      set(v: number) {
        raw = v;
      },
      reads: () => reads,
    };
  }

  it("converts the divider reading by the beta equation (NTC to ground)", () => {
    const t = setup();
    for (const [ms, celsius] of [
      [0, 25],
      [100, -20],
      [200, 70],
      [300, 85],
      [400, 120],
    ] as const) {
      t.set(rawAt(celsius));
      t.ntc.poll(ms);
      t.ntc.read(t.s);
      assert.equal(t.s.ok, true, `${celsius} °C ok`);
      assert.equal(t.s.error, "none");
      assert.ok(Math.abs(t.s.celsius - celsius) < 0.5, `${celsius} °C read as ${t.s.celsius}`);
      assert.equal(t.s.atMs, ms);
    }
  });

  it("supports the NTC as the upper leg, a calibrated supply reading and an offset", () => {
    const t = setup({ ntcToGround: false, rawAtSupply: 4359, offsetC: -1.5 });
    t.set(rawAt(60, false, 4359));
    t.ntc.poll(0);
    t.ntc.read(t.s);
    assert.ok(Math.abs(t.s.celsius - 58.5) < 0.5, `read ${t.s.celsius}`);
  });

  it("averages several reads per poll and polls at its interval only", () => {
    const t = setup();
    t.ntc.poll(0);
    assert.equal(t.reads(), 4);
    t.ntc.poll(50);
    assert.equal(t.reads(), 4, "within intervalMs: no read");
    t.ntc.poll(100);
    assert.equal(t.reads(), 8);
  });

  it("reports an open sensor, a short, an impossible value and a throwing ADC as invalid, and recovers", () => {
    const t = setup();
    const cases: Array<[number, string]> = [
      [FULL, "open"], // NTC to ground open: the pin reads the supply
      [0, "short"],
      [rawAt(-55), "range"],
    ];
    let ms = 0;
    for (const [raw, error] of cases) {
      t.set(raw);
      t.ntc.poll((ms += 100));
      t.ntc.read(t.s);
      assert.deepEqual([t.s.ok, t.s.error], [false, error], `raw ${raw}`);
      assert.ok(Number.isNaN(t.s.celsius), "no plausible number while invalid");
    }
    t.hw.broken.add(32);
    t.ntc.poll((ms += 100));
    t.ntc.read(t.s);
    assert.deepEqual([t.s.ok, t.s.error], [false, "adc-fault"]);
    t.hw.broken.delete(32);
    t.set(rawAt(40));
    t.ntc.poll((ms += 100));
    t.ntc.read(t.s);
    assert.equal(t.s.ok, true);
    assert.ok(Math.abs(t.s.celsius - 40) < 0.5);
  });

  it("rejects a description without positive resistances or beta", () => {
    const hw = new FakeEsp32Io();
    assert.throws(
      () => new Esp32NtcSensor({ adc: { io: hw.io().analog, pin: 32 }, seriesOhm: 0, nominalOhm: 10_000, beta: 3950 }),
      /positive/,
    );
  });

  it("dev-1-ntc: the board fits the NTC as the connector's optional temperature sensor; the loop derates and trips on it", () => {
    const hw = new FakeEsp32Io();
    hw.level.set(35, 1); // contactor feedback: no power
    hw.analogHook.set(36, () => 3661); // CP +12 V
    hw.digitalHook.set(39, () => 1);
    let celsius = 30;
    const supply = DEV_1_NTC_BOARD.connectors[0].temperature?.rawAtSupply ?? FULL;
    hw.analogHook.set(32, () => rawAt(celsius, true, supply));
    const made = createEsp32Board(DEV_1_NTC_BOARD, hw.io(), { kv: new MemoryKeyValueStore() });
    const hal = made.board.connectors[0].hal;
    assert.ok(hal.temperature, "sensor fitted");
    const loop = new ControlLoop(made.board, () => undefined);
    const c = loop.connector(1);
    let now = 0;
    const run = (ms: number) => {
      for (const end = now + ms; now < end;) loop.tick((now += 10));
    };
    run(200);
    assert.ok(Math.abs(c.snapshot.temperatureC - 30) < 0.5, `reads ${c.snapshot.temperatureC}`);
    assert.equal(c.snapshot.temperatureCapA, Infinity);
    celsius = 75;
    run(200);
    assert.equal(c.snapshot.temperatureCapA, 11, "16 A board: 16 - 10 x 0.5 = 11 A at 75 °C");
    celsius = 90;
    run(200);
    assert.deepEqual([c.snapshot.status, c.snapshot.errorCode], ["Faulted", "HighTemperature"]);
    made.close();
    assert.ok(hw.closed.includes(32), "ADC pin released");
  });

  it("dev-1 without the sensor builds without one (temperature is optional), and the NTC pin is claimed like any other", () => {
    const made = createEsp32Board(DEV_1_BOARD, new FakeEsp32Io().io(), { kv: new MemoryKeyValueStore() });
    assert.equal(made.board.connectors[0].hal.temperature ?? null, null);
    const c0 = DEV_1_NTC_BOARD.connectors[0];
    const clash: Esp32BoardDescription = { ...DEV_1_NTC_BOARD, connectors: [{ ...c0, temperature: { ...c0.temperature!, adcPin: 36 } }] };
    assert.throws(
      () => createEsp32Board(clash, new FakeEsp32Io().io(), { kv: new MemoryKeyValueStore() }),
      /GPIO 36 used by connector 1 pilot.adc and connector 1 temperature.adc/,
    );
  });
});
