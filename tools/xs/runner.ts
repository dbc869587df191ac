/**
 * Runs a firmware entry on the real XS engine (@agoric/xsnap) and bridges
 * what it needs from outside: flash partitions (SimFlash, so tests can cut
 * power), the key-value store, WebSocket connections (real sockets via
 * `ws`) and the log. Time on the XS side is virtual: `advance` moves it
 * deterministically, `runRealTime` follows the wall clock.
 *
 * Every command returns the engine's meter: `compute` (computrons) and
 * `currentHeapCount` (slots in use), deterministic figures for benchmarks.
 */
import "@endo/init";
import { xsnap } from "@agoric/xsnap";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as fsPromises from "node:fs/promises";
import os from "node:os";
import tmp from "tmp";
import type { KeyValueStore, KvValue } from "ports/kv";
import type { WebSocketConnection } from "ports/websocket";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { SimFlash } from "platform/common/sim-flash";
import { WsWebSocketFactory } from "platform/host/websocket-ws";
import { decodeWire, encodeWire, type WireHeader } from "platform/xsnap/wire";
import { bundleForXs } from "./bundle.ts";

export interface XsMeter {
  /** Computrons: XS's deterministic count of work done by the command. */
  compute: number;
  /** Heap slots in use after the command. */
  currentHeapCount: number;
}

export interface XsCallResult<T> {
  value: T;
  meter: XsMeter;
}

export interface XsMachineOptions {
  /** Entry module (path from the project root) that builds the platform and exposes functions. */
  entry: string;
  /** Flash partitions by name; default: the board's journal/ocpplog/authlist (16 x 4 KiB) and seclog (4 x 4 KiB). */
  flash?: Map<string, SimFlash>;
  kv?: KeyValueStore;
  /** Computron limit per command (xsnap aborts beyond it); default 1e9. */
  meteringLimit?: number;
  /** Print XS `print`/`trace` output to the parent's stdout. */
  showOutput?: boolean;
}

type Worker = Awaited<ReturnType<typeof xsnap>>;

interface RawMeter {
  compute: number | null;
  currentHeapCount: number | null;
}

function toMeter(raw: RawMeter): XsMeter {
  return { compute: raw.compute ?? 0, currentHeapCount: raw.currentHeapCount ?? 0 };
}

function defaultFlash(): Map<string, SimFlash> {
  return new Map([
    ["journal", new SimFlash(4096, 16)],
    ["ocpplog", new SimFlash(4096, 16)],
    ["authlist", new SimFlash(4096, 16)],
    ["seclog", new SimFlash(4096, 4)],
  ]);
}

export class XsMachine {
  readonly flash: Map<string, SimFlash>;
  readonly kv: KeyValueStore;
  /** Log lines the firmware wrote, "level [tag] message". */
  readonly logs: string[] = [];
  /** Meter of the boot (evaluating the bundle). */
  bootMeter: XsMeter = { compute: 0, currentHeapCount: 0 };

