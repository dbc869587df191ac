// The host's end of the firmware's bench link (docs/bench-link.md), whatever carries it: the
// lin charger's accepted TCP socket, a rig's TCP connection or serial port. One wire at a time:
// the owner attaches each new one and feeds it what it reads. The client splits lines, checks
// the version in the hello, keeps the last state, hands frames on, and matches replies to
// commands. Lines that are not JSON are the board's console (a serial line carries both).
import type { LogSink } from "ports/log";
import { BenchTargetError, type BenchFrame } from "../bench-api/target.ts";
import { BENCH_LINK_VERSION, type LinkHello, type LinkLine, type LinkState } from "./protocol.ts";

/** Where the client writes; the owner closes the transport. */
export interface LinkWire {
  write(text: string): void;
  close(): void;
}

export interface BenchLinkClientOptions {
  log: LogSink;
  /** Tag of the client's log lines ("lin", "rig"). */
  tag: string;
  /** The firmware said hello on a wire (after a boot, or when asked): a (re)start of its link. */
  onHello(hello: LinkHello): void;
  /** A state line arrived. */
  onState(state: LinkState): void;
  onFrame(direction: BenchFrame["direction"], text: string): void;
  /** Ask for the hello and the state on each new wire (a serial line gives no connect; default false). */
  askOnAttach?: boolean;
  /** Wait for a command's reply, ms (default 10000). */
  commandTimeoutMs?: number;
}

/** A line longer than this is not the firmware's (a console burst, noise): dropped. */
const MAX_HOST_LINE = 1024 * 1024;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  hello: boolean;
}

export class BenchLinkClient {
  readonly #options: BenchLinkClientOptions;
  readonly #pending = new Map<number, Pending>();
  #wire: LinkWire | undefined;
  #text = "";
  #state: LinkState | undefined;
  #hello: LinkHello | undefined;
  #helloOnWire = false;
  #nextId = 1;

  constructor(options: BenchLinkClientOptions) {
    this.#options = options;
  }

  /** A wire is attached and its firmware said hello on it. */
  get linked(): boolean {
    return this.#wire !== undefined && this.#helloOnWire;
  }

  /** The last hello (kept after the wire went: what the board said it is). */
  get hello(): LinkHello | undefined {
    return this.#hello;
  }

  /** The last state of the attached wire; undefined without one. */
  get state(): LinkState | undefined {
    return this.#wire ? this.#state : undefined;
  }

  /** Uses `wire` from now on (the previous one is closed); feed it with `receive`. */
  attach(wire: LinkWire): void {
    this.detach("replaced by a new connection");
    this.#wire = wire;
    this.#text = "";
    this.#helloOnWire = false;
    if (this.#options.askOnAttach) {
      this.#ask({ cmd: "hello" }, true).catch(() => undefined); // the hello line or a later ask says more
      this.command({ cmd: "state" }).catch(() => undefined);
    }
  }

  /** Bytes read from `wire` (ignored when it is no longer the attached one). */
  receive(wire: LinkWire, chunk: Buffer | string): void {
    if (wire !== this.#wire) return;
    this.#text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    let at: number;
    while ((at = this.#text.indexOf("\n")) >= 0) {
      const line = this.#text.slice(0, at).replace(/\r$/, "");
      this.#text = this.#text.slice(at + 1);
      if (line.trim().length > 0) this.#line(line);
      if (wire !== this.#wire) return;
    }
    if (this.#text.length > MAX_HOST_LINE) {
      this.#options.log.write("warn", this.#options.tag, `bench link: dropped ${this.#text.length} bytes without a newline`);
      this.#text = "";
    }
  }

  /** The attached wire (or `wire`, when given and attached) is gone: its commands fail. */
  detach(why: string, wire?: LinkWire): void {
    if (!this.#wire || (wire !== undefined && wire !== this.#wire)) return;
    const old = this.#wire;
    this.#wire = undefined;
    this.#helloOnWire = false;
    this.#state = undefined;
    old.close();
    for (const [, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new BenchTargetError(`the charger went away before answering (${why})`));
    }
    this.#pending.clear();
  }

  /** Sends one command; resolves with its result, rejects (BenchTargetError) with the firmware's refusal. */
  command(command: Record<string, unknown>): Promise<unknown> {
    return this.#ask(command, false);
  }

  #ask(command: Record<string, unknown>, hello: boolean): Promise<unknown> {
    const wire = this.#wire;
    if (!wire) return Promise.reject(new BenchTargetError("the charger's bench link is not connected"));
    const id = this.#nextId++;
    const timeoutMs = this.#options.commandTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BenchTargetError(`the firmware did not answer '${String(command.cmd)}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer, hello });
      wire.write(`${JSON.stringify({ v: BENCH_LINK_VERSION, id, ...command })}\n`);
    });
  }

  #line(line: string): void {
    const { log, tag } = this.#options;
    let message: LinkLine;
    try {
      message = JSON.parse(line) as LinkLine;
    } catch {
      log.write("info", tag, `board: ${line.slice(0, 500)}`); // the board's console on a shared serial line
      return;
    }
    if (typeof message !== "object" || message === null) {
      log.write("warn", tag, `bench link: not an object: ${line.slice(0, 200)}`);
      return;
    }
    switch (message.t) {
      case "hello":
        this.#helloLine(message);
        return;
      case "state":
        if (message.state && Array.isArray(message.state.connectors)) {
          this.#state = message.state;
          this.#options.onState(message.state);
        }
        return;
      case "frame":
        if ((message.direction === "cp-to-csms" || message.direction === "csms-to-cp") && typeof message.text === "string")
          this.#options.onFrame(message.direction, message.text);
        return;
      case "reply": {
        const pending = typeof message.id === "number" ? this.#pending.get(message.id) : undefined;
        if (!pending) return;
        this.#pending.delete(message.id as number);
        clearTimeout(pending.timer);
        if (!message.ok) pending.reject(new BenchTargetError(message.error ?? "refused"));
        else {
          const result = message.result as LinkLine | undefined;
          // The answer to our hello counts as one only on a wire that has not said hello yet.
          if (pending.hello && !this.#helloOnWire && result && result.t === "hello") this.#helloLine(result);
          pending.resolve(message.result);
        }
        return;
      }
      case "error":
        log.write("warn", tag, `bench link error: ${message.error ?? "?"}`);
        return;
      default:
        log.write("warn", tag, `bench link: unknown line ${line.slice(0, 200)}`);
    }
  }

  #helloLine(message: LinkLine): void {
    const { log, tag } = this.#options;
    if (message.v !== BENCH_LINK_VERSION) {
      log.write("error", tag, `bench link version ${String(message.v)}; this host speaks ${BENCH_LINK_VERSION}`);
      this.detach("unsupported bench link version");
      return;
    }
    const hello: LinkHello = {
      t: "hello",
      v: message.v,
      firmwareVersion: typeof message.firmwareVersion === "string" ? message.firmwareVersion : "",
      deviceId: typeof message.deviceId === "string" ? message.deviceId : "",
      connectors: typeof message.connectors === "number" ? message.connectors : 1,
      simulated: message.simulated === true,
    };
    this.#hello = hello;
    this.#helloOnWire = true;
    this.#options.onHello(hello);
  }
}
