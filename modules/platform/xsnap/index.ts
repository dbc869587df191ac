/**
 * The xsnap platform: the firmware core on the real XS engine in a Node
 * child process (tests and benchmarks). Flash, key-value store, WebSocket
 * and log are bridged to the Node parent over xsnap's synchronous
 * `issueCommand`; time is virtual and moved by the parent, since xsnap has
 * no timers of its own. The parent side is tools/xs/runner.ts.
 */
import type { FlashPartition } from "ports/flash";
import { checkKvWrite, type KeyValueStore, type KvValue } from "ports/kv";
import type { LogLevel, LogSink } from "ports/log";
import type { Platform } from "ports/platform";
import type { WebSocketConnectOptions, WebSocketConnection, WebSocketEvents, WebSocketFactory } from "ports/websocket";
import { OffsetClock } from "platform/common/offset-clock";
import { PowerCutError } from "platform/common/sim-flash";
import { TimersLoopDriver, VirtualTime } from "platform/common/virtual-timers";
import { decodeWire, encodeWire, type WireHeader, type WireMessage } from "platform/xsnap/wire";

interface XsnapGlobals {
  issueCommand(request: ArrayBuffer): ArrayBuffer;
  handleCommand?: (request: ArrayBuffer) => ArrayBuffer;
}

const xsnapGlobals = globalThis as unknown as XsnapGlobals;

/** Thrown when the parent reports an error for a bridged call. */
export class BridgeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    Object.defineProperty(this, "name", { value: name, writable: true, configurable: true });
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** One synchronous request to the Node parent. */
function askParent(header: WireHeader, payload?: Uint8Array): WireMessage {
  const reply = decodeWire(new Uint8Array(xsnapGlobals.issueCommand(toArrayBuffer(encodeWire(header, payload)))));
  if (reply.header.op === "error") {
    const name = String(reply.header.name);
    const message = String(reply.header.message);
    if (name === "PowerCutError") throw new PowerCutError();
    throw new BridgeError(name, message);
  }
  return reply;
}

class BridgedFlash implements FlashPartition {
  readonly sectorSize: number;
  readonly byteLength: number;
  #partition: string;

  constructor(partition: string) {
    const info = askParent({ op: "flash.info", partition }).header;
    this.#partition = partition;
    this.sectorSize = Number(info.sectorSize);
    this.byteLength = Number(info.byteLength);
  }
  erase(sector: number): void {
    askParent({ op: "flash.erase", partition: this.#partition, sector });
  }
  read(offset: number, into: Uint8Array): void {
    into.set(askParent({ op: "flash.read", partition: this.#partition, offset, length: into.length }).payload);
  }
  write(offset: number, bytes: Uint8Array): void {
    askParent({ op: "flash.write", partition: this.#partition, offset }, bytes);
  }
}

class BridgedKeyValueStore implements KeyValueStore {
  get(namespace: string, key: string): KvValue | undefined {
    const reply = askParent({ op: "kv.get", namespace, key });
    if (reply.header.kind === "bytes") return toArrayBuffer(reply.payload);
    return reply.header.value as KvValue | undefined;
  }
  set(namespace: string, key: string, value: KvValue): void {
    checkKvWrite(namespace, key, value); // the board's rules, checked on this side too
    if (value instanceof ArrayBuffer) askParent({ op: "kv.set", namespace, key, kind: "bytes" }, new Uint8Array(value));
    else askParent({ op: "kv.set", namespace, key, kind: "value", value });
  }
  delete(namespace: string, key: string): void {
    askParent({ op: "kv.delete", namespace, key });
  }
  keys(namespace: string): string[] {
    return askParent({ op: "kv.keys", namespace }).header.keys as string[];
  }
}

class BridgedLogSink implements LogSink {
  write(level: LogLevel, tag: string, message: string): void {
    askParent({ op: "log", level, tag, message });
  }
}

class BridgedWebSocketFactory implements WebSocketFactory {
  readonly #open = new Map<number, WebSocketEvents>();
  #nextId = 1;

  connect(options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection {
    const id = this.#nextId++;
    this.#open.set(id, events);
    askParent({ op: "ws.connect", id, url: options.url, protocols: options.protocols, headers: options.headers });
    return {
      sendText: (text: string): boolean => askParent({ op: "ws.send", id, text }).header.sent === true,
      ping: (): void => {
        askParent({ op: "ws.ping", id });
      },
      close: (code?: number, reason?: string): void => {
        askParent({ op: "ws.close", id, code: code ?? 1000, reason: reason ?? "" });
      },
    };
  }

  /** Delivers an event the parent pushed. */
  deliver(header: WireHeader): void {
    const id = Number(header.id);
    const events = this.#open.get(id);
    if (!events) return;
    switch (header.event) {
      case "open":
        events.onOpen(String(header.protocol));
        break;
      case "text":
        events.onText(String(header.text));
        break;
      case "pong":
        events.onPong();
        break;
      case "error":
        events.onError(String(header.message));
        break;
      case "refused":
        if (events.onRefused) events.onRefused(Number(header.httpStatus));
        break;
      case "close":
        this.#open.delete(id);
        events.onClose(Number(header.code), String(header.reason));
        break;
    }
  }
}

/** A function the Node parent may call by name; its result must be JSON. */
export type HostCallable = (...args: unknown[]) => unknown;

export interface XsnapPlatform extends Platform {
  readonly time: VirtualTime;
  /** Registers a function the parent can call with `XsMachine.call(name, ...args)`. */
  expose(name: string, fn: HostCallable): void;
}

/** Builds the platform and installs the handler for the parent's commands. */
export function createXsnapPlatform(): XsnapPlatform {
  const time = new VirtualTime(0);
  const clock = new OffsetClock(() => time.nowMs(), 0, false);
  const websocket = new BridgedWebSocketFactory();
  const callables = new Map<string, HostCallable>();
  const flashes = new Map<string, FlashPartition>();

  xsnapGlobals.handleCommand = (request: ArrayBuffer): ArrayBuffer => {
    let reply: WireHeader;
    try {
      const { header } = decodeWire(new Uint8Array(request));
      if (header.op === "time") {
        time.advanceTo(Number(header.nowMs));
        reply = { op: "ok" };
      } else if (header.op === "ws.event") {
        websocket.deliver(header);
        reply = { op: "ok" };
      } else if (header.op === "call") {
        const fn = callables.get(String(header.name));
        if (!fn) throw new Error(`no exposed function "${String(header.name)}"`);
        const args = Array.isArray(header.args) ? (header.args as unknown[]) : [];
        reply = { op: "ok", value: fn(...args) };
      } else throw new Error(`unknown command ${header.op}`);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      reply = { op: "error", name: failure.name, message: failure.message };
    }
    return toArrayBuffer(encodeWire(reply));
  };

  return {
    time,
    clock,
    timers: time,
    loopDriver: new TimersLoopDriver(time, () => time.nowMs()),
    kv: new BridgedKeyValueStore(),
    openFlash(partition: string): FlashPartition {
      let flash = flashes.get(partition);
      if (!flash) {
        flash = new BridgedFlash(partition);
        flashes.set(partition, flash);
      }
      return flash;
    },
    websocket,
    log: new BridgedLogSink(),
    expose(name: string, fn: HostCallable): void {
      callables.set(name, fn);
    },
  };
}
