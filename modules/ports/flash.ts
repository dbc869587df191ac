/**
 * Raw flash partition port, for journals and rings with our own CRC and
 * wear-levelling scheme (Moddable `flash` on the board).
 *
 * NOR-flash semantics, which every implementation keeps:
 * - `erase` sets a whole sector to 0xFF;
 * - `write` can only clear bits (1 -> 0): the stored byte becomes old AND new,
 *   so rewriting a written byte without an erase does not restore its bits;
 * - offsets are absolute within the partition.
 */
export interface FlashPartition {
  /** Bytes in one erasable sector (4096 on ESP32). */
  readonly sectorSize: number;
  /** Size of the whole partition in bytes (a multiple of sectorSize). */
  readonly byteLength: number;
  /** Erases one sector (index from 0) to 0xFF. */
  erase(sector: number): void;
  /** Copies `into.length` bytes from `offset` into a caller-owned buffer. */
  read(offset: number, into: Uint8Array): void;
  /** Programs `bytes` at `offset` (bits can only go from 1 to 0). */
  write(offset: number, bytes: Uint8Array): void;
}

/** Thrown by a flash implementation for out-of-bounds access. */
export class FlashRangeError extends Error {
  override name = "FlashRangeError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message: string) {
    super(message);
  }
}

/** Checks an access against the partition bounds (shared by implementations). */
export function checkFlashRange(partition: FlashPartition, offset: number, length: number): void {
  if (!Number.isInteger(offset) || offset < 0 || length < 0 || offset + length > partition.byteLength) {
    throw new FlashRangeError(`flash access ${offset}+${length} outside 0..${partition.byteLength}`);
  }
}