  #worker: Worker | undefined;
  #nowMs = 0;
  #sockets = new Map<number, WebSocketConnection>();
  #pendingEvents: WireHeader[] = [];
  #flushScheduled = false;
  #realTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(flash: Map<string, SimFlash>, kv: KeyValueStore) {
    this.flash = flash;
    this.kv = kv;
  }

  /** Bundles the entry, starts an XS worker and evaluates the bundle. */
  static async start(options: XsMachineOptions): Promise<XsMachine> {
    const machine = new XsMachine(options.flash ?? defaultFlash(), options.kv ?? new MemoryKeyValueStore());
    const code = await bundleForXs(options.entry);
    machine.#worker = await xsnap({
      os: os.type(),
      spawn,
      fs: { ...fsPromises, ...fs, tmpName: tmp.tmpName },
      name: "firmware",
      stdout: options.showOutput ? "inherit" : "ignore",
      stderr: "inherit",
      meteringLimit: options.meteringLimit ?? 1e9,
      handleCommand: async (request: Uint8Array) => machine.#handle(request),
    });
    const result = await machine.#worker.evaluate(code);
    machine.bootMeter = toMeter(result.meterUsage);
    return machine;
  }

  /** Virtual monotonic time on the XS side, in ms. */
  get nowMs(): number {
    return this.#nowMs;
  }

  /** Calls a function the entry exposed; returns its JSON result and the meter. */
  async call<T = unknown>(name: string, ...args: unknown[]): Promise<XsCallResult<T>> {
    const result = await this.#command({ op: "call", name, args });
    return { value: result.header.value as T, meter: result.meter };
  }

  /** Moves XS time forward by `deltaMs`, firing its timers; returns the meter. */
  async advance(deltaMs: number): Promise<XsMeter> {
    this.#nowMs += deltaMs;
    return (await this.#command({ op: "time", nowMs: this.#nowMs })).meter;
  }

  /** Follows the wall clock: sends the time every `periodMs` until stopped. */
  runRealTime(periodMs = 10): void {
    this.stopRealTime();
    let last = performance.now();
    this.#realTimer = setInterval(() => {
      const now = performance.now();
      const delta = now - last;
      last = now;
      this.advance(delta).catch(() => this.stopRealTime());
    }, periodMs);
  }

  stopRealTime(): void {
    if (this.#realTimer) clearInterval(this.#realTimer);
    this.#realTimer = undefined;
  }

  /** Ends the worker and closes bridged sockets. */
  async close(): Promise<void> {
    this.#closed = true;
    this.stopRealTime();
    for (const socket of this.#sockets.values()) socket.close();
    this.#sockets.clear();
    if (this.#worker) await this.#worker.close().catch(() => undefined);
    this.#worker = undefined;
  }

  async #command(header: WireHeader): Promise<{ header: WireHeader; meter: XsMeter }> {
    if (!this.#worker) throw new Error("XS machine is not running");
    const result = await this.#worker.issueCommand(encodeWire(header));
    const reply = decodeWire(result.reply);
    if (reply.header.op === "error") {
      const error = new Error(`XS: ${String(reply.header.message)}`);
      error.name = String(reply.header.name);
      throw error;
    }
    return { header: reply.header, meter: toMeter(result.meterUsage) };
  }

  /** Socket events arrive while XS may be busy: queue them for after the current command. */
  #pushEvent(event: WireHeader): void {
    this.#pendingEvents.push(event);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const events = this.#pendingEvents.splice(0);
      for (const pending of events) {
        if (!this.#closed) this.#command(pending).catch(() => undefined);
      }
    });
  }

  /** Answers one synchronous request from the XS side. */
  #handle(request: Uint8Array): Uint8Array {
    try {
      const { header, payload } = decodeWire(request);
      const answer = this.#dispatch(header, payload);
      return encodeWire(answer.header, answer.payload);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      return encodeWire({ op: "error", name: failure.name, message: failure.message });
    }
  }

  #flashPartition(header: WireHeader): SimFlash {
    const flash = this.flash.get(String(header.partition));
    if (!flash) throw new Error(`no flash partition "${String(header.partition)}"`);
    return flash;
  }

  #dispatch(header: WireHeader, payload: Uint8Array): { header: WireHeader; payload?: Uint8Array } {
    const ok: WireHeader = { op: "ok" };
    switch (header.op) {
      case "flash.info": {
        const flash = this.#flashPartition(header);
        return { header: { op: "ok", sectorSize: flash.sectorSize, byteLength: flash.byteLength } };
      }
      case "flash.read": {
        const into = new Uint8Array(Number(header.length));
        this.#flashPartition(header).read(Number(header.offset), into);
        return { header: ok, payload: into };
      }
      case "flash.write":
        this.#flashPartition(header).write(Number(header.offset), payload);
        return { header: ok };
      case "flash.erase":
        this.#flashPartition(header).erase(Number(header.sector));
        return { header: ok };
      case "kv.get": {
        const value = this.kv.get(String(header.namespace), String(header.key));
        if (value instanceof ArrayBuffer) return { header: { op: "ok", kind: "bytes" }, payload: new Uint8Array(value) };
        return { header: { op: "ok", kind: "value", value } };
      }
      case "kv.set": {
        const value: KvValue = header.kind === "bytes" ? payload.slice().buffer : (header.value as KvValue);
        this.kv.set(String(header.namespace), String(header.key), value);
        return { header: ok };
      }
      case "kv.delete":
        this.kv.delete(String(header.namespace), String(header.key));
        return { header: ok };
      case "kv.keys":
        return { header: { op: "ok", keys: this.kv.keys(String(header.namespace)) } };
      case "log":
        this.logs.push(`${String(header.level)} [${String(header.tag)}] ${String(header.message)}`);
        return { header: ok };
      case "ws.connect":
        this.#connect(header);
        return { header: ok };
      case "ws.send": {
        const socket = this.#sockets.get(Number(header.id));
        return { header: { op: "ok", sent: socket ? socket.sendText(String(header.text)) : false } };
      }
      case "ws.ping":
        this.#sockets.get(Number(header.id))?.ping();
        return { header: ok };
      case "ws.close":
        this.#sockets.get(Number(header.id))?.close(Number(header.code), String(header.reason));
        return { header: ok };
      default:
        throw new Error(`unknown request ${header.op}`);
    }
  }

  #connect(header: WireHeader): void {
    const id = Number(header.id);
    const push = (event: Record<string, unknown>): void => this.#pushEvent({ op: "ws.event", id, ...event });
    const socket = new WsWebSocketFactory().connect(
      {
        url: String(header.url),
        protocols: header.protocols as string[],
        headers: header.headers as Record<string, string>,
      },
      {
        onOpen: (protocol) => push({ event: "open", protocol }),
        onText: (text) => push({ event: "text", text }),
        onPong: () => push({ event: "pong" }),
        onError: (message) => push({ event: "error", message }),
        onRefused: (httpStatus) => push({ event: "refused", httpStatus }),
        onClose: (code, reason) => {
          this.#sockets.delete(id);
          push({ event: "close", code, reason });
        },
      },
    );
    this.#sockets.set(id, socket);
  }
}
