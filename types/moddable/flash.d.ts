// Checked against $MODDABLE/typings/flash.d.ts (Moddable SDK 8.2.3).
declare module "flash" {
  /** XS host buffer: read-only, memory-mapped flash; wrap it in a Uint8Array to read it. */
  export type HostBuffer = ArrayBuffer;

  /** Raw access to one flash partition (esp32: by partition label; not available on lin). */
  export default class Flash {
    /** `partition`: a label from the partition table, or "xs", "running", "nextota" on esp32. */
    constructor(partition: string);
    /** Erase one sector; `sector` is relative to the partition (sector size = blockSize). */
    erase(sector: number): void;
    /** Copy `byteLength` bytes starting at `offset` (relative to the partition). */
    read(offset: number, byteLength: number): ArrayBuffer;
    /** Write the first `byteLength` (> 0) bytes of `buffer` at `offset`; bits only go 1 -> 0. */
    write(offset: number, byteLength: number, buffer: ArrayBuffer | ArrayBufferView): void;
    /** Erase-sector size in bytes. */
    readonly blockSize: number;
    /** Partition size in bytes. */
    readonly byteLength: number;
    /** Memory-map the whole partition (esp32). */
    map?(): HostBuffer;
  }
}
