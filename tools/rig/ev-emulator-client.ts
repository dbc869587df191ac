// The host's side of the EV emulator's line protocol (docs/hil-bench.md; the wire types are
// tools/ev-emulator/protocol.ts): typed commands over any byte stream, a TCP socket to the lin
// build or a serial port (`serialport`'s SerialPort is a Duplex; the rig opens it and hands it in).
// One command at a time is not required: replies are matched by id. Lines that are not the
// protocol's (boot noise on a serial line) are counted and skipped.
import type { Duplex } from "node:stream";
import type { CableRatingA, EvFaultKind, EvState } from "../ev-emulator/ev-network.ts";
import type { SimChargerSettings } from "../ev-emulator/ports.ts";
import {
  EV_EMULATOR_APP,
  EV_LINK_VERSION,
  type EvCommandName,
  type EvLinkMessage,
  type EvReading,
  type EvStatus,
  type HelloMessage,
  type SimResult,
} from "../ev-emulator/protocol.ts";

export type { EvReading, EvStatus, HelloMessage, SimResult } from "../ev-emulator/protocol.ts";

export class EvEmulatorError extends Error {
  override name = "EvEmulatorError";
}

export interface EvEmulatorClientOptions {
  /** How long a command may wait for its reply (ms); default 5000. */
  commandTimeoutMs?: number;
  /** How long `connect` waits for the emulator's own hello before asking for one (ms); default 500. */
  helloWaitMs?: number;
}

