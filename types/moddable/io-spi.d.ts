// Checked against $MODDABLE/typings/embedded_io/spi.d.ts (Moddable SDK 8.2.3).
declare module "embedded:io/spi" {
  export type ByteBuffer = ArrayBuffer | ArrayBufferView;

  export interface SPIOptions {
    /** MOSI pin. */
    out?: number;
    /** MISO pin. */
    in?: number;
    clock: number;
    /** Chip-select pin. */
    select?: number;
    /** Level of `select` while selected (default 0). */
    active?: 0 | 1;
    hz: number;
    /** SPI mode 0 ... 3. */
    mode?: number;
    /** SPI host number. */
    port?: number;
    format?: "buffer";
    target?: unknown;
  }

  export default class SPI {
    constructor(options: SPIOptions);
    /** Clock in `byteLength` bytes (at most 65535). */
    read(byteLength: number): ArrayBuffer;
    /** Clock in bytes to fill `buffer` (no allocation). */
    read(buffer: ByteBuffer): void;
    write(buffer: ByteBuffer): void;
    /** Full duplex: send `buffer` and replace its contents with the bytes received. */
    transfer(buffer: ByteBuffer): void;
    /** Wait for queued transfers; `deselect` releases the select line. */
    flush(deselect?: boolean): void;
    close(): void;
    format: "buffer";
    target?: unknown;
  }
}
