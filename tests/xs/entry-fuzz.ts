/**
 * XS entry for the frame fuzzer (tools/fuzz): the whole firmware booted on
 * the real XS engine (every profile, its real RPC engine) over a fake
 * WebSocket inside XS. A tiny CSMS in here answers what the charge point
 * sends (BootNotification Accepted, ...); the frames the fuzzer feeds come
 * in batches through `feed`, and `drain` hands back what the charge point
 * answered to them. Storage is in XS too (SimFlash, memory key-value store),
 * so the heap and computron figures are the firmware's alone.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { SimFlash } from "platform/common/sim-flash";
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";
import type { FlashPartition } from "ports/flash";
import { HttpError, type HttpClient, type HttpResult } from "ports/http";
import type { LogLevel, LogSink } from "ports/log";
import type { Platform } from "ports/platform";
import type { Timers } from "ports/timers";
import type { WebSocketConnectOptions, WebSocketConnection, WebSocketEvents, WebSocketFactory } from "ports/websocket";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "boot/boot";
import { decodeUtf8 } from "util/utf8";

const xsGlobals = globalThis as unknown as { gc?: () => void };
const base = createXsnapPlatform();
const sim = createSimulatedBoard({ connectors: 2 });

/** Work the entry does between frames: replies of the fake CSMS, socket events. */
const pending: Array<() => void> = [];
/** Frames the charge point sent that answer the fuzzer (CALLRESULT / CALLERROR, or anything not a CALL). */
let answers: string[] = [];
let cpCalls = 0;
let opens = 0;
let closes = 0;
let transactionId = 1;

const CURRENT_TIME = "2030-01-01T00:00:00Z";

/** The fake CSMS's answer to a CALL of the charge point. */
function csmsAnswer(action: string): unknown {
  switch (action) {
    case "BootNotification":
      return { status: "Accepted", currentTime: CURRENT_TIME, interval: 3600 };
    case "Heartbeat":
      return { currentTime: CURRENT_TIME };
    case "Authorize":
    case "StopTransaction":
      return { idTagInfo: { status: "Accepted" } };
    case "StartTransaction":
      return { idTagInfo: { status: "Accepted" }, transactionId: transactionId++ };
    case "DataTransfer":
    case "SignCertificate":
      return { status: "Accepted" };
    default:
      return {};
  }
}

const BROKEN_CONFS: readonly unknown[] = [{ bogus: [1] }, { status: 5 }, { idTagInfo: "Accepted" }, { currentTime: "yesterday" }, []];
const ERROR_CODES = ["InternalError", "NotSupported", "SecurityError", "GenericError", "NoSuchCode"];

/**
 * What the fake CSMS sends back for a CALL of the charge point: mostly the
 * right answer; now and then (by a counter, so runs repeat) a CALLERROR, a
 * payload its schema refuses, nothing at all (the call times out) or the
 * answer twice (the second is an answer to an id no longer outstanding).
 * BootNotification is always accepted.
 */
function csmsReplies(id: string, action: string): string[] {
  if (silent) return [];
  const n = cpCalls;
  const right = JSON.stringify([3, id, csmsAnswer(action)]);
  if (action === "BootNotification") return [right];
  if (n % 13 === 5) return [JSON.stringify([4, id, ERROR_CODES[n % ERROR_CODES.length], "fuzz", {}])];
  if (n % 17 === 3) return [JSON.stringify([3, id, BROKEN_CONFS[n % BROKEN_CONFS.length]])];
  if (n % 29 === 7) return [];
  if (n % 23 === 11) return [right, right];
  return [right];
}

class FakeSocket implements WebSocketConnection {
  readonly events: WebSocketEvents;
  open = false;
  closed = false;
  constructor(events: WebSocketEvents) {
    this.events = events;
  }
  sendText(text: string): boolean {
    if (!this.open || this.closed) return false;
    if (text.startsWith("[2,")) {
      cpCalls++;
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        frame = undefined;
      }
      if (Array.isArray(frame) && typeof frame[1] === "string" && typeof frame[2] === "string") {
        for (const reply of csmsReplies(frame[1], frame[2])) {
          pending.push(() => {
            if (!this.closed) this.events.onText(reply);
          });
        }
      }
    } else answers.push(text);
    return true;
  }
  ping(): void {
    pending.push(() => {
      if (!this.closed) this.events.onPong();
    });
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closes++;
    pending.push(() => this.events.onClose(1000, "closed"));
  }
}

