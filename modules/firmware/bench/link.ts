/**
 * The bench link: the firmware's side of a test bench, a versioned
 * line-delimited JSON protocol over a byte stream (docs/bench-link.md). It
 * reports what the bench API's `GET /state` and `GET /events` show (connectors,
 * pilot, relay, offered and drawn current per phase, power, smart-charging
 * limit, energy, OCPP status, transaction, connection, OCPP frames) and takes
 * commands: a card at the reader (the card reader's own path), the composite
 * schedule (the firmware's GetCompositeSchedule handler), and on the simulated
 * board the EV's state and faults.
 *
 * Compiled in only where the build asks for it (the lin target with the
 * `benchLink` config). The control tick never calls it: the state is sampled
 * by a timer of its own, frames come from the WebSocket's callbacks, and
 * commands from the stream's.
 */
import type { RunningFirmware } from "firmware/boot";
import type { SimConnector } from "hal/sim/board";
import {
  applySimFault,
  presentSimEvState,
  SIM_FAULT_KINDS,
  SIM_PILOT_STATES,
  type SimFaultKind,
  type SimPilotState,
} from "hal/sim/bench-injections";
import { validateGetCompositeScheduleReq } from "ocpp/generated/ocpp16";
import { createGetCompositeScheduleHandler } from "ocpp/smartcharging/GetCompositeSchedule";
import type { GetCompositeScheduleRequest, GetCompositeScheduleResponse } from "ocpp/smartcharging/types";
import type { Clock } from "ports/clock";
import type { TcpClient, TcpConnection } from "ports/tcp";
import type { TimerHandle, Timers } from "ports/timers";
import type { WebSocketConnection, WebSocketConnectOptions, WebSocketEvents, WebSocketFactory } from "ports/websocket";
import { decodeUtf8, encodeUtf8 } from "util/utf8";

/** Protocol version: a host checks it in the hello line; lines may carry `"v"` (must match). */
export const BENCH_LINK_VERSION = 1;
/** Longest command line accepted, bytes (newline excluded); a longer one is answered with an error. */
export const BENCH_LINK_MAX_LINE = 2048;
/** Output kept queued before frame lines are dropped (counted in the state's `dropped`). */
const MAX_PENDING_BYTES = 64 * 1024;
const STATE_PERIOD_MS = 250;
const RECONNECT_MS = 1000;

export type BenchFrameDirection = "cp-to-csms" | "csms-to-cp";

export interface BenchLinkOptions {
  tcp: TcpClient;
  timers: Timers;
  /** The firmware's clock: smart-charging limits and the composite schedule follow its UTC time. */
  clock: Pick<Clock, "utcMs">;
  /** The bench host (127.0.0.1 on lin). */
  host: string;
  port: number;
  /** Simulated parts and EV per connector (index = connector id - 1); none on a real board. */
  sims: readonly SimConnector[];
  firmwareVersion: string;
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
  readonly #lineBuffer = new Uint8Array(BENCH_LINK_MAX_LINE);
  #lineLength = 0;
  #lineTooLong = false;
  #connection: TcpConnection | undefined;
  #connected = false;
  #firmware: RunningFirmware | undefined;
  #schedule: ((request: GetCompositeScheduleRequest) => GetCompositeScheduleResponse) | undefined;
  #stateTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #lastState = "";
  #dropped = 0;
  readonly #evStates: SimPilotState[] = [];
  readonly #faults: SimFaultKind[][] = [];

