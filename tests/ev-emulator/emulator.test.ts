// The emulator core on virtual time with the simulated line: commands move the relays and come
// back as status, readings come from captures that match the relays, events go out on change and
// on the report period, and no line, however bad, makes it throw or stay silent.
import assert from "node:assert/strict";
import { nominalCalibration } from "../../tools/ev-emulator/adc-front-end.ts";
import { CAPTURE_PERIOD_MS, CAPTURE_TIMEOUT_MS, EvEmulator } from "../../tools/ev-emulator/emulator.ts";
import { openSwitches } from "../../tools/ev-emulator/ev-network.ts";
import type { PilotCapture } from "../../tools/ev-emulator/measurement.ts";
import type { PilotProbe } from "../../tools/ev-emulator/ports.ts";
import type { EvReading, EvStatus, HelloMessage, ReplyMessage, SimResult } from "../../tools/ev-emulator/protocol.ts";
import { SimulatedPilotLine } from "../../tools/ev-emulator/sim-line.ts";
import { VirtualTime } from "platform/common/virtual-timers";
import { captureOf, RecordingSink } from "./helpers.ts";

interface Rig {
  emulator: EvEmulator;
  line: SimulatedPilotLine;
  time: VirtualTime;
  sink: RecordingSink;
  logs: string[];
  /** Sends a command line; returns the reply it got at once (undefined: none yet). */
  send(command: Record<string, unknown>): ReplyMessage | undefined;
}

function rig(options: { probe?: PilotProbe; simulated?: boolean } = {}): Rig {
  const time = new VirtualTime();
  const line = new SimulatedPilotLine();
  const sink = new RecordingSink();
  const logs: string[] = [];
  const emulator = new EvEmulator({
    switches: line,
    probe: options.probe ?? line,
    timers: time,
    nowMs: () => time.nowMs(),
    calibration: nominalCalibration(),
    version: "9.9.9",
    simCharger: options.simulated === false ? undefined : line,
    log: (m) => logs.push(m),
  });
  emulator.attach(sink);
  emulator.start();
  let nextId = 1;
  return {
    emulator,
    line,
    time,
    sink,
    logs,
    send(command) {
      const id = nextId++;
      emulator.handleLine(JSON.stringify({ ...command, id }));
      return sink.of("reply").find((r) => r.id === id);
    },
  };
}

function okResult<T>(reply: ReplyMessage | undefined): T {
  assert.ok(reply, "a reply");
  assert.equal(reply.ok, true, JSON.stringify(reply));
  return (reply as Extract<ReplyMessage, { ok: true }>).result as T;
}

/** A probe that snapshots the line when a capture starts and delivers it when told. */
class HeldProbe implements PilotProbe {
  readonly held: { capture: PilotCapture; done: (capture: PilotCapture) => void }[] = [];
  constructor(private readonly line: SimulatedPilotLine) {}
  capture(done: (capture: PilotCapture) => void): void {
    this.held.push({ capture: captureOf(this.line), done });
  }
  finish(): void {
    const next = this.held.shift();
    assert.ok(next, "a capture is running");
    next.done(next.capture);
  }
}