class FakeWebSocketFactory implements WebSocketFactory {
  current: FakeSocket | undefined;
  connect(_options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection {
    const socket = new FakeSocket(events);
    this.current = socket;
    pending.push(() => {
      if (socket.closed) return;
      socket.open = true;
      opens++;
      events.onOpen("ocpp1.6");
    });
    return socket;
  }
}

/** No network: every transfer fails at once (UpdateFirmware, GetDiagnostics, GetLog). */
const noNetwork: HttpClient = {
  get(): Promise<HttpResult> {
    return Promise.reject(new HttpError("network", "fuzz: no network"));
  },
  put(): Promise<HttpResult> {
    return Promise.reject(new HttpError("network", "fuzz: no network"));
  },
};

/** Counts log lines; keeps the last few errors for a report. */
class CountingLog implements LogSink {
  readonly counts: Record<LogLevel, number> = { debug: 0, info: 0, warn: 0, error: 0 };
  lastErrors: string[] = [];
  write(level: LogLevel, tag: string, message: string): void {
    this.counts[level]++;
    if (level === "error") {
      if (this.lastErrors.length >= 8) this.lastErrors.shift();
      this.lastErrors.push(`[${tag}] ${message.slice(0, 200)}`);
    }
  }
}

const flashes = new Map<string, FlashPartition>([
  ["journal", new SimFlash(4096, 16)],
  ["ocpplog", new SimFlash(4096, 4)], // smaller than the board's: GetDiagnostics and GetLog export it all
  ["authlist", new SimFlash(4096, 16)],
  ["seclog", new SimFlash(4096, 4)],
]);
const socketFactory = new FakeWebSocketFactory();
const log = new CountingLog();
let randomState = 0x12345678;
/** Timer callbacks run in one time step; far more than any charger needs means a timer loop. */
let firedInStep = 0;
const TIMER_LOOP_LIMIT = 20000;

function guarded(callback: () => void, delayMs: number): () => void {
  return () => {
    if (++firedInStep > TIMER_LOOP_LIMIT) {
      const at = firedInStep === TIMER_LOOP_LIMIT + 1 ? String(new Error("scheduled").stack) : "";
      throw new Error(`timer loop: over ${TIMER_LOOP_LIMIT} timers fired in one time step (delay ${delayMs} ms) ${at.slice(0, 600)}`);
    }
    callback();
  };
}

/** The virtual timers with a guard against timer loops (a timer re-armed at 0 ms forever). */
const timers: Timers = {
  once: (callback, delayMs) => base.time.once(guarded(callback, delayMs), delayMs),
  every: (callback, periodMs) => base.time.every(guarded(callback, periodMs), periodMs),
  clear: (handle) => base.time.clear(handle),
};

/** When true the fake CSMS answers nothing (a test of what waits behind an unanswered CALL). */
let silent = false;

const platform: Platform = {
  ...base,
  timers,
  kv: new MemoryKeyValueStore(),
  openFlash(partition: string): FlashPartition {
    const flash = flashes.get(partition);
    if (!flash) throw new Error(`no partition ${partition}`);
    return flash;
  },
  websocket: socketFactory,
  log,
  http: noNetwork,
  firmwareSlot: new SimFirmwareSlot({ capacity: 256 * 1024 }),
  randomBytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      randomState = (Math.imul(randomState, 1103515245) + 12345) >>> 0;
      bytes[i] = randomState >>> 24;
    }
    return bytes;
  },
};

let firmware: RunningFirmware | undefined;

function running(): RunningFirmware {
  if (!firmware) throw new Error("firmware not booted");
  return firmware;
}

