/**
 * The bench link's stream on lin when the firmware dials the bench host:
 * a TCP connection to host:port (127.0.0.1 on lin), dialled again
 * `retryMs` after it is lost or refused.
 */
import type { ByteStream, ByteStreamEvents } from "ports/byte-stream";
import type { TcpClient, TcpConnection } from "ports/tcp";
import type { TimerHandle, Timers } from "ports/timers";

export interface TcpDialStreamOptions {
  tcp: TcpClient;
  timers: Timers;
  host: string;
  port: number;
  /** Wait before dialling again, ms (default 1000). */
  retryMs?: number;
  /** Queued bytes the link may keep before dropping (default 64 KiB: lin has room). */
  maxPendingBytes?: number;
}

export class TcpDialStream implements ByteStream {
  readonly maxPendingBytes: number;
  readonly #options: TcpDialStreamOptions;
  #events: ByteStreamEvents | undefined;
  #connection: TcpConnection | undefined;
  #open = false;
  #retryTimer: TimerHandle | undefined;
  #generation = 0;

  constructor(options: TcpDialStreamOptions) {
    this.#options = options;
    this.maxPendingBytes = options.maxPendingBytes ?? 64 * 1024;
  }

  get pending(): number {
    return this.#open && this.#connection ? this.#connection.pending : 0;
  }

  start(events: ByteStreamEvents): void {
    this.#events = events;
    this.#dial();
  }

  write(bytes: Uint8Array): void {
    if (this.#open) this.#connection?.write(bytes);
  }

  stop(): void {
    this.#events = undefined;
    if (this.#retryTimer !== undefined) this.#options.timers.clear(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#generation++;
    this.#connection?.close();
    this.#connection = undefined;
    this.#open = false;
  }

  #dial(): void {
    this.#retryTimer = undefined;
    if (!this.#events) return;
    // Events of an older connection are ignored; some stacks report before connect() returned.
    const generation = ++this.#generation;
    let lost = false;
    const { host, port } = this.#options;
    const connection = this.#options.tcp.connect(host, port, {
      onConnect: () => {
        if (generation !== this.#generation) return;
        this.#open = true;
        this.#events?.onOpen();
      },
      onData: (bytes) => {
        if (generation === this.#generation) this.#events?.onData(bytes);
      },
      onClose: () => {
        lost = true;
        this.#lost(generation, "closed by the host");
      },
      onError: (message) => {
        lost = true;
        this.#lost(generation, message);
      },
    });
    if (!lost && generation === this.#generation) this.#connection = connection;
  }

  #lost(generation: number, why: string): void {
    if (generation !== this.#generation) return;
    this.#generation++;
    const wasOpen = this.#open;
    this.#connection = undefined;
    this.#open = false;
    const events = this.#events;
    if (!events) return; // stopped
    if (wasOpen) events.onClose(why);
    this.#retryTimer = this.#options.timers.once(() => this.#dial(), this.#options.retryMs ?? 1000);
  }
}
