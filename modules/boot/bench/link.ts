/**
 * The bench link: the firmware's side of a test bench, a versioned
 * line-delimited JSON protocol over a byte stream (docs/bench-link.md). It
 * reports what the bench API's `GET /state` and `GET /events` show (connectors,
 * pilot, relay, offered and drawn current per phase, power, smart-charging
 * limit, energy, OCPP status, transaction, connection, OCPP frames) and takes
 * commands: a card at the reader (the card reader's own path), the composite
 * schedule (the firmware's own GetCompositeSchedule handler), and on the
 * simulated board the EV's state and faults (a physical board refuses those,
 * and power, with an error saying so).
 *
 * Started only where the build config asks for it (`benchLink`): over TCP on
 * lin (boot/bench/tcp-dial-stream, platform/moddable/lin/loopback-stream),
 * over a UART on a board (boot/bench/serial-stream). The control tick
 * never calls it: the state is sampled by a timer of its own, frames come
 * from the WebSocket's callbacks, and commands from the stream's.
 */
import type { RunningFirmware } from "boot/boot";
import type { SimConnector } from "hal/sim/board";
import {
  applySimFault,
  presentSimEvState,
  SIM_FAULT_KINDS,
  SIM_PILOT_STATES,
  type SimFaultKind,
  type SimPilotState,
} from "hal/sim/bench-injections";
import { validateGetCompositeScheduleReq, type GetCompositeScheduleReq } from "ocpp/generated/ocpp16";
import type { SmartChargingContext } from "ocpp/smartcharging/context";
import { handleGetCompositeSchedule } from "ocpp/smartcharging/GetCompositeSchedule";
import type { ByteStream } from "ports/byte-stream";
import type { Clock } from "ports/clock";
import type { TimerHandle, Timers } from "ports/timers";
import type { WebSocketConnection, WebSocketConnectOptions, WebSocketEvents, WebSocketFactory } from "ports/websocket";
import { encodeUtf8, pieceEnd } from "util/utf8";
import { LineReader } from "util/line-reader";

/** Protocol version: a host checks it in the hello line; lines may carry `"v"` (must match). */
export const BENCH_LINK_VERSION = 1;
/** Longest command line accepted, bytes (newline excluded); a longer one is answered with an error. */
export const BENCH_LINK_MAX_LINE = 2048;
const STATE_PERIOD_MS = 250;
/** Characters of a frame written at a time (see #writeFrame). */
const FRAME_PIECE_CHARS = 512;

export type BenchFrameDirection = "cp-to-csms" | "csms-to-cp";

export interface BenchLinkOptions {
  /** The byte stream to the bench host; frame lines are dropped once it queues more than its `maxPendingBytes`. */
  stream: ByteStream;
  timers: Timers;
  /** The firmware's clock: smart-charging limits and the composite schedule follow its UTC time. */
  clock: Pick<Clock, "utcMs">;
  /** Simulated parts and EV per connector (index = connector id - 1); none on a real board. */
  sims: readonly SimConnector[];
  firmwareVersion: string;
  /**
   * Frame lines kept while no host is connected, characters (default 0: none), sent after the
   * next hello, the oldest dropped first past this: a host that connects after the boot (a rig
   * on a listening lin firmware) still sees the BootNotification and what followed.
   */
  frameBacklogChars?: number;
  /** Diagnostic lines (trace on the board). */
  log(message: string): void;
  /**
   * The engine's heap figures (the `memory` command): after a full garbage
   * collection when `collect`; `resetPeaks` starts the peaks again. Absent:
   * the command answers that this build cannot measure.
   */
  memory?(collect: boolean, resetPeaks: boolean): Readonly<Record<string, number>>;
}

interface CommandLine {
  id?: unknown;
  collect?: unknown;
  resetPeaks?: unknown;
  v?: unknown;
  cmd?: unknown;
  connectorId?: unknown;
  idTag?: unknown;
  state?: unknown;
  kind?: unknown;
  active?: unknown;
  duration?: unknown;
  chargingRateUnit?: unknown;
}

