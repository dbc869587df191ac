// The emulator's ESP32 drivers against fake ECMA-419 classes: the relays (open before close),
// the pilot capture (pulse capture unit + ADC sampled in each phase, over a CP waveform in time
// made from the simulated line's solved levels), the UART link (never more than the FIFO's room),
// and the board description's pin rules.
import assert from "node:assert/strict";
import { nominalCalibration, rawAt } from "../../tools/ev-emulator/adc-front-end.ts";
import { EvEmulator } from "../../tools/ev-emulator/emulator.ts";
import { boardProblems, DEVKITC_EV_BOARD, type EvEmulatorBoard } from "../../tools/ev-emulator/esp32-board.ts";
import { Esp32PilotProbe, PROBE_SAMPLES, type PulseWidthClass } from "../../tools/ev-emulator/esp32-probe.ts";
import { SerialLineLink, type SerialLinkPortOptions } from "../../tools/ev-emulator/esp32-serial-link.ts";
import { Esp32SwitchBank } from "../../tools/ev-emulator/esp32-switch-bank.ts";
import { openSwitches, switchesFor } from "../../tools/ev-emulator/ev-network.ts";
import { readingFromCapture, type PilotCapture } from "../../tools/ev-emulator/measurement.ts";
import type { SimChargerSettings } from "../../tools/ev-emulator/ports.ts";
import type { EvLinkMessage } from "../../tools/ev-emulator/protocol.ts";
import { SimulatedPilotLine } from "../../tools/ev-emulator/sim-line.ts";
import { VirtualTime } from "platform/common/virtual-timers";
import { FakeEsp32Io, MODE } from "../esp32/fakes.ts";
import { setup } from "./helpers.ts";

const BOARD = DEVKITC_EV_BOARD;

describe("EV emulator on the ESP32: the board description", () => {
  it("the DevKitC board breaks no pin rule", () => {
    assert.deepEqual(boardProblems(BOARD), []);
  });

  it("finds a pin used twice, a relay on an input-only pin, an ADC2 pin, a strapping pin, UART0", () => {
    const bad: EvEmulatorBoard = {
      ...BOARD,
      relays: { ...BOARD.relays, stateC: { pin: 25 }, stateD: { pin: 35 }, pp13: { pin: 12 } },
      adcPin: 26,
      uart: { ...BOARD.uart, port: 0 },
    };
    const problems = boardProblems(bad).join("\n");
    assert.match(problems, /GPIO 25 is used for both relay plug and relay stateC/);
    assert.match(problems, /GPIO 35 \(relay stateD\) is an input-only pin/);
    assert.match(problems, /GPIO 12 \(relay pp13\) is a strapping pin/);
    assert.match(problems, /GPIO 26 is not an ADC1 pin/);
    assert.match(problems, /UART must be 1 or 2/);
  });
});

describe("EV emulator on the ESP32: the relays", () => {
  it("opens every relay output released, then opens before it closes", () => {
    const hw = new FakeEsp32Io();
    const bank = new Esp32SwitchBank(BOARD.relays, hw.io().digital);
    for (const relay of Object.values(BOARD.relays)) {
      assert.equal(hw.mode.get(relay.pin), MODE.Output);
      assert.equal(hw.level.get(relay.pin), 0);
    }
    bank.apply(switchesFor(setup({ state: "C" })));
    assert.deepEqual(hw.writes, [
      { pin: 25, value: 1 },
      { pin: 26, value: 1 },
    ]);
    hw.writes.length = 0;
    bank.apply(switchesFor(setup({ state: "D", cableA: 20 })));
    assert.deepEqual(hw.writes, [
      { pin: 26, value: 0 },
      { pin: 27, value: 1 },
      { pin: 19, value: 1 },
    ]);
    hw.writes.length = 0;
    bank.apply(switchesFor(setup({ state: "D", cableA: 20 })));
    assert.deepEqual(hw.writes, [], "no write without a change");
  });

  it("drives an active-low relay with 0", () => {
    const hw = new FakeEsp32Io();
    const bank = new Esp32SwitchBank({ ...BOARD.relays, peBreak: { pin: 4, activeLow: true } }, hw.io().digital);
    assert.equal(hw.level.get(4), 1, "released");
    bank.apply({ ...openSwitches(), peBreak: true });
    assert.equal(hw.level.get(4), 0);
  });
});