describe("EV emulator: the core", () => {
  it("says hello with its version and whether the line is simulated", () => {
    const { emulator, sink } = rig();
    emulator.connected();
    const hello = sink.of("hello")[0] as HelloMessage;
    assert.deepEqual(hello, { t: "hello", v: 1, app: "wattlight-ev-emulator", version: "9.9.9", simulated: true });
    const board = rig({ simulated: false });
    board.emulator.connected();
    assert.equal(board.sink.of("hello")[0].simulated, false);
    assert.deepEqual(okResult(rig().send({ cmd: "hello" })), hello);
    assert.equal(okResult(rig().send({ cmd: "ping" })), "pong");
  });

  it("starts unplugged with every relay open and captures at once", () => {
    const { line, emulator } = rig();
    assert.deepEqual(line.switches, openSwitches());
    assert.equal(line.captures, 1);
    assert.equal(emulator.latest?.signal, "x1");
    assert.equal(emulator.latest?.expected, "A");
  });

  it("moves the relays for each command and answers with the status", () => {
    const { send, line } = rig();
    let status = okResult<EvStatus>(send({ cmd: "state", state: "C" }));
    assert.equal(status.state, "C");
    assert.equal(status.chargerState, "C");
    assert.deepEqual(line.switches, { ...openSwitches(), plug: true, stateC: true });
    assert.deepEqual(status.switches, line.switches);
    status = okResult<EvStatus>(send({ cmd: "fault", kind: "diode", active: true }));
    assert.deepEqual(status.faults, ["diode"]);
    assert.equal(line.switches.diodeShort, true);
    status = okResult<EvStatus>(send({ cmd: "cable", ratingA: 32 }));
    assert.equal(status.cableA, 32);
    assert.equal(line.switches.pp32, true);
    status = okResult<EvStatus>(send({ cmd: "plug" }));
    assert.equal(status.state, "C", "plugging in again changes nothing");
    status = okResult<EvStatus>(send({ cmd: "unplug" }));
    assert.equal(status.state, "A");
    assert.deepEqual(status.faults, ["diode"], "a fault stays set while unplugged");
    assert.deepEqual(line.switches, { ...openSwitches(), pp32: true });
    status = okResult<EvStatus>(send({ cmd: "plug" }));
    assert.equal(status.state, "B");
    assert.equal(line.switches.diodeShort, true, "and comes back with the plug");
    status = okResult<EvStatus>(send({ cmd: "fault", kind: "short", active: true }));
    assert.equal(status.chargerState, "E");
    status = okResult<EvStatus>(send({ cmd: "fault", kind: "pe-break", active: true }));
    assert.equal(status.chargerState, "A");
    assert.deepEqual(status.faults, ["diode", "short", "pe-break"]);
    assert.deepEqual(okResult<EvStatus>(send({ cmd: "status" })), status);
  });

  it("drives the simulated charger with `sim` and reports what the charger sees on its CP", () => {
    const { send } = rig();
    send({ cmd: "state", state: "C" });
    const result = okResult<SimResult>(send({ cmd: "sim", mode: "pwm", dutyPercent: 25 }));
    assert.equal(result.charger.mode, "pwm");
    assert.equal(result.charger.dutyPercent, 25);
    assert.ok(Math.abs(result.chargerCp.highV - 5.97) < 0.02, `${result.chargerCp.highV}`);
    assert.ok(Math.abs(result.chargerCp.lowV + 11.88) < 0.02, `${result.chargerCp.lowV}`);
  });

  it("refuses `sim` on a board with a real pilot line", () => {
    const reply = rig({ simulated: false }).send({ cmd: "sim", mode: "pwm" });
    assert.equal(reply?.ok, false);
    assert.match((reply as Extract<ReplyMessage, { ok: false }>).error, /real pilot line/);
  });

  it("answers `readings` with a capture started after the command, and drops one begun before the relays moved", () => {
    const line = new SimulatedPilotLine();
    const probe = new HeldProbe(line);
    const { emulator, sink } = rig({ probe });
    line.set({ mode: "pwm", dutyPercent: 50 }); // the rig's own line is another instance: drive this one
    emulator.handleLine('{"cmd":"readings","id":"r1"}');
    assert.equal(probe.held.length, 1, "the start-up capture is still running");
    emulator.handleLine('{"cmd":"state","state":"C","id":"s"}');
    line.apply({ ...openSwitches(), plug: true, stateC: true });
    probe.finish(); // began in state A, before the relays moved: thrown away, a new one starts
    assert.equal(sink.of("reply").filter((r) => r.id === "r1").length, 0);
    assert.equal(sink.of("reading").length, 0);
    assert.equal(probe.held.length, 1);
    probe.finish();
    const reply = sink.of("reply").find((r) => r.id === "r1");
    const reading = okResult<EvReading>(reply);
    assert.equal(reading.expected, "C");
    assert.ok(Math.abs(reading.highV! - 5.97) < 0.02, `${reading.highV}`);
    assert.equal(sink.of("reading").length, 1, "and the change went out as an event");
  });

  it("a `readings` during a capture waits for the next one", () => {
    const line = new SimulatedPilotLine();
    const probe = new HeldProbe(line);
    const { emulator, sink } = rig({ probe });
    emulator.handleLine('{"cmd":"readings","id":1}');
    probe.finish();
    assert.equal(sink.of("reply").length, 0, "the capture began before the command");
    assert.equal(probe.held.length, 1, "so another starts at once");
    probe.finish();
    assert.equal(sink.of("reply").length, 1);
  });

  it("sends reading events every report period and at once on a change; period 0: on change only", () => {
    const { send, sink, time } = rig();
    send({ cmd: "sim", mode: "pwm", dutyPercent: 53.33 });
    time.advance(CAPTURE_PERIOD_MS);
    const before = sink.of("reading").length;
    time.advance(5000);
    const periodic = sink.of("reading").length - before;
    assert.ok(periodic >= 4 && periodic <= 6, `${periodic} events in 5 s at 1 s`);
    okResult(send({ cmd: "report", periodMs: 0 }));
    let count = sink.of("reading").length;
    time.advance(5000);
    assert.equal(sink.of("reading").length, count, "nothing new: nothing sent");
    send({ cmd: "sim", dutyPercent: 16.67 });
    time.advance(CAPTURE_PERIOD_MS);
    const events = sink.of("reading");
    assert.equal(events.length, count + 1);
    assert.equal(events[events.length - 1].reading.offeredA, 10);
    count = events.length;
    okResult(send({ cmd: "report", periodMs: 200 }));
    time.advance(2000);
    assert.ok(sink.of("reading").length - count >= 7, "every capture once the period is shorter than the capture period");
  });

  it("a peer that reconnects gets the hello and the next reading even when nothing changed", () => {
    const { emulator, sink, time, send } = rig();
    send({ cmd: "report", periodMs: 0 });
    time.advance(1000);
    const count = sink.of("reading").length;
    emulator.connected();
    time.advance(CAPTURE_PERIOD_MS);
    assert.equal(sink.of("hello").length, 1);
    assert.equal(sink.of("reading").length, count + 1);
  });

  it("abandons a capture that never ends: the waiting `readings` gets an error, capturing goes on", () => {
    let started = 0;
    const stuck: PilotProbe = { capture: () => void started++ };
    const { emulator, sink, time, logs } = rig({ probe: stuck });
    emulator.handleLine('{"cmd":"readings","id":5}');
    time.advance(CAPTURE_TIMEOUT_MS + CAPTURE_PERIOD_MS);
    const reply = sink.of("reply").find((r) => r.id === 5);
    assert.equal(reply?.ok, false);
    assert.match((reply as Extract<ReplyMessage, { ok: false }>).error, /timed out/);
    assert.ok(started >= 2, "a new capture started");
    assert.ok(logs.some((l) => /timed out/.test(l)));
  });

  it("a probe that throws is logged and tried again at the next tick", () => {
    let calls = 0;
    const failing: PilotProbe = {
      capture: () => {
        calls++;
        throw new Error("ADC gone");
      },
    };
    const { time, logs } = rig({ probe: failing });
    time.advance(3 * CAPTURE_PERIOD_MS);
    assert.equal(calls, 4);
    assert.ok(logs.some((l) => /ADC gone/.test(l)));
  });

  it("answers every line exactly once, whatever it holds, and never throws", () => {
    const { emulator, sink } = rig();
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = [
      '{"cmd":',
      '"state"',
      '"fault"',
      '"sim"',
      '"cable"',
      ',"state":"C"',
      ',"kind":"diode"',
      ',"active":true',
      ',"ratingA":',
      "63",
      "null",
      ',"periodMs":',
      "-1",
      ',"v":',
      "2",
      "}",
      "]",
      "[",
      '"',
      ",",
      ":",
      "1e999",
      "\\u0000",
      "Ω",
      " ",
    ];
    for (let i = 0; i < 2000; i++) {
      let line = "";
      const count = 1 + random(8);
      for (let p = 0; p < count; p++) line += pieces[random(pieces.length)];
      if (line.trim().length === 0) continue;
      const before = sink.lines.length;
      assert.doesNotThrow(() => emulator.handleLine(line), line);
      const answers = sink.lines.slice(before).filter((l) => l.t === "reply" || l.t === "error");
      const readings = line.includes('"readings"');
      assert.ok(answers.length === 1 || (readings && answers.length === 0), `${line} -> ${JSON.stringify(answers)}`);
    }
  });

  it("an over-long line gets one error line and the next line is read", () => {
    const { emulator, sink } = rig();
    emulator.receive(new TextEncoder().encode(`{"cmd":"ping","pad":"${"x".repeat(600)}"}\n{"cmd":"ping","id":2}\n`));
    assert.deepEqual(sink.of("error"), [{ t: "error", error: "line longer than 512 bytes" }]);
    assert.equal(sink.of("reply").find((r) => r.id === 2)?.ok, true);
  });

  it("keeps working while nobody listens", () => {
    const { sink, send, time, emulator } = rig();
    sink.accept = false;
    assert.equal(send({ cmd: "state", state: "B" }), undefined);
    time.advance(2000);
    assert.equal(emulator.status.state, "B");
    assert.equal(emulator.latest?.expected, "B");
  });
});