type WireCommand = { cmd: EvCommandName } & Record<string, unknown>;

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class EvEmulatorClient {
  /** The emulator's hello (version, simulated line or board). */
  hello!: HelloMessage;
  /** Lines that were not the protocol's. */
  skippedLines = 0;
  readonly #stream: Duplex;
  readonly #commandTimeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  readonly #readingListeners = new Set<(reading: EvReading) => void>();
  readonly #errorListeners = new Set<(error: string) => void>();
  readonly #helloListeners = new Set<(hello: HelloMessage) => void>();
  #nextId = 1;
  #text = "";
  #closed: string | undefined;
  readonly #onData = (chunk: Buffer | string): void => this.#receive(chunk.toString());
  readonly #onEnd = (): void => this.#fail("the EV emulator's link closed");
  readonly #onError = (error: Error): void => this.#fail(`the EV emulator's link failed: ${error.message}`);

  private constructor(stream: Duplex, options: EvEmulatorClientOptions) {
    this.#stream = stream;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    stream.on("data", this.#onData);
    stream.on("close", this.#onEnd);
    stream.on("end", this.#onEnd);
    stream.on("error", this.#onError);
  }

  /**
   * Speaks the protocol over `stream`: waits for the emulator's hello (sent when it connects or
   * boots) and asks for one when none comes (a serial port opened after the board's boot).
   * Rejects when the peer is not an EV emulator of protocol version 1.
   */
  static async connect(stream: Duplex, options: EvEmulatorClientOptions = {}): Promise<EvEmulatorClient> {
    const client = new EvEmulatorClient(stream, options);
    try {
      const hello = await new Promise<HelloMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          client.#helloListeners.delete(resolve);
          client.#call<HelloMessage>({ cmd: "hello" }).then(resolve, reject);
        }, options.helloWaitMs ?? 500);
        client.#helloListeners.add((h) => {
          clearTimeout(timer);
          resolve(h);
        });
      });
      if (hello.app !== EV_EMULATOR_APP || hello.v !== EV_LINK_VERSION)
        throw new EvEmulatorError(`not an EV emulator of protocol ${EV_LINK_VERSION}: ${JSON.stringify(hello)}`);
      client.hello = hello;
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  ping(): Promise<"pong"> {
    return this.#call({ cmd: "ping" });
  }

  status(): Promise<EvStatus> {
    return this.#call({ cmd: "status" });
  }

  /** Plugs in (state B); already plugged: no change. */
  plug(): Promise<EvStatus> {
    return this.#call({ cmd: "plug" });
  }

  /** Unplugs (state A). */
  unplug(): Promise<EvStatus> {
    return this.#call({ cmd: "unplug" });
  }

  /** A: unplugged; B: plugged, not ready; C: ready; D: ready, ventilation. */
  setState(state: EvState): Promise<EvStatus> {
    return this.#call({ cmd: "state", state });
  }

  /** Switches a fault in or out: the diode shorted, CP shorted to PE (state E), PE broken. */
  fault(kind: EvFaultKind, active: boolean): Promise<EvStatus> {
    return this.#call({ cmd: "fault", kind, active });
  }

  /** The proximity resistor for a cable rating; null: none. */
  cable(ratingA: CableRatingA | null): Promise<EvStatus> {
    return this.#call({ cmd: "cable", ratingA });
  }

  /** Reading events at least every `periodMs`; 0: only when a reading says something new. */
  report(periodMs: number): Promise<EvStatus> {
    return this.#call({ cmd: "report", periodMs });
  }

  /** A reading from a capture taken after this call. */
  readings(): Promise<EvReading> {
    return this.#call({ cmd: "readings" });
  }

  /** Sets the charger model of a simulated line (lin build, host); a board refuses. */
  simCharger(settings: Partial<SimChargerSettings>): Promise<SimResult> {
    return this.#call({ cmd: "sim", ...settings });
  }

  /** Calls `listener` with every reading event; returns the function that stops it. */
  onReading(listener: (reading: EvReading) => void): () => void {
    this.#readingListeners.add(listener);
    return () => this.#readingListeners.delete(listener);
  }

  /** Error lines from the emulator (a line it could not read). */
  onError(listener: (error: string) => void): () => void {
    this.#errorListeners.add(listener);
    return () => this.#errorListeners.delete(listener);
  }

  /** The first reading event (from now) that `accept` takes. */
  waitForReading(accept: (reading: EvReading) => boolean, timeoutMs = 10_000): Promise<EvReading> {
    return new Promise((resolve, reject) => {
      let last: EvReading | undefined;
      const stop = this.onReading((reading) => {
        last = reading;
        if (!accept(reading)) return;
        clearTimeout(timer);
        stop();
        resolve(reading);
      });
      const timer = setTimeout(() => {
        stop();
        reject(new EvEmulatorError(`no such reading within ${timeoutMs} ms; the last one: ${JSON.stringify(last ?? null)}`));
      }, timeoutMs);
    });
  }

  /** Stops listening, fails what is pending and ends the stream. */
  close(): void {
    this.#fail("the client was closed");
    this.#stream.end();
  }

  #call<T>(command: WireCommand): Promise<T> {
    if (this.#closed !== undefined) return Promise.reject(new EvEmulatorError(this.#closed));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new EvEmulatorError(`${command.cmd}: no reply within ${this.#commandTimeoutMs} ms`));
      }, this.#commandTimeoutMs);
      this.#pending.set(id, { resolve: (result) => resolve(result as T), reject, timer });
      this.#stream.write(`${JSON.stringify({ ...command, id, v: EV_LINK_VERSION })}\n`);
    });
  }

  #receive(text: string): void {
    this.#text += text;
    let at: number;
    while ((at = this.#text.indexOf("\n")) >= 0) {
      const line = this.#text.slice(0, at).replace(/\r$/, "");
      this.#text = this.#text.slice(at + 1);
      if (line.trim().length > 0) this.#line(line);
    }
  }

  #line(line: string): void {
    let message: EvLinkMessage;
    try {
      message = JSON.parse(line) as EvLinkMessage;
    } catch {
      this.skippedLines++;
      return;
    }
    if (typeof message !== "object" || message === null) {
      this.skippedLines++;
      return;
    }
    switch (message.t) {
      case "hello":
        for (const listener of [...this.#helloListeners]) listener(message);
        this.#helloListeners.clear();
        return;
      case "reading":
        for (const listener of [...this.#readingListeners]) listener(message.reading);
        return;
      case "error":
        for (const listener of [...this.#errorListeners]) listener(message.error);
        return;
      case "reply": {
        const pending = typeof message.id === "number" ? this.#pending.get(message.id) : undefined;
        if (!pending || typeof message.id !== "number") return;
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new EvEmulatorError(message.error));
        return;
      }
      default:
        this.skippedLines++;
    }
  }

  #fail(why: string): void {
    if (this.#closed !== undefined) return;
    this.#closed = why;
    this.#stream.off("data", this.#onData);
    this.#stream.off("close", this.#onEnd);
    this.#stream.off("end", this.#onEnd);
    // The error listener stays: a stream error after close must not become an unhandled 'error' event.
    for (const [, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new EvEmulatorError(why));
    }
    this.#pending.clear();
    this.#helloListeners.clear();
  }
}
