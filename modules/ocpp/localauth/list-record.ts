/**
 * One Local List entry as stored in flash (variable length, sorted by key):
 *
 *   keyLen u8 | key (idTag, UTF-8, ASCII letters upper-cased) | flags u8
 *   [expiry u32 BE, UTC seconds, when flags & HAS_EXPIRY] | parentLen u8 | parentIdTag
 *
 * flags: bits 0..2 status code (types.STATUS_CODES), bit 3 HAS_EXPIRY.
 */
import { decodeUtf8, encodeUtf8Into } from "util/utf8";
import { formatIsoUtc, parseIsoUtcMsLenient } from "util/iso8601";
import { ID_TAG_MAX_BYTES, statusCode, statusFromCode, type IdTagInfo } from "./types";

export const RECORD_MAX_BYTES = 1 + ID_TAG_MAX_BYTES + 1 + 4 + 1 + ID_TAG_MAX_BYTES;
const STATUS_MASK = 0x07;
const HAS_EXPIRY = 0x08;
const MAX_SECONDS = 0xffffffff;

export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

export function writeU32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = (value >>> 24) & 0xff;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

/**
 * Encodes an idTag as a key (case folded) into `into` at `at`; returns its
 * byte length, or -1 when it is empty or longer than 20 bytes.
 */
export function encodeKey(idTag: string, into: Uint8Array, at: number): number {
  if (idTag.length === 0 || idTag.length > ID_TAG_MAX_BYTES) return -1;
  if (into.length - at < ID_TAG_MAX_BYTES) return -1;
  const length = encodeUtf8Into(idTag, into, at);
  if (length < 0 || length > ID_TAG_MAX_BYTES) return -1;
  for (let i = at; i < at + length; i++) {
    const b = into[i];
    if (b >= 0x61 && b <= 0x7a) into[i] = b - 0x20;
  }
  return length;
}

/** Compares key `a[aAt..aAt+aLen)` with `b[bAt..bAt+bLen)` bytewise; <0, 0, >0. */
export function compareKeys(a: Uint8Array, aAt: number, aLen: number, b: Uint8Array, bAt: number, bLen: number): number {
  const n = aLen < bLen ? aLen : bLen;
  for (let i = 0; i < n; i++) {
    const d = a[aAt + i] - b[bAt + i];
    if (d !== 0) return d;
  }
  return aLen - bLen;
}

/** Why an entry cannot be stored. */
export type RecordProblem = "bad-id-tag" | "bad-parent" | "bad-expiry";

/**
 * Encodes a whole record into `into` (at least RECORD_MAX_BYTES long);
 * returns its size, or the problem.
 */
export function encodeRecord(idTag: string, info: IdTagInfo, into: Uint8Array): number | RecordProblem {
  const keyLength = encodeKey(idTag, into, 1);
  if (keyLength < 0) return "bad-id-tag";
  into[0] = keyLength;
  let at = 1 + keyLength;
  let flags = statusCode(info.status) & STATUS_MASK;
  let expirySeconds = -1;
  if (info.expiryDate !== undefined) {
    const ms = parseIsoUtcMsLenient(info.expiryDate);
    if (!Number.isFinite(ms)) return "bad-expiry";
    expirySeconds = Math.min(MAX_SECONDS, Math.max(0, Math.floor(ms / 1000)));
    flags |= HAS_EXPIRY;
  }
  into[at++] = flags;
  if (expirySeconds >= 0) {
    writeU32(into, at, expirySeconds);
    at += 4;
  }
  const parent = info.parentIdTag;
  if (parent !== undefined && parent.length > 0) {
    if (parent.length > ID_TAG_MAX_BYTES) return "bad-parent";
    const parentLength = encodeUtf8Into(parent, into, at + 1);
    if (parentLength < 0 || parentLength > ID_TAG_MAX_BYTES) return "bad-parent";
    into[at] = parentLength;
    at += 1 + parentLength;
  } else into[at++] = 0;
  return at;
}

/** Size of the record that starts at `record[0]` (its header must be present). */
export function recordSize(record: Uint8Array): number {
  const keyLength = record[0];
  const flags = record[1 + keyLength];
  const parentAt = 2 + keyLength + (flags & HAS_EXPIRY ? 4 : 0);
  return parentAt + 1 + record[parentAt];
}

/** True when the bytes at `record[0]` look like a record of at most `available` bytes. */
export function recordPlausible(record: Uint8Array, available: number): boolean {
  const keyLength = record[0];
  if (keyLength < 1 || keyLength > ID_TAG_MAX_BYTES) return false;
  const flags = record[1 + keyLength];
  if ((flags & ~(STATUS_MASK | HAS_EXPIRY)) !== 0 || (flags & STATUS_MASK) > 4) return false;
  const parentAt = 2 + keyLength + (flags & HAS_EXPIRY ? 4 : 0);
  if (record[parentAt] > ID_TAG_MAX_BYTES) return false;
  return recordSize(record) <= available;
}

/** Decodes the IdTagInfo of a record. */
export function decodeRecordInfo(record: Uint8Array): IdTagInfo {
  const keyLength = record[0];
  const flags = record[1 + keyLength];
  const info: IdTagInfo = { status: statusFromCode(flags & STATUS_MASK) };
  let at = 2 + keyLength;
  if (flags & HAS_EXPIRY) {
    info.expiryDate = formatIsoUtc(readU32(record, at) * 1000);
    at += 4;
  }
  const parentLength = record[at];
  if (parentLength > 0) info.parentIdTag = decodeUtf8(record, at + 1, at + 1 + parentLength);
  return info;
}

/** Decodes the (case-folded) idTag key of a record. */
export function decodeRecordKey(record: Uint8Array): string {
  return decodeUtf8(record, 1, 1 + record[0]);
}
