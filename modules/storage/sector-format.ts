/**
 * On-flash layout shared by FlashQueue and FlashRing (docs/storage.md).
 *
 * Sector header, 24 bytes at the start of every sector in use:
 *   0 magic u32 | 4 generation u32 | 8 erase count u32 | 12 first seq u32 |
 *   16 floor generation u32 | 20 CRC-32 of bytes 0..19
 * A sector whose header fails the magic or the CRC is free (blank, torn
 * erase or torn header write) and is erased again before it is used.
 *
 * Record header, 12 bytes, records 4-byte aligned after the sector header:
 *   0 u16 length (low 13 bits) | codec (high 3 bits); 0xFFFF = blank
 *   2 commit marker u8 (0xFF = not committed)
 *   3 pop marker u8 (0xFF = not popped)
 *   4 seq u32 | 8 CRC-32 over bytes 0..1, 4..7 and the payload
 * All integers little-endian.
 */
import { crc32 } from "util/crc32";

export const SECTOR_HEADER_BYTES = 24;
export const RECORD_HEADER_BYTES = 12;
export const MAX_FIELD_LENGTH = 0x1fff;
export const BLANK16 = 0xffff;

export const SectorField = Object.freeze({
  magic: 0,
  generation: 4,
  eraseCount: 8,
  firstSeq: 12,
  floorGeneration: 16,
  crc: 20,
} as const);

export const RecordField = Object.freeze({
  lengthCodec: 0,
  commit: 2,
  pop: 3,
  seq: 4,
  crc: 8,
} as const);

export function readU16(bytes: Uint8Array, at: number): number {
  return bytes[at] | (bytes[at + 1] << 8);
}

export function writeU16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
}

export function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

/** Rounds a record's size up to the 4-byte alignment. */
export function alignedSize(bytes: number): number {
  return (bytes + 3) & ~3;
}

/** True when `bytes[start..end)` is all 0xFF (erased). */
export function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0xff) return false;
  return true;
}

/** Fills a 24-byte sector header into `into` at 0. */
export function buildSectorHeader(
  into: Uint8Array,
  magic: number,
  generation: number,
  eraseCount: number,
  firstSeq: number,
  floorGeneration: number,
): void {
  writeU32(into, SectorField.magic, magic);
  writeU32(into, SectorField.generation, generation);
  writeU32(into, SectorField.eraseCount, eraseCount);
  writeU32(into, SectorField.firstSeq, firstSeq);
  writeU32(into, SectorField.floorGeneration, floorGeneration);
  writeU32(into, SectorField.crc, crc32(into, 0, SectorField.crc));
}

/** True when `bytes` (from 0) hold a sector header with this magic and a good CRC. */
export function isSectorHeaderValid(bytes: Uint8Array, magic: number): boolean {
  return readU32(bytes, SectorField.magic) === magic && readU32(bytes, SectorField.crc) === crc32(bytes, 0, SectorField.crc);
}

/** CRC of a record: length/codec, seq and payload (not the markers, which change later). */
export function recordCrc(bytes: Uint8Array, at: number, payloadLength: number): number {
  let crc = crc32(bytes, at, at + 2);
  crc = crc32(bytes, at + RecordField.seq, at + RecordField.seq + 4, crc);
  const payload = at + RECORD_HEADER_BYTES;
  return crc32(bytes, payload, payload + payloadLength, crc);
}

export const RecordScan = Object.freeze({
  /** A whole record with a good CRC. */
  record: 0,
  /** Erased space: the end of the written area. */
  blank: 1,
  /** A torn or damaged record: nothing after it in this sector is trusted. */
  corrupt: 2,
} as const);

/**
 * Classifies the record at `at` in a sector image `bytes` of `sectorSize`
 * bytes (the whole sector, read at once).
 */
export function scanRecord(bytes: Uint8Array, at: number, sectorSize: number): number {
  if (at + RECORD_HEADER_BYTES > sectorSize) return isBlank(bytes, at, sectorSize) ? RecordScan.blank : RecordScan.corrupt;
  const lengthCodec = readU16(bytes, at);
  if (lengthCodec === BLANK16 && isBlank(bytes, at, at + RECORD_HEADER_BYTES)) return RecordScan.blank;
  const length = lengthCodec & MAX_FIELD_LENGTH;
  if (lengthCodec >>> 13 > 1 || at + RECORD_HEADER_BYTES + length > sectorSize) return RecordScan.corrupt;
  return recordCrc(bytes, at, length) === readU32(bytes, at + RecordField.crc) ? RecordScan.record : RecordScan.corrupt;
}

/** Payload length of a record header at `at`. */
export function recordLength(bytes: Uint8Array, at: number): number {
  return readU16(bytes, at) & MAX_FIELD_LENGTH;
}

/** Codec of a record header at `at`. */
export function recordCodec(bytes: Uint8Array, at: number): number {
  return readU16(bytes, at) >>> 13;
}