  constructor(options: BenchLinkOptions) {
    this.#options = options;
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

  /** Starts reporting `firmware` and dials the bench host (again after each loss). */
  start(firmware: RunningFirmware): void {
    this.#firmware = firmware;
    this.#schedule = createGetCompositeScheduleHandler(firmware.smartCharging, this.#options.clock);
    this.#dial();
    this.#stateTimer = this.#options.timers.every(() => this.#sendState(false), STATE_PERIOD_MS);
  }

  stop(): void {
    const timers = this.#options.timers;
    if (this.#stateTimer !== undefined) timers.clear(this.#stateTimer);
    if (this.#retryTimer !== undefined) timers.clear(this.#retryTimer);
    this.#stateTimer = undefined;
    this.#retryTimer = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    this.#connected = false;
  }

  /** One OCPP frame passed the WebSocket. */
  frame(direction: BenchFrameDirection, text: string): void {
    if (!this.#connected) return;
    this.#send({ t: "frame", direction, text }, true);
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
        const connectorId = command.connectorId === undefined ? undefined : this.#connectorId(command.connectorId, false);
        this.#running().presentCard(command.idTag, connectorId);
        return undefined;
      }
      case "ev": {
        const connectorId = this.#connectorId(command.connectorId, true);
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
        const connectorId = this.#connectorId(command.connectorId, true);
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
        const schedule = this.#schedule;
        if (!schedule) throw new CommandError("the firmware is not running yet");
        const request: Record<string, unknown> = { connectorId: command.connectorId, duration: command.duration };
        if (command.chargingRateUnit !== undefined) request.chargingRateUnit = command.chargingRateUnit;
        const violation = validateGetCompositeScheduleReq(request);
        if (violation) throw new CommandError(`schedule: ${violation.path.slice(1) || "request"}: ${violation.message}`);
        return schedule(request as unknown as GetCompositeScheduleRequest);
      }
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

  #connectorId(value: unknown, simulated: boolean): number {
    const count = this.#firmware?.loop.connectors.length ?? this.#options.sims.length;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > count)
      throw new CommandError(`connectorId must be an integer from 1 to ${count}`);
    if (simulated && value > this.#options.sims.length) throw new CommandError("this board has no simulated EV or faults (a real board)");
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
        ev: this.#evStates[i] ?? null,
        relayClosed: sim ? sim.powered : null,
        offeredA: sim ? round1(sim.offeredA) : null,
        drawnA: sim ? (sim.powered ? round1(sim.ev.drawA) : 0) : null,
        drawnPhasesA: meter.ok ? [round1(meter.currentA[0]), round1(meter.currentA[1]), round1(meter.currentA[2])] : null,
        powerW: meter.ok ? Math.round(meter.powerW) : null,
        smartLimitA: Number.isFinite(limitA) ? round1(limitA) : null,
        energyWh: sim ? Math.round(sim.energyWh) : null,
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
    if (this.#writeLine(`{"t":"state","state":${text}}`, false)) this.#lastState = text;
  }

  #send(message: Record<string, unknown>, droppable: boolean): void {
    this.#writeLine(JSON.stringify(message), droppable);
  }

  #writeLine(text: string, droppable: boolean): boolean {
    const connection = this.#connection;
    if (!connection || !this.#connected) return false;
    if (droppable && connection.pending > MAX_PENDING_BYTES) {
      this.#dropped++;
      return false;
    }
    connection.write(encodeUtf8(`${text}\n`));
    return true;
  }

  #dial(): void {
    this.#retryTimer = undefined;
    const { host, port } = this.#options;
    const connection = this.#options.tcp.connect(host, port, {
      onConnect: () => {
        this.#connected = true;
        this.#lineLength = 0;
        this.#lineTooLong = false;
        this.#lastState = "";
        this.#send(this.#hello(), false);
        this.#sendState(true);
      },
      onData: (bytes) => this.#receive(bytes),
      onClose: () => this.#lost(connection, "closed by the host"),
      onError: (message) => this.#lost(connection, message),
    });
    this.#connection = connection;
  }

  #lost(connection: TcpConnection, why: string): void {
    if (this.#connection !== connection) return;
    if (this.#connected) this.#options.log(`bench link: ${why}`);
    this.#connection = undefined;
    this.#connected = false;
    if (this.#stateTimer === undefined) return; // stopped
    this.#retryTimer = this.#options.timers.once(() => this.#dial(), RECONNECT_MS);
  }

  #receive(bytes: Uint8Array): void {
    const buffer = this.#lineBuffer;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte === 0x0a) {
        if (this.#lineTooLong) this.#send({ t: "error", error: `line longer than ${BENCH_LINK_MAX_LINE} bytes` }, false);
        else if (this.#lineLength > 0) {
          let end = this.#lineLength;
          if (buffer[end - 1] === 0x0d) end--;
          const line = decodeUtf8(buffer, 0, end);
          this.#lineLength = 0;
          if (line.trim().length > 0) this.handleLine(line);
        }
        this.#lineLength = 0;
        this.#lineTooLong = false;
      } else if (this.#lineLength < buffer.length) buffer[this.#lineLength++] = byte;
      else this.#lineTooLong = true;
    }
  }
}