/** A CP waveform in µs from the simulated line: each IO call costs time, like on the chip. */
class Waveform {
  tUs = 0;
  digitalUs = 3;
  analogUs = 25;
  readonly line = new SimulatedPilotLine();
  #levels = this.line.levels();
  set(charger: Partial<SimChargerSettings>, state: "A" | "B" | "C" | "D", diodeShorted = false): void {
    this.line.set(charger);
    this.line.apply(switchesFor(setup({ state, diodeShorted })));
    this.#levels = this.line.levels(); // solved once: the line only changes here
  }
  get levels(): ReturnType<SimulatedPilotLine["levels"]> {
    return this.#levels;
  }
  /** Is the generator in its high phase now? */
  high(): boolean {
    const c = this.line.get();
    if (c.mode === "x1") return true;
    if (c.mode !== "pwm") return false;
    const periodUs = 1e6 / c.frequencyHz;
    return this.tUs % periodUs < (periodUs * c.dutyPercent) / 100;
  }
  /** CP against the emulator's ground now. */
  volts(): number {
    return this.high() ? this.#levels.high.evCpV : this.#levels.low.evCpV;
  }
  /** The comparator (CP above +1 V). */
  comparator(): number {
    return this.volts() > 1 ? 1 : 0;
  }
}

function fakePulseWidth(hw: FakeEsp32Io, wave: Waveform): PulseWidthClass & { opened: number[] } {
  const opened: number[] = [];
  class PulseWidth {
    static readonly RisingToFalling = 1;
    static readonly RisingToRising = 3;
    readonly #pin: number;
    readonly #edges: number;
    #reads = 0;
    constructor(options: { pin: number; edges: number }) {
      hw.claim(options.pin); // one instance at a time, like the SDK's shared start edge demands
      this.#pin = options.pin;
      this.#edges = options.edges;
      opened.push(options.edges);
    }
    read(): number | undefined {
      const c = wave.line.get();
      const levels = wave.levels;
      if (c.mode !== "pwm" || !(levels.high.evCpV > 1 && levels.low.evCpV <= 1)) return undefined;
      if (this.#reads++ === 0) return 123_456; // the start edge left over from the last instance
      const periodUs = 1e6 / c.frequencyHz;
      return this.#edges === PulseWidth.RisingToRising ? periodUs : (periodUs * c.dutyPercent) / 100;
    }
    close(): void {
      hw.inUse.delete(this.#pin);
    }
  }
  return Object.assign(PulseWidth, { opened });
}

function probeRig(): {
  hw: FakeEsp32Io;
  wave: Waveform;
  time: VirtualTime;
  probe: Esp32PilotProbe;
  pulseWidth: ReturnType<typeof fakePulseWidth>;
} {
  const hw = new FakeEsp32Io();
  const wave = new Waveform();
  hw.digitalHook.set(BOARD.syncPin, () => {
    const level = wave.comparator();
    wave.tUs += wave.digitalUs;
    return level;
  });
  hw.analogHook.set(BOARD.adcPin, () => {
    const raw = rawAt(wave.volts());
    wave.tUs += wave.analogUs;
    return raw;
  });
  const time = new VirtualTime();
  const pulseWidth = fakePulseWidth(hw, wave);
  const io = hw.io();
  const probe = new Esp32PilotProbe({
    pulseWidth,
    analog: io.analog,
    digital: io.digital,
    timers: time,
    capturePin: BOARD.capturePin,
    syncPin: BOARD.syncPin,
    adcPin: BOARD.adcPin,
  });
  return { hw, wave, time, probe, pulseWidth };
}

function captureWith(rig: ReturnType<typeof probeRig>): PilotCapture {
  let captured: PilotCapture | undefined;
  rig.probe.capture((c) => (captured = c));
  rig.time.advance(200);
  assert.ok(captured, "the capture ended within 200 ms");
  return captured;
}

describe("EV emulator on the ESP32: the pilot capture", () => {
  it("C at 53.33 %: periods and high times from the capture unit, each level read inside its phase", () => {
    const rig = probeRig();
    rig.wave.set({ mode: "pwm", dutyPercent: 53.33 }, "C");
    const capture = captureWith(rig);
    assert.deepEqual(rig.pulseWidth.opened, [3, 1], "periods first, then high times, one instance at a time");
    assert.equal(capture.periodsUs.length, PROBE_SAMPLES);
    assert.ok(!capture.periodsUs.includes(123_456), "the first value after opening is thrown away");
    assert.equal(capture.highRaw.length, PROBE_SAMPLES);
    assert.equal(capture.lowRaw.length, PROBE_SAMPLES);
    const reading = readingFromCapture(capture, nominalCalibration(), "C");
    assert.equal(reading.offeredA, 32);
    assert.ok(Math.abs(reading.highV! - 5.97) < 0.02, `${reading.highV}`);
    assert.ok(Math.abs(reading.lowV! + 11.88) < 0.02, `${reading.lowV}`);
  });

  it("5 % duty (50 µs high): the high level is still read inside the pulse", () => {
    const rig = probeRig();
    rig.wave.set({ mode: "pwm", dutyPercent: 5 }, "B");
    const reading = readingFromCapture(captureWith(rig), nominalCalibration(), "B");
    assert.equal(reading.offer, "digital");
    assert.ok(Math.abs(reading.highV! - 8.91) < 0.02, `${reading.highV}`);
  });

  it("drops an ADC read that an edge cut (a slow ADC at 5 %)", () => {
    const rig = probeRig();
    rig.wave.analogUs = 60; // longer than the 50 µs pulse: every high read straddles the falling edge
    rig.wave.set({ mode: "pwm", dutyPercent: 5 }, "B");
    const capture = captureWith(rig);
    assert.equal(capture.highRaw.length, 0);
    assert.ok(capture.lowRaw.length > 0);
  });

  it("a diode fault shows in the low phase", () => {
    const rig = probeRig();
    rig.wave.set({ mode: "pwm", dutyPercent: 30 }, "C", true);
    const reading = readingFromCapture(captureWith(rig), nominalCalibration(), "C");
    assert.ok(Math.abs(reading.lowV! + 5.6) < 0.05, `${reading.lowV}`);
    assert.equal(reading.checks.lowLevel, "high");
  });

  it("without PWM reads the steady level", () => {
    const rig = probeRig();
    rig.wave.set({ mode: "x1" }, "B");
    const capture = captureWith(rig);
    assert.equal(capture.periodsUs.length, 0);
    assert.equal(capture.steadyRaw.length, PROBE_SAMPLES);
    const reading = readingFromCapture(capture, nominalCalibration(), "B");
    assert.equal(reading.signal, "x1");
    assert.ok(Math.abs(reading.highV! - 8.91) < 0.02, `${reading.highV}`);
  });

  it("a capture unit that cannot be opened gives a window without pulse times, counted", () => {
    const rig = probeRig();
    rig.wave.set({ mode: "pwm", dutyPercent: 50 }, "C");
    rig.hw.claim(BOARD.capturePin); // someone else holds the pin
    const capture = captureWith(rig);
    assert.equal(capture.periodsUs.length, 0);
    assert.equal(rig.probe.captureFailures, 2);
  });

  it("refuses a second capture while one runs", () => {
    const rig = probeRig();
    rig.wave.set({ mode: "pwm", dutyPercent: 50 }, "C");
    rig.probe.capture(() => undefined);
    assert.throws(() => rig.probe.capture(() => undefined), /already running/);
  });
});

describe("EV emulator on the ESP32: the UART link", () => {
  class FakeUart {
    static last: FakeUart | undefined;
    readonly options: SerialLinkPortOptions;
    readonly rx: number[] = [];
    readonly tx: number[] = [];
    fifoRoom = 0;
    constructor(options: SerialLinkPortOptions) {
      this.options = options;
      FakeUart.last = this;
    }
    read(buffer: Uint8Array): number | undefined {
      if (this.rx.length === 0) return undefined;
      const n = Math.min(buffer.length, this.rx.length);
      for (let i = 0; i < n; i++) buffer[i] = this.rx.shift()!;
      return n;
    }
    write(bytes: Uint8Array): void {
      if (bytes.length > this.fifoRoom) throw new Error("output full"); // as modules/io/serial/esp32/serial.c
      this.fifoRoom -= bytes.length;
      this.tx.push(...bytes);
    }
    close(): void {}
    /** The FIFO emptied: the interrupt reports its room. */
    drained(room = 128): void {
      this.fifoRoom = room;
      this.options.onWritable(room);
    }
    /** The whole lines sent so far. */
    lines(): EvLinkMessage[] {
      const text = Buffer.from(this.tx).toString();
      return text
        .slice(0, text.lastIndexOf("\n") + 1)
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as EvLinkMessage);
    }
  }

  function uartRig(): { uart: FakeUart; time: VirtualTime; link: SerialLineLink } {
    const time = new VirtualTime();
    const line = new SimulatedPilotLine();
    const emulator = new EvEmulator({
      switches: line,
      probe: line,
      timers: time,
      nowMs: () => time.nowMs(),
      calibration: nominalCalibration(),
      version: "1.0.0",
    });
    emulator.start();
    const link = new SerialLineLink({ io: FakeUart, ...BOARD.uart, emulator });
    link.start();
    return { uart: FakeUart.last!, time, link };
  }

  it("opens UART2 on GPIO 16/17 and says hello once the FIFO has room, in pieces no larger than the room", () => {
    const { uart } = uartRig();
    assert.deepEqual(
      { ...uart.options, onReadable: undefined, onWritable: undefined },
      {
        port: 2,
        receive: 16,
        transmit: 17,
        baud: 115200,
        format: "buffer",
        onReadable: undefined,
        onWritable: undefined,
      },
    );
    assert.equal(uart.tx.length, 0, "nothing before the first onWritable");
    uart.drained(20);
    assert.equal(uart.tx.length, 20);
    for (const b of Buffer.from('{"cmd":"ping"}\n')) uart.rx.push(b);
    uart.options.onReadable(uart.rx.length); // a reply queued while the FIFO is full waits for room
    assert.equal(uart.tx.length, 20);
    while (!Buffer.from(uart.tx).toString().includes("\n")) uart.drained(20);
    assert.equal(uart.lines()[0].t, "hello");
  });

  it("reads commands from onReadable and answers them", () => {
    const { uart } = uartRig();
    for (const b of Buffer.from('{"cmd":"state","state":"D","id":4}\n{"cmd"')) uart.rx.push(b);
    uart.options.onReadable(uart.rx.length);
    for (const b of Buffer.from(':"ping","id":5}\n')) uart.rx.push(b);
    uart.options.onReadable(uart.rx.length);
    for (let i = 0; i < 40; i++) uart.drained();
    const replies = uart.lines().filter((l) => l.t === "reply");
    assert.deepEqual(
      replies.map((r) => [r.id, r.ok]),
      [
        [4, true],
        [5, true],
      ],
    );
  });

  it("drops reading events, never replies, when the host does not read", () => {
    const { uart, time, link } = uartRig();
    time.advance(600_000); // ten minutes of events with the FIFO never drained
    assert.ok(link.dropped > 0, "events were dropped");
    for (const b of Buffer.from('{"cmd":"ping","id":"late"}\n')) uart.rx.push(b);
    uart.options.onReadable(uart.rx.length);
    for (let i = 0; i < 400 && !Buffer.from(uart.tx).toString().includes('"late"'); i++) uart.drained();
    assert.ok(
      uart.lines().some((l) => l.t === "reply" && l.id === "late"),
      "the reply got through",
    );
  });
});