/** Runs queued socket work (bounded: a reply may queue another). */
function pump(): void {
  for (let rounds = 0; pending.length > 0 && rounds < 1000; rounds++) {
    const work = pending.splice(0, pending.length);
    for (const fn of work) fn();
  }
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

base.expose("boot", () => {
  firmware = bootFirmware({
    platform,
    board: sim.board,
    defaults: { deviceId: "FUZZ01", csmsUrlTemplate: "ws://127.0.0.1:9/ocpp/{deviceId}", loopPeriodMs: 100 },
  });
  pump();
  // The charge point starts once the loop has sensed the board (the debounce and a tick): let virtual time run.
  for (let i = 0; i < 20 && !running().chargePoint.engine.online; i++) {
    base.time.advance(100);
    pump();
  }
  return running().chargePoint.engine.online;
});

/** The CSMS actions the booted charge point has a handler for. */
base.expose("actions", (names: unknown) =>
  (Array.isArray(names) ? names : []).filter((n) => running().chargePoint.engine.hasAction(String(n))),
);

base.expose("state", () => {
  const fw = running();
  return {
    online: fw.chargePoint.engine.online,
    accepted: fw.chargePoint.engine.accepted,
    opens,
    closes,
    cpCalls,
    log: log.counts,
    lastErrors: log.lastErrors,
  };
});

interface WireFrame {
  kind: string;
  data: string;
  /** Big frames: data + unit repeated count times + tail, built here (cheap to bridge). */
  repeat?: { unit: string; count: number; tail: string };
}

function textOf(frame: WireFrame): string {
  if (frame.kind === "bytes") return decodeUtf8(hexBytes(frame.data));
  const r = frame.repeat;
  return r ? frame.data + r.unit.repeat(r.count) + r.tail : frame.data;
}

let loaded: WireFrame[] = [];

/** Takes the next batch over the bridge (its decoding is metered here, not in `feed`). */
base.expose("load", (frames: unknown) => {
  loaded = Array.isArray(frames) ? (frames as WireFrame[]) : [];
  return loaded.length;
});

/** Exceptions that escaped the firmware since the last drain, by frame index (-1: timers). */
let crashes: Array<{ index: number; error: string }> = [];
/** Microtask turns between two frames: on the board, promise jobs run before the next socket event. */
const TURNS_BETWEEN_FRAMES = 8;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function deliver(frame: WireFrame, index: number): void {
  try {
    pump();
    const socket = socketFactory.current;
    if (!socket || !socket.open || socket.closed) return;
    if (frame.kind === "binary") return;
    socket.events.onText(textOf(frame));
  } catch (error) {
    crashes.push({ index, error: describe(error) });
  }
}

async function run(list: WireFrame[], advanceMs: number): Promise<void> {
  for (let i = 0; i < list.length; i++) {
    deliver(list[i], i);
    for (let turn = 0; turn < TURNS_BETWEEN_FRAMES; turn++) await undefined;
  }
  try {
    pump();
    firedInStep = 0;
    if (advanceMs > 0) base.time.advance(advanceMs);
    pump();
  } catch (error) {
    crashes.push({ index: -1, error: describe(error) });
  }
}

/**
 * Feeds the loaded frames as the board's WebSocket would hand them over
 * (text, or bytes decoded as UTF-8 with U+FFFD for invalid sequences; binary
 * messages dropped: OCPP-J is text only), one per event-loop turn, then moves
 * time `advanceMs`. xsnap runs the promise jobs before it answers the
 * command, so all of it is done (and metered) when `feed` returns; `drain`
 * collects the outcome.
 */
base.expose("feed", (advanceMs: unknown) => {
  running();
  const list = loaded;
  loaded = [];
  run(list, Number(advanceMs)).catch((error: unknown) => crashes.push({ index: -1, error: describe(error) }));
  return list.length;
});

/** What the charge point answered since the last drain (promise jobs ran in between). */
base.expose("drain", () => {
  let error: string | undefined;
  try {
    pump();
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const out = answers;
  answers = [];
  const escaped = crashes;
  crashes = [];
  return { answers: out, crashes: escaped, error: error ?? null, online: running().chargePoint.engine.online, closes };
});

base.expose("silence", (on: unknown) => {
  silent = on === true;
  return silent;
});

base.expose("gc", () => {
  if (xsGlobals.gc) xsGlobals.gc();
  return typeof xsGlobals.gc === "function";
});
