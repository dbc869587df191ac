/**
 * The EV emulator: what it presents on the pilot (state, faults, cable),
 * the relays that make it (ev-network.ts), the pilot captured every 250 ms
 * and turned into readings (measurement.ts), and the line protocol
 * (protocol.ts) that drives it. Board-independent: the relays, the capture
 * and the link come in through ports.ts.
 *
 * Readings go out as events at least every `reportPeriodMs` and at once when
 * what they say changes (signal, offer, checks, the state checked against).
 * A `readings` command is answered with a capture started after it arrived,
 * and a capture that began before the relays last moved is thrown away, so a
 * reading never mixes two states. Nothing a line contains makes it throw.
 */
import type { TimerHandle, Timers } from "ports/timers";
import type { AdcCalibration } from "./adc-front-end";
import { chargerStateFor, initialSetup, switchesFor, type EvFaultKind, type EvSetup, type EvState } from "./ev-network";
import { LineReader } from "util/line-reader";
import { readingFromCapture, type PilotCapture } from "./measurement";
import type { LineSink, PilotProbe, SimChargerControl, SwitchBank } from "./ports";
import {
  DEFAULT_REPORT_PERIOD_MS,
  EV_EMULATOR_APP,
  EV_LINK_MAX_LINE,
  EV_LINK_VERSION,
  parseCommandLine,
  type CommandId,
  type EvCommand,
  type EvLinkMessage,
  type EvReading,
  type EvStatus,
  type HelloMessage,
  type SimResult,
} from "./protocol";

/** How often the pilot is captured (ms). */
export const CAPTURE_PERIOD_MS = 250;
/** A capture not finished after this long is abandoned (ms). */
export const CAPTURE_TIMEOUT_MS = 2000;

export interface EvEmulatorOptions {
  switches: SwitchBank;
  probe: PilotProbe;
  timers: Timers;
  /** Monotonic milliseconds. */
  nowMs(): number;
  calibration: AdcCalibration;
  /** The emulator's version, in the hello line. */
  version: string;
  /** The charger model of a simulated line (lin, host); absent on a board. */
  simCharger?: SimChargerControl;
  /** Diagnostics (trace on the board). */
  log?(message: string): void;
}

class CommandError extends Error {
  override name = "CommandError"; // a field: XS preload freezes Error.prototype
}

interface WaitingReading {
  id: CommandId;
  /** Answered by the first capture with a higher sequence number. */
  afterSeq: number;
}

export class EvEmulator {
  readonly #options: EvEmulatorOptions;
  readonly #framer: LineReader;
  readonly #startMs: number;
  readonly #setup: EvSetup = initialSetup();
  #reportPeriodMs = DEFAULT_REPORT_PERIOD_MS;
  #sink: LineSink | undefined;
  #timer: TimerHandle | undefined;
  #captureSeq = 0;
  #capturing = false;
  #captureStartedMs = 0;
  #relayGeneration = 0;
  readonly #waiting: WaitingReading[] = [];
  #latest: EvReading | undefined;
  #lastSignature = "";
  #lastSentMs = Number.NEGATIVE_INFINITY;

