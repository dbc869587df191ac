// Checked against $MODDABLE/typings/embedded_io/i2c.d.ts (Moddable SDK 8.2.3).
declare module "embedded:io/i2c" {
  export type ByteBuffer = ArrayBuffer | ArrayBufferView;

  export interface I2COptions {
    /** SDA pin. */
    data: number;
    /** SCL pin. */
    clock: number;
    hz: number;
    /** 7-bit target address. */
    address: number;
    /** I2C controller number. */
    port?: number;
    format?: "buffer";
    target?: unknown;
  }

  export default class I2C {
    constructor(options: I2COptions);
    /** Read `byteLength` bytes. `stop` (default true) ends with a STOP condition. */
    read(byteLength: number, stop?: boolean): ArrayBuffer;
    /** Read into `buffer` (no allocation); returns the number of bytes read. */
    read(buffer: ByteBuffer, stop?: boolean): number;
    write(buffer: ByteBuffer, stop?: boolean): void;
    close(): void;
    format: "buffer";
    target?: unknown;
  }
}
