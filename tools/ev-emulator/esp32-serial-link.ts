/**
 * The emulator's link on the board: a UART through `embedded:io/serial`
 * (the class handed in). Moddable's esp32 serial writes straight into the
 * transmit FIFO and throws "output full" beyond the room `onWritable` last
 * reported (modules/io/serial/esp32/serial.c), so lines wait in a bounded
 * queue and go out as room comes; reading events are dropped, never
 * replies, when the host does not keep up. A serial line has no connect
 * event: the hello goes out at start and on the `hello` command.
 */
import { encodeUtf8 } from "util/utf8";
import { OutputQueue } from "./output-queue";
import type { LineSink } from "./ports";
import type { LinkedEmulator } from "./tcp-line-link";

/** `embedded:io/serial` instance in format "buffer". */
export interface SerialLinkPort {
  /** Fills `buffer` with pending bytes and returns the count; undefined when none (the other result types are the SDK's other overloads). */
  read(buffer: Uint8Array): number | ArrayBuffer | undefined;
  write(bytes: Uint8Array): void;
  close(): void;
}

export interface SerialLinkPortOptions {
  port: number;
  receive: number;
  transmit: number;
  baud: number;
  format: "buffer";
  onReadable: (bytes: number) => void;
  onWritable: (bytes: number) => void;
}

export interface SerialLinkClass {
  new (options: SerialLinkPortOptions): SerialLinkPort;
}

export interface SerialLineLinkOptions {
  io: SerialLinkClass;
  port: number;
  receive: number;
  transmit: number;
  baud: number;
  emulator: LinkedEmulator;
}

/** Output kept queued before reading events are dropped. */
const MAX_QUEUED_BYTES = 8 * 1024;
/** The esp32 RX FIFO size: the most one read returns. */
const READ_CHUNK_BYTES = 128;

export class SerialLineLink implements LineSink {
  readonly #options: SerialLineLinkOptions;
  readonly #queue = new OutputQueue(MAX_QUEUED_BYTES);
  readonly #scratch = new Uint8Array(READ_CHUNK_BYTES);
  #serial: SerialLinkPort | undefined;
  #roomBytes = 0;

  constructor(options: SerialLineLinkOptions) {
    this.#options = options;
  }

  /** Reading events dropped because the host did not read. */
  get dropped(): number {
    return this.#queue.dropped;
  }

  start(): void {
    const { io, port, receive, transmit, baud, emulator } = this.#options;
    this.#serial = new io({
      port,
      receive,
      transmit,
      baud,
      format: "buffer",
      onReadable: (bytes) => this.#readable(bytes),
      onWritable: (bytes) => {
        this.#roomBytes = bytes;
        this.#pump();
      },
    });
    emulator.attach(this);
    emulator.connected();
  }

  stop(): void {
    this.#options.emulator.attach(undefined);
    this.#serial?.close();
    this.#serial = undefined;
  }

  sendLine(text: string, droppable: boolean): boolean {
    if (!this.#serial) return false;
    if (!this.#queue.push(encodeUtf8(`${text}\n`), droppable)) return false;
    this.#pump();
    return true;
  }

  #pump(): void {
    const serial = this.#serial;
    if (!serial || this.#roomBytes <= 0) return;
    this.#roomBytes -= this.#queue.drain(this.#roomBytes, (bytes) => serial.write(bytes));
  }

  #readable(bytes: number): void {
    const serial = this.#serial;
    let left = bytes;
    while (serial && left > 0) {
      const count = serial.read(this.#scratch);
      if (typeof count !== "number" || count <= 0) return;
      this.#options.emulator.receive(this.#scratch.subarray(0, count));
      left -= count;
    }
  }
}