  constructor(options: EvEmulatorOptions) {
    this.#options = options;
    this.#startMs = options.nowMs();
    this.#framer = new LineReader(EV_LINK_MAX_LINE, {
      onLine: (line) => this.handleLine(line),
      onTooLong: () => this.#send({ t: "error", error: `line longer than ${EV_LINK_MAX_LINE} bytes` }, false),
    });
  }

  /** Opens every relay but those of the initial setup and starts capturing. */
  start(): void {
    this.#applyRelays();
    if (this.#timer === undefined) this.#timer = this.#options.timers.every(() => this.#tick(), CAPTURE_PERIOD_MS);
    this.#startCapture();
  }

  stop(): void {
    if (this.#timer !== undefined) this.#options.timers.clear(this.#timer);
    this.#timer = undefined;
  }

  /** Where lines go from now on (undefined: nowhere, e.g. while a TCP link is down). */
  attach(sink: LineSink | undefined): void {
    this.#sink = sink;
  }

  /** A (new) peer is listening: a clean line buffer, the hello line, and the next reading sent whatever it says. */
  connected(): void {
    this.#framer.reset();
    this.#send(this.#hello(), false);
    this.#lastSignature = "";
  }

  /** Bytes from the link. */
  receive(bytes: Uint8Array): void {
    this.#framer.push(bytes);
  }

  get status(): EvStatus {
    const setup = this.#setup;
    const faults: EvFaultKind[] = [];
    if (setup.diodeShorted) faults.push("diode");
    if (setup.cpShorted) faults.push("short");
    if (setup.peBroken) faults.push("pe-break");
    return {
      state: setup.state,
      chargerState: chargerStateFor(setup),
      faults,
      cableA: setup.cableA,
      switches: switchesFor(setup),
      reportPeriodMs: this.#reportPeriodMs,
    };
  }

  /** The newest reading, if any. */
  get latest(): EvReading | undefined {
    return this.#latest;
  }

  /** Handles one command line; the answer goes to the sink. */
  handleLine(line: string): void {
    const parsed = parseCommandLine(line);
    if (parsed.kind === "malformed") {
      this.#send({ t: "error", error: parsed.error }, false);
      return;
    }
    if (parsed.kind === "refused") {
      this.#send({ t: "reply", id: parsed.id, ok: false, error: parsed.error }, false);
      return;
    }
    try {
      if (parsed.command.cmd === "readings") {
        this.#waiting.push({ id: parsed.id, afterSeq: this.#captureSeq });
        if (!this.#capturing) this.#startCapture();
        return;
      }
      const result = this.#run(parsed.command);
      this.#send({ t: "reply", id: parsed.id, ok: true, result }, false);
    } catch (error) {
      this.#send({ t: "reply", id: parsed.id, ok: false, error: error instanceof Error ? error.message : String(error) }, false);
    }
  }

  #run(command: Exclude<EvCommand, { cmd: "readings" }>): unknown {
    const setup = this.#setup;
    switch (command.cmd) {
      case "ping":
        return "pong";
      case "hello":
        return this.#hello();
      case "status":
        return this.status;
      case "plug":
        if (setup.state === "A") setup.state = "B";
        break;
      case "unplug":
        setup.state = "A";
        break;
      case "state":
        setup.state = command.state;
        break;
      case "fault":
        if (command.kind === "diode") setup.diodeShorted = command.active;
        else if (command.kind === "short") setup.cpShorted = command.active;
        else setup.peBroken = command.active;
        break;
      case "cable":
        setup.cableA = command.ratingA;
        break;
      case "report":
        this.#reportPeriodMs = command.periodMs;
        this.#lastSentMs = this.#options.nowMs();
        return this.status;
      case "sim":
        return this.#sim(command.settings);
    }
    this.#applyRelays();
    return this.status;
  }

  #sim(settings: Parameters<SimChargerControl["set"]>[0]): SimResult {
    const charger = this.#options.simCharger;
    if (!charger) throw new CommandError("sim: this board has a real pilot line, no simulated charger");
    const result: SimResult = { charger: charger.set(settings), chargerCp: charger.chargerCp() };
    this.#relayGeneration++; // the line changed: a capture begun before does not show it
    return result;
  }

  #hello(): HelloMessage {
    return {
      t: "hello",
      v: EV_LINK_VERSION,
      app: EV_EMULATOR_APP,
      version: this.#options.version,
      simulated: this.#options.simCharger !== undefined,
    };
  }

  #applyRelays(): void {
    this.#options.switches.apply(switchesFor(this.#setup));
    this.#relayGeneration++;
  }

  /** The state whose band the high level is checked against: none when the emulator cannot expect one. */
  #expected(): EvState | null {
    const chargerState = chargerStateFor(this.#setup);
    if (this.#setup.peBroken || chargerState === "E") return null;
    return chargerState;
  }

  #tick(): void {
    if (this.#capturing && this.#options.nowMs() - this.#captureStartedMs > CAPTURE_TIMEOUT_MS) {
      this.#capturing = false;
      this.#options.log?.("ev-emulator: capture timed out");
      this.#answerWaiting(0, undefined, "the pilot capture timed out");
    }
    if (!this.#capturing) this.#startCapture();
  }

  #startCapture(): void {
    this.#capturing = true;
    const seq = ++this.#captureSeq;
    const generation = this.#relayGeneration;
    this.#captureStartedMs = this.#options.nowMs();
    try {
      this.#options.probe.capture((capture) => this.#captured(seq, generation, capture));
    } catch (error) {
      this.#capturing = false;
      this.#options.log?.(`ev-emulator: capture failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #captured(seq: number, generation: number, capture: PilotCapture): void {
    if (!this.#capturing || seq !== this.#captureSeq) return; // abandoned, or called twice
    this.#capturing = false;
    if (generation !== this.#relayGeneration) {
      this.#startCapture(); // the relays moved during the window
      return;
    }
    const expected = this.#expected();
    const reading: EvReading = {
      ...readingFromCapture(capture, this.#options.calibration, expected),
      atMs: this.#options.nowMs() - this.#startMs,
      expected,
    };
    this.#latest = reading;
    this.#answerWaiting(seq, reading, undefined);
    this.#report(reading);
    if (this.#waiting.length > 0) this.#startCapture();
  }

  /** Answers the `readings` commands that capture `seq` may answer (all of them with an error). */
  #answerWaiting(seq: number, reading: EvReading | undefined, error: string | undefined): void {
    for (let i = 0; i < this.#waiting.length;) {
      const waiting = this.#waiting[i];
      if (reading !== undefined && waiting.afterSeq >= seq) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      if (reading !== undefined) this.#send({ t: "reply", id: waiting.id, ok: true, result: reading }, false);
      else this.#send({ t: "reply", id: waiting.id, ok: false, error: error ?? "no reading" }, false);
    }
  }

  #report(reading: EvReading): void {
    const c = reading.checks;
    const signature = `${reading.signal}|${reading.offer}|${reading.offeredA}|${c.frequency}|${c.highLevel}|${c.lowLevel}|${reading.expected}`;
    const nowMs = this.#options.nowMs();
    const due = this.#reportPeriodMs > 0 && nowMs - this.#lastSentMs >= this.#reportPeriodMs;
    if (signature === this.#lastSignature && !due) return;
    if (this.#send({ t: "reading", reading }, true)) {
      this.#lastSignature = signature;
      this.#lastSentMs = nowMs;
    }
  }

  #send(message: EvLinkMessage, droppable: boolean): boolean {
    const sink = this.#sink;
    return sink !== undefined && sink.sendLine(JSON.stringify(message), droppable);
  }
}
