// Checked against $MODDABLE/typings/embedded_io/serial.d.ts and the esp32 implementation
// $MODDABLE/modules/io/serial/esp32/serial.c (Moddable SDK 8.2.3). Used by the meter buses
// (hal/esp32) and the bench link's UART stream (boot/bench/serial-stream: read(buffer),
// write() that throws "output full" past the transmit FIFO's room, onReadable/onWritable counts).
declare module "embedded:io/serial" {
  export type ByteBuffer = ArrayBuffer | ArrayBufferView;

  export interface SerialCommonOptions {
    /** Bits per second. */
    baud: number;
    /** UART number (esp32). */
    port?: number;
    /** "buffer" (default): read/write ArrayBuffers; "number": one byte at a time (not on lin). */
    format?: "buffer" | "number";
    target?: unknown;
    /** `bytes` are ready to read. */
    onReadable?: (this: Serial, bytes: number) => void;
    /** `bytes` can be written without blocking. */
    onWritable?: (this: Serial, bytes: number) => void;
    onError?: (this: Serial) => void;
  }

  /** ECMA-419 pins (device), or `device` (a tty path, lin simulator only). */
  export type SerialOptions = SerialCommonOptions &
    ({ receive: number; transmit?: number } | { receive?: number; transmit: number } | { device: string });

  export default class Serial {
    constructor(options: SerialOptions);
    /** Format "buffer": all pending bytes; format "number": one byte. undefined when none. */
    read(): ArrayBuffer | number | undefined;
    /** Up to `byteLength` pending bytes, or undefined when none. */
    read(byteLength: number): ArrayBuffer | undefined;
    /** Fill `buffer` with pending bytes (esp32); the count read, or undefined when none. */
    read(buffer: ByteBuffer): number | undefined;
    /** Queue bytes (a number in format "number"); throws if they do not fit. */
    write(value: ByteBuffer | number): void;
    close(): void;
    format: "buffer" | "number";
    target?: unknown;
  }
}
