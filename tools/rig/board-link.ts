// A rig's connection to its board's bench link: a serial port (the board's UART) or a TCP port
// (a lin firmware listening on its own), opened again after every loss, as a board comes back
// from a reset (its USB serial re-enumerates) or a power cut. Each opened connection is a new
// wire for the link client.
import { createConnection, type Socket } from "node:net";
import type { LogSink } from "ports/log";
import type { LinkWire } from "../bench-link/client.ts";
import { describeRigAddress, type RigAddress } from "./address.ts";
import { npmSerialPorts, serialWire, type HostSerialPortFactory } from "./serial-port.ts";

export interface BoardLinkEvents {
  onOpen(wire: LinkWire): void;
  onData(wire: LinkWire, chunk: Buffer): void;
  onClose(wire: LinkWire, why: string): void;
}

export interface BoardLinkOptions {
  log: LogSink;
  /** Wait before opening again, ms (default 1000). */
  retryMs?: number;
  /** Serial ports (default: the npm serialport package). */
  serialPorts?: HostSerialPortFactory;
}

export class BoardLink {
  readonly address: RigAddress;
  readonly #events: BoardLinkEvents;
  readonly #options: BoardLinkOptions;
  #wire: LinkWire | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;
  #lastProblem = "";

  constructor(address: RigAddress, events: BoardLinkEvents, options: BoardLinkOptions) {
    this.address = address;
    this.#events = events;
    this.#options = options;
  }

  get connected(): boolean {
    return this.#wire !== undefined;
  }

  /** Opens the connection (and keeps opening it until close). */
  start(): void {
    void this.#open(); // #open reports failures through #failed, never rejects
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
    const wire = this.#wire;
    this.#wire = undefined;
    wire?.close();
  }

  async #open(): Promise<void> {
    this.#retry = undefined;
    if (this.#closed) return;
    try {
      if (this.address.kind === "tcp") this.#openTcp(this.address.host, this.address.port);
      else await this.#openSerial(this.address.path, this.address.baudRate);
    } catch (error) {
      this.#failed((error as Error).message);
    }
  }

  #openTcp(host: string, port: number): void {
    const socket: Socket = createConnection({ host, port });
    const wire: LinkWire = { write: (text) => void socket.write(text), close: () => socket.destroy() };
    let opened = false;
    socket.setNoDelay(true);
    socket.once("connect", () => {
      if (this.#closed) return socket.destroy();
      opened = true;
      this.#opened(wire);
    });
    socket.on("data", (chunk: Buffer) => this.#events.onData(wire, chunk));
    socket.on("error", (error) => {
      if (!opened) this.#failed(error.message);
    });
    socket.on("close", () => {
      if (opened) this.#lost(wire, "the board closed the connection");
    });
  }

  async #openSerial(path: string, baudRate: number): Promise<void> {
    const port = await (this.#options.serialPorts ?? npmSerialPorts)(path, baudRate);
    const wire = serialWire(port);
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    if (this.#closed) return wire.close();
    port.on("data", (chunk: Buffer) => this.#events.onData(wire, chunk));
    port.on("error", (error: Error) => this.#log("warn", `serial ${path}: ${error.message}`));
    port.on("close", () => this.#lost(wire, `serial ${path} closed`));
    this.#opened(wire);
  }

  #opened(wire: LinkWire): void {
    this.#wire = wire;
    if (this.#lastProblem) this.#log("info", `connected to ${describeRigAddress(this.address)}`);
    this.#lastProblem = "";
    this.#events.onOpen(wire);
  }

  #lost(wire: LinkWire, why: string): void {
    if (this.#wire !== wire) return;
    this.#wire = undefined;
    this.#events.onClose(wire, why);
    if (!this.#closed) {
      this.#log("warn", `${why}; opening ${describeRigAddress(this.address)} again`);
      this.#schedule();
    }
  }

  #failed(problem: string): void {
    if (this.#closed) return;
    // A board that is off or re-enumerating fails the same way many times: say it once.
    if (problem !== this.#lastProblem) this.#log("warn", `cannot open ${describeRigAddress(this.address)}: ${problem} (trying again)`);
    this.#lastProblem = problem;
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#retry && !this.#closed) this.#retry = setTimeout(() => void this.#open(), this.#options.retryMs ?? 1000);
  }

  #log(level: "info" | "warn", message: string): void {
    this.#options.log.write(level, "rig", message);
  }
}
