/**
 * The bench link's stream on a board: a UART (the ESP32's USB serial, or
 * another UART through a USB-serial adapter) read and written through the
 * ECMA-419 `embedded:io/serial` class, which the target hands in (so this
 * module imports nothing of Moddable and runs on the host in tests).
 *
 * A serial line has no connection: the stream opens once, at start. What
 * the class does not do for us: `write()` throws when the bytes do not fit
 * the transmit FIFO (128 bytes on the ESP32), so writes are queued and handed
 * over in pieces no larger than the room the last `onWritable` announced.
 */
import type { ByteStream, ByteStreamEvents } from "ports/byte-stream";

/** The instance, as `embedded:io/serial` in format "buffer" gives it. */
export interface BenchSerialPort {
  /** Fills `buffer` with up to its length of received bytes; the count, undefined when none. */
  read(buffer: Uint8Array): number | ArrayBuffer | undefined;
  /** Throws when `bytes` do not fit the transmit FIFO. */
  write(bytes: Uint8Array): void;
  close(): void;
}

export interface BenchSerialOptions {
  /** UART number (ESP32: 0 is the USB serial of a DevKitC, 1 and 2 need pins). */
  port: number;
  receive: number;
  transmit?: number;
  baud: number;
  format: "buffer";
  /** `count` bytes are waiting to be read. */
  onReadable?(count: number): void;
  /** `count` bytes can be written now. */
  onWritable?(count: number): void;
}

/** The class, as `embedded:io/serial` exports it. */
export interface BenchSerialClass {
  new (options: BenchSerialOptions): BenchSerialPort;
}

export interface SerialStreamOptions {
  serial: BenchSerialClass;
  port: number;
  receive: number;
  transmit: number;
  baud: number;
  /** Queued bytes the link may keep before dropping (default 4 KiB: the board's heap is small). */
  maxPendingBytes?: number;
  /** Receive buffer, bytes (default 256); allocated once. */
  readBufferBytes?: number;
}

export class SerialStream implements ByteStream {
  readonly maxPendingBytes: number;
  readonly #options: SerialStreamOptions;
  readonly #readBuffer: Uint8Array;
  readonly #queue: Uint8Array[] = [];
  #queueOffset = 0; // bytes of #queue[0] already written
  #pending = 0;
  #room = 0; // transmit FIFO room announced by the last onWritable, less what we wrote since
  #port: BenchSerialPort | undefined;
  #events: ByteStreamEvents | undefined;

  constructor(options: SerialStreamOptions) {
    this.#options = options;
    this.maxPendingBytes = options.maxPendingBytes ?? 4096;
    this.#readBuffer = new Uint8Array(options.readBufferBytes ?? 256);
  }

  get pending(): number {
    return this.#pending;
  }

  /** Opens the UART (throws when its pins or port are taken) and reports the stream open. */
  start(events: ByteStreamEvents): void {
    const { serial: Serial, port, receive, transmit, baud } = this.#options;
    this.#port = new Serial({
      port,
      receive,
      transmit,
      baud,
      format: "buffer",
      onReadable: () => this.#read(),
      onWritable: (count) => {
        this.#room = count;
        this.#pump();
      },
    });
    this.#events = events;
    events.onOpen();
  }

  write(bytes: Uint8Array): void {
    if (!this.#port || bytes.length === 0) return;
    this.#queue.push(bytes);
    this.#pending += bytes.length;
    this.#pump();
  }

  stop(): void {
    this.#events = undefined;
    this.#port?.close();
    this.#port = undefined;
    this.#queue.length = 0;
    this.#queueOffset = 0;
    this.#pending = 0;
    this.#room = 0;
  }

  #read(): void {
    const port = this.#port;
    const buffer = this.#readBuffer;
    while (port && this.#port === port && this.#events) {
      const count = port.read(buffer);
      if (typeof count !== "number" || count <= 0) return;
      this.#events.onData(count === buffer.length ? buffer : buffer.subarray(0, count));
    }
  }

  #pump(): void {
    const port = this.#port;
    if (!port) return;
    const queue = this.#queue;
    while (queue.length > 0 && this.#room > 0) {
      const head = queue[0];
      const size = Math.min(this.#room, head.length - this.#queueOffset);
      try {
        port.write(head.subarray(this.#queueOffset, this.#queueOffset + size));
      } catch {
        // The FIFO had less room than announced: wait for the next onWritable.
        this.#room = 0;
        return;
      }
      this.#room -= size;
      this.#queueOffset += size;
      this.#pending -= size;
      if (this.#queueOffset === head.length) {
        queue.shift();
        this.#queueOffset = 0;
      }
    }
  }
}