class CommandError extends Error {
  override name = "CommandError"; // a field: XS preload freezes Error.prototype
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export class BenchLink {
  readonly #options: BenchLinkOptions;
  readonly #lines: LineReader;
  #connected = false;
  #firmware: RunningFirmware | undefined;
  /** What the firmware's GetCompositeSchedule handler reaches (`schedule`). */
  #smartCharging: SmartChargingContext | undefined;
  #stateTimer: TimerHandle | undefined;
  #lastState = "";
  #dropped = 0;
  readonly #backlog: string[] = [];
  #backlogChars = 0;
  readonly #evStates: SimPilotState[] = [];
  readonly #faults: SimFaultKind[][] = [];

  constructor(options: BenchLinkOptions) {
    this.#options = options;
    this.#lines = new LineReader(BENCH_LINK_MAX_LINE, {
      onLine: (line) => this.handleLine(line),
      onTooLong: () => this.#send({ t: "error", error: `line longer than ${BENCH_LINK_MAX_LINE} bytes` }, false),
    });
    for (let i = 0; i < options.sims.length; i++) {
      this.#evStates.push("A");
      this.#faults.push([]);
    }
  }

  /** Wraps the platform's WebSocket client so every OCPP frame is reported. */
  tapWebSocket(inner: WebSocketFactory): WebSocketFactory {
    return {
      connect: (options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection => {
        const connection = inner.connect(options, {
          onOpen: (protocol) => events.onOpen(protocol),
          onText: (text) => {
            this.frame("csms-to-cp", text);
            events.onText(text);
          },
          onPong: () => events.onPong(),
          onClose: (code, reason) => events.onClose(code, reason),
          onError: (message) => events.onError(message),
        });
        return {
          sendText: (text: string): boolean => {
            const sent = connection.sendText(text);
            if (sent) this.frame("cp-to-csms", text);
            return sent;
          },
          ping: () => connection.ping(),
          close: (code?: number, reason?: string) => connection.close(code, reason),
        };
      },
    };
  }

  /** Starts reporting `firmware` on the stream (a hello and the state each time a host is there). */
  start(firmware: RunningFirmware): void {
    this.#firmware = firmware;
    this.#smartCharging = { service: firmware.smartCharging, clock: this.#options.clock };
    this.#stateTimer = this.#options.timers.every(() => this.#sendState(false), STATE_PERIOD_MS);
    this.#options.stream.start({
      onOpen: () => {
        this.#connected = true;
        this.#lines.reset();
        this.#lastState = "";
        this.#send(this.#hello(), false);
        this.#sendState(true);
        this.#sendBacklog();
      },
      onData: (bytes) => this.#lines.push(bytes),
      onClose: (why) => {
        if (this.#connected) this.#options.log(`bench link: ${why}`);
        this.#connected = false;
      },
    });
  }

  stop(): void {
    if (this.#stateTimer !== undefined) this.#options.timers.clear(this.#stateTimer);
    this.#stateTimer = undefined;
    this.#options.stream.stop();
    this.#connected = false;
  }

  /** One OCPP frame passed the WebSocket. */
  frame(direction: BenchFrameDirection, text: string): void {
    if (this.#connected) {
      if (!this.#writeFrame(direction, text)) this.#dropped++;
      return;
    }
    const line = JSON.stringify({ t: "frame", direction, text });
    const budget = this.#options.frameBacklogChars ?? 0;
    if (budget <= 0) return;
    this.#backlog.push(line);
    this.#backlogChars += line.length;
    while (this.#backlogChars > budget) {
      this.#backlogChars -= this.#backlog.shift()!.length;
      this.#dropped++;
    }
  }

  #sendBacklog(): void {
    const lines = this.#backlog;
    for (let i = 0; i < lines.length; i++) if (!this.#writeLine(lines[i], true)) this.#dropped++;
    lines.length = 0;
    this.#backlogChars = 0;
  }

  /** Handles one command line (public for tests); the answer goes out on the link. */
  handleLine(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.#send({ t: "error", error: "not JSON" }, false);
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      this.#send({ t: "error", error: "a line must be a JSON object" }, false);
      return;
    }
    const command = parsed as CommandLine;
    const id = typeof command.id === "number" || typeof command.id === "string" ? command.id : null;
    try {
      if (command.v !== undefined && command.v !== BENCH_LINK_VERSION)
        throw new CommandError(`version ${String(command.v)} not supported (this firmware speaks ${BENCH_LINK_VERSION})`);
      const result = this.#run(command);
      this.#send({ t: "reply", id, ok: true, result }, false);
      if (command.cmd !== "ping" && command.cmd !== "memory") this.#sendState(command.cmd === "state");
    } catch (error) {
      this.#send({ t: "reply", id, ok: false, error: (error as Error).message }, false);
    }
  }

  #run(command: CommandLine): unknown {
    switch (command.cmd) {
      case "ping":
        return "pong";
      case "hello":
        return this.#hello();
      case "state":
        return undefined;
      case "card": {
        if (typeof command.idTag !== "string" || command.idTag.length < 1 || command.idTag.length > 20)
          throw new CommandError("card: idTag must be a string of 1 to 20 characters");
        const connectorId = command.connectorId === undefined ? undefined : this.#connectorId(command.connectorId);
        this.#running().presentCard(command.idTag, connectorId);
        return undefined;
      }
      case "ev": {
        const connectorId = this.#connectorId(command.connectorId, "ev");
        const state = SIM_PILOT_STATES.find((s) => s === command.state);
        if (state === undefined) throw new CommandError(`ev: state must be one of ${SIM_PILOT_STATES.join(", ")}`);
        const problem = presentSimEvState(
          this.#options.sims[connectorId - 1],
          state,
          this.#faults[connectorId - 1].includes("pilot-short"),
        );
        if (problem !== undefined) throw new CommandError(problem);
        this.#evStates[connectorId - 1] = state;
        return undefined;
      }
      case "fault": {
        const connectorId = this.#connectorId(command.connectorId, "fault");
        const kind = SIM_FAULT_KINDS.find((k) => k === command.kind);
        if (kind === undefined) throw new CommandError(`fault: kind must be one of ${SIM_FAULT_KINDS.join(", ")}`);
        if (typeof command.active !== "boolean") throw new CommandError("fault: active must be true or false");
        const sim = this.#options.sims[connectorId - 1];
        const list = this.#faults[connectorId - 1];
        const at = list.indexOf(kind);
        if (command.active && at < 0) list.push(kind);
        if (!command.active && at >= 0) list.splice(at, 1);
        applySimFault(sim, kind, command.active);
        if (kind === "pilot-short" && !command.active && this.#evStates[connectorId - 1] === "E") sim.faults.pilotShort = true;
        return undefined;
      }
      case "schedule": {
        // The very handler a GetCompositeSchedule.req reaches, after the same schema check.
        const context = this.#smartCharging;
        if (!context) throw new CommandError("the firmware is not running yet");
        const request: Record<string, unknown> = { connectorId: command.connectorId, duration: command.duration };
        if (command.chargingRateUnit !== undefined) request.chargingRateUnit = command.chargingRateUnit;
        const violation = validateGetCompositeScheduleReq(request);
        if (violation) throw new CommandError(`schedule: ${violation.path.slice(1) || "request"}: ${violation.message}`);
        return handleGetCompositeSchedule(request as unknown as GetCompositeScheduleReq, context);
      }
      case "power":
        throw new CommandError(
          "power: the firmware cannot cut or restore its own mains; the bench host does (a process restart on lin, a relay on a rig)",
        );
      case "memory": {
        const memory = this.#options.memory;
        if (!memory) throw new CommandError("memory: this build cannot read its heaps");
        if (command.collect !== undefined && typeof command.collect !== "boolean")
          throw new CommandError("memory: collect must be true or false");
        if (command.resetPeaks !== undefined && typeof command.resetPeaks !== "boolean")
          throw new CommandError("memory: resetPeaks must be true or false");
        return memory(command.collect !== false, command.resetPeaks === true);
      }
      default:
        throw new CommandError(
          typeof command.cmd === "string" ? `unknown command '${command.cmd}'` : "a command line needs a string 'cmd'",
        );
    }
  }

  #running(): RunningFirmware {
    const firmware = this.#firmware;
    if (!firmware) throw new CommandError("the firmware is not running yet");
    return firmware;
  }

  /** A connector id; `simulatedFor`: the command needs the connector's simulated parts. */
  #connectorId(value: unknown, simulatedFor?: "ev" | "fault"): number {
    const count = this.#firmware?.loop.connectors.length ?? this.#options.sims.length;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > count)
      throw new CommandError(`connectorId must be an integer from 1 to ${count}`);
    if (simulatedFor !== undefined && value > this.#options.sims.length)
      throw new CommandError(
        `${simulatedFor}: connector ${value} is physical: its EV and faults are real, the firmware cannot set them (a rig drives them through its EV emulator)`,
      );
    return value;
  }

  #hello(): Record<string, unknown> {
    return {
      t: "hello",
      v: BENCH_LINK_VERSION,
      firmwareVersion: this.#options.firmwareVersion,
      deviceId: this.#firmware?.settings.deviceId ?? "",
      connectors: this.#firmware?.loop.connectors.length ?? this.#options.sims.length,
      simulated: this.#options.sims.length > 0,
    };
  }

  #stateObject(): Record<string, unknown> {
    const firmware = this.#running();
    const sims = this.#options.sims;
    const utcMs = this.#options.clock.utcMs();
    const connectors: Record<string, unknown>[] = [];
    for (let i = 0; i < firmware.loop.connectors.length; i++) {
      const id = i + 1;
      const snapshot = firmware.loop.connectors[i].snapshot;
      const sim: SimConnector | undefined = sims[i];
      const celsius = snapshot.temperatureC;
      const meter = snapshot.meter;
      const limitA = firmware.smartCharging.currentLimitA(id, utcMs);
      const tx = firmware.chargePoint.transactions.transactionOn(id);
      const energyWh = sim ? sim.energyWh : snapshot.energyWh;
      connectors.push({
        connectorId: id,
        pilot: snapshot.pilotState === "invalid" ? "F" : snapshot.pilotState,
        // The simulated board's wires; on a physical board what the loop commands and its meter measures.
        ev: this.#evStates[i] ?? null,
        relayClosed: sim ? sim.powered : snapshot.relayClosed,
        offeredA: round1(sim ? sim.offeredA : snapshot.offeredA),
        dutyPercent: sim ? round1(sim.dutyPercent) : null,
        drawnA: sim ? (sim.powered ? round1(sim.ev.drawA) : 0) : round1(snapshot.drawnA),
        // The loop's meter reading, the service's limit, the session since meterStart: on any board.
        drawnPhasesA: meter.ok ? [round1(meter.currentA[0]), round1(meter.currentA[1]), round1(meter.currentA[2])] : null,
        powerW: meter.ok ? Math.round(meter.powerW) : null,
        smartLimitA: Number.isFinite(limitA) ? round1(limitA) : null,
        energyWh: Math.round(energyWh),
        sessionEnergyWh: tx ? Math.max(0, Math.round(energyWh - tx.meterStartWh)) : null,
        temperatureC: Number.isFinite(celsius) ? round1(celsius) : null,
        ocppStatus: firmware.chargePoint.status.current(id),
        transactionId: tx?.transactionId ?? null,
        faults: this.#faults[i] ? this.#faults[i].slice() : [],
      });
    }
    return {
      connection: firmware.chargePoint.connection.open ? "online" : "connecting",
      pendingTransactionMessages: firmware.chargePoint.transactions.journalSize,
      dropped: this.#dropped,
      connectors,
    };
  }

  #sendState(force: boolean): void {
    if (!this.#connected || !this.#firmware) return;
    const text = JSON.stringify(this.#stateObject());
    if (!force && text === this.#lastState) return;
    if (this.#writeLine(`{"t":"state","state":${text}}`, !force)) this.#lastState = text;
  }

  #send(message: Record<string, unknown>, droppable: boolean): void {
    this.#writeLine(JSON.stringify(message), droppable);
  }

  /**
   * Queues one frame line; a long frame goes in pieces of FRAME_PIECE_CHARS characters, each
   * escaped and encoded on its own, so it never exists whole a second time: a GetConfiguration
   * answer as one line (escaped, then with its newline, then encoded) ran the stock ESP32 VM's
   * chunk heap out while the firmware had it in hand as well (issue 9).
   */
  #writeFrame(direction: BenchFrameDirection, text: string): boolean {
    const stream = this.#options.stream;
    if (text.length <= FRAME_PIECE_CHARS) return this.#writeLine(JSON.stringify({ t: "frame", direction, text }), true);
    if (!this.#connected || stream.pending > stream.maxPendingBytes) return false;
    stream.write(encodeUtf8(`{"t":"frame","direction":${JSON.stringify(direction)},"text":"`));
    for (let start = 0; start < text.length;) {
      const end = pieceEnd(text, start, FRAME_PIECE_CHARS);
      const quoted = JSON.stringify(text.slice(start, end));
      stream.write(encodeUtf8(quoted.slice(1, quoted.length - 1)));
      start = end;
    }
    stream.write(encodeUtf8('"}\n'));
    return true;
  }

  /**
   * Queues one line. `droppable` lines (frames, state) are not queued while the stream holds
   * more than its budget: a frame is counted in `dropped`, a state is sent at a later sample.
   */
  #writeLine(text: string, droppable: boolean): boolean {
    const stream = this.#options.stream;
    if (!this.#connected) return false;
    if (droppable && stream.pending > stream.maxPendingBytes) return false;
    stream.write(encodeUtf8(`${text}\n`));
    return true;
  }
}
