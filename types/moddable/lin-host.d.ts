// Our native module of the lin build (modules/platform/moddable/lin/host.c and host.js).
declare module "platform/moddable/lin/host" {
  /** A variable of the process environment; undefined when unset. */
  export function getEnv(name: string): string | undefined;
  /** Creates a directory and its parents (existing ones are fine). */
  export function mkdirs(path: string): void;
  /** The whole file; undefined when it does not exist. */
  export function readFile(path: string): ArrayBuffer | undefined;
  /**
   * The JSON text of file[outer][inner] (of file[outer] without `inner`), read in C: undefined when
   * the file or the member is not there; throws when the file is not a JSON object of objects.
   */
  export function readJsonMember(path: string, outer: string, inner?: string): string | undefined;
  /** Replaces the file: written to `path.tmp`, synced, renamed over `path`. */
  export function writeFileAtomic(path: string, data: string | ArrayBuffer): void;
  /** Opens a block file of `size` bytes (created 0xFF-filled when missing or of another size); its descriptor. */
  export function openBlock(path: string, size: number): number;
  /** File bytes at `offset` into buffer[start, start + length). */
  export function readBlock(fd: number, buffer: ArrayBuffer, start: number, length: number, offset: number): void;
  /** buffer[start, start + length) to the file at `offset`. */
  export function writeBlock(fd: number, buffer: ArrayBuffer, start: number, length: number, offset: number): void;
  /** NOR programming: the file's bytes at `offset` become old AND buffer[start, start + length). */
  export function programBlock(fd: number, buffer: ArrayBuffer, start: number, length: number, offset: number): void;
  /** The range becomes 0xFF. */
  export function eraseBlock(fd: number, offset: number, length: number): void;
  /** The XS heaps (after a full collection when `collect`); -1 where this build does not count. */
  export function memory(collect: boolean): LinMemory;
  /** The heap peaks start again from the current use. */
  export function resetPeaks(): void;
  /**
   * Live slots after a full collection: per XS slot kind (index = kind + 1) and, for objects, per
   * prototype as [constructor name, objects, slots of the objects and their own properties].
   */
  export function census(): { kinds: number[]; prototypes: Array<[string, number, number]> };
  /**
   * The live chunk heap after a full collection, by the XS slot kind that owns each chunk (-2: none
   * found), in this host's bytes and as the 32-bit ESP32 would hold it (8-byte headers, 4-byte
   * rounding, slot and pointer arrays at half the size): rows of [kind, chunks, hostBytes, esp32Bytes].
   */
  export function chunkCensus(): { hostBytes: number; esp32Bytes: number; kinds: Array<[number, number, number, number]> };
  /**
   * The XS stack's depth here, slots; with OXS_STACK_PROBE set, the call chain at each new
   * deepest probe goes to stderr (the block writes and socket sends probe themselves).
   */
  export function stackProbe(where: string): number;
  export interface LinMemory {
    slots: number;
    peakSlots: number;
    chunkBytes: number;
    peakChunkBytes: number;
    heapSlots: number;
    stackSlots: number;
    stackPeakSlots: number;
    collections: number;
    slotSize: number;
  }
  /** Ends the process at once with `code`. */
  export function exit(code: number): never;
  /** A non-blocking TCP listener bound to 127.0.0.1:`port` only; its descriptor. Throws when the port is taken. */
  export function listenLoopback(port: number): number;
  /** A waiting connection's descriptor (non-blocking), or -1 when none waits. */
  export function acceptConnection(listener: number): number;
  /** Reads into buffer[start, start + length): the count, 0 when nothing waits, -1 when the peer is gone. */
  export function receive(fd: number, buffer: ArrayBuffer, start: number, length: number): number;
  /** Sends buffer[start, start + length) as far as the socket takes it: the count (0: full), -1 when the peer is gone. */
  export function sendSome(fd: number, buffer: ArrayBuffer, start: number, length: number): number;
  export function closeSocket(fd: number): void;
}
