/**
 * The emulator's link over TCP (the lin build and the host tests): the
 * emulator dials the host at host:port (127.0.0.1 on lin) and dials again
 * 1 s after the connection is lost, as the firmware's bench link does
 * (docs/bench-link.md: dialling out keeps the port on the loopback
 * interface, where the SDK's lin listener would bind every interface).
 */
import type { TcpClient, TcpConnection } from "ports/tcp";
import type { TimerHandle, Timers } from "ports/timers";
import { encodeUtf8 } from "util/utf8";
import type { LineSink } from "./ports";

const RECONNECT_MS = 1000;
/** Queued output beyond which droppable lines (reading events) are dropped. */
const MAX_PENDING_BYTES = 16 * 1024;

/** The emulator as the link drives it (emulator.ts). */
export interface LinkedEmulator {
  attach(sink: LineSink | undefined): void;
  connected(): void;
  receive(bytes: Uint8Array): void;
}

export interface TcpLineLinkOptions {
  tcp: TcpClient;
  timers: Timers;
  host: string;
  port: number;
  emulator: LinkedEmulator;
  log?(message: string): void;
}

export class TcpLineLink implements LineSink {
  readonly #options: TcpLineLinkOptions;
  #connection: TcpConnection | undefined;
  #connected = false;
  #retry: TimerHandle | undefined;
  #stopped = true;
  /** Droppable lines dropped because the host did not read. */
  dropped = 0;

  constructor(options: TcpLineLinkOptions) {
    this.#options = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#dial();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retry !== undefined) this.#options.timers.clear(this.#retry);
    this.#retry = undefined;
    this.#connection?.close();
    this.#connection = undefined;
    this.#connected = false;
    this.#options.emulator.attach(undefined);
  }

  sendLine(text: string, droppable: boolean): boolean {
    const connection = this.#connection;
    if (!connection || !this.#connected) return false;
    if (droppable && connection.pending > MAX_PENDING_BYTES) {
      this.dropped++;
      return false;
    }
    connection.write(encodeUtf8(`${text}\n`));
    return true;
  }

  #dial(): void {
    this.#retry = undefined;
    const { host, port, emulator } = this.#options;
    const connection = this.#options.tcp.connect(host, port, {
      onConnect: () => {
        if (this.#connection !== connection) return;
        this.#connected = true;
        emulator.attach(this);
        emulator.connected();
      },
      onData: (bytes) => {
        if (this.#connection === connection) emulator.receive(bytes);
      },
      onClose: () => this.#lost(connection, "closed by the host"),
      onError: (message) => this.#lost(connection, message),
    });
    // onError may have come before connect() returned (the port's contract): then the retry is already set.
    if (this.#retry === undefined && !this.#stopped) this.#connection = connection;
  }

  #lost(connection: TcpConnection, why: string): void {
    if (this.#connection !== undefined && this.#connection !== connection) return;
    if (this.#connected) this.#options.log?.(`ev-emulator link: ${why}`);
    this.#connection = undefined;
    this.#connected = false;
    this.#options.emulator.attach(undefined);
    if (this.#stopped || this.#retry !== undefined) return;
    this.#retry = this.#options.timers.once(() => this.#dial(), RECONNECT_MS);
  }
}
