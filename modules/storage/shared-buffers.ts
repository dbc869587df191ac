/**
 * Work buffers shared by every flash ring, flash queue and text packer of
 * the firmware, instead of one set per instance (docs/memory.md): 4 KB
 * sectors times three partitions was 24 KB of chunk heap on the ESP32.
 *
 * Sharing is safe because every user fills a buffer and consumes it within
 * one synchronous call, and calls no callback in between (a visitor runs
 * only after the record it gets was decoded into a string). Built at run
 * time, on first use: a buffer made while preloading would be in flash.
 */
let sector: Uint8Array | undefined;
let plain: Uint8Array | undefined;
let sectorHeader: Uint8Array | undefined;

/** A buffer of at least `bytes` for one sector's image or one record being packed. */
export function sectorBuffer(bytes: number): Uint8Array {
  if (!sector || sector.length < bytes) sector = new Uint8Array(bytes);
  return sector;
}

/** A buffer of at least `bytes` for a record's plain UTF-8 text. */
export function plainTextBuffer(bytes: number): Uint8Array {
  if (!plain || plain.length < bytes) plain = new Uint8Array(bytes);
  return plain;
}

/**
 * A buffer of `bytes` for a sector header being written: not the sector buffer, which may hold the
 * record waiting for the sector being opened.
 */
export function sectorHeaderBuffer(bytes: number): Uint8Array {
  if (!sectorHeader || sectorHeader.length !== bytes) sectorHeader = new Uint8Array(bytes);
  return sectorHeader;
}
