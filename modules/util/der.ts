/**
 * DER (ITU-T X.690) encoding of the few types the charger writes (ECDSA
 * signatures, SubjectPublicKeyInfo, PKCS#10 requests, SEC 1 private keys)
 * and a strict reader of one TLV. Single-byte tags, definite lengths only.
 */

export class DerError extends Error {
  override name = "DerError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message: string) {
    super(message);
  }
}

export const TAG = Object.freeze({
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (let i = 0; i < parts.length; i++) length += parts[i].length;
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    out.set(parts[i], at);
    at += parts[i].length;
  }
  return out;
}

/** One TLV with `tag` around the concatenated `content` parts. */
export function derTlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const value = concat(content);
  const n = value.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >> 8, n & 0xff];
  else header = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(value, header.length);
  return out;
}

export function derSequence(...content: Uint8Array[]): Uint8Array {
  return derTlv(TAG.SEQUENCE, ...content);
}

/** INTEGER of a non-negative big-endian magnitude (leading zeroes dropped, a 0x00 added when the top bit is set). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.length === 0 ? new Uint8Array(1) : magnitude.subarray(start);
  return trimmed[0] & 0x80 ? derTlv(TAG.INTEGER, new Uint8Array(1), trimmed) : derTlv(TAG.INTEGER, trimmed);
}

/** INTEGER of a small non-negative number. */
export function derSmallInteger(value: number): Uint8Array {
  return derUnsignedInteger(new Uint8Array([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]));
}

/** OBJECT IDENTIFIER from dotted text ("1.2.840.10045.2.1"). */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0)) throw new DerError(`bad OID ${dotted}`);
  const bytes: number[] = [];
  const values = [arcs[0] * 40 + arcs[1]].concat(arcs.slice(2));
  for (const value of values) {
    const groups: number[] = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return derTlv(TAG.OID, new Uint8Array(bytes));
}

/** BIT STRING of whole bytes (no unused bits). */
export function derBitString(bytes: Uint8Array): Uint8Array {
  return derTlv(TAG.BIT_STRING, new Uint8Array(1), bytes);
}

/** UTF8String of a text (encoded by hand: no TextEncoder on the board). */
export function derUtf8String(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return derTlv(TAG.UTF8_STRING, new Uint8Array(bytes));
}

export interface DerTlv {
  tag: number;
  /** Start of the tag byte. */
  at: number;
  /** Start of the value. */
  start: number;
  /** End of the value (exclusive). */
  end: number;
}

/** Reads one TLV at `at` that must end at or before `limit`; lengths must be minimal (DER). */
export function derRead(der: Uint8Array, at: number, limit: number = der.length): DerTlv {
  if (at + 2 > limit) throw new DerError("truncated DER");
  const tag = der[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte DER tag");
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new DerError("bad DER length");
    if (start + count > limit) throw new DerError("truncated DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i];
    if (length < 0x80 || der[start] === 0) throw new DerError("non-minimal DER length");
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new DerError("DER value runs past its container");
  return { tag, at, start, end };
}

/** Reads a TLV that must carry `tag`. */
export function derExpect(der: Uint8Array, at: number, limit: number, tag: number, what: string): DerTlv {
  const tlv = derRead(der, at, limit);
  if (tlv.tag !== tag) throw new DerError(`${what}: tag 0x${tlv.tag.toString(16)} where 0x${tag.toString(16)} was expected`);
  return tlv;
}

/** Dotted text of the OID whose value is der[start, end). */
export function oidText(der: Uint8Array, start: number, end: number): string {
  if (end <= start) throw new DerError("empty OID");
  const arcs: number[] = [];
  let value = 0;
  for (let i = start; i < end; i++) {
    value = value * 128 + (der[i] & 0x7f);
    if (!(der[i] & 0x80)) {
      arcs.push(value);
      value = 0;
    } else if (i === end - 1) throw new DerError("OID ends inside an arc");
  }
  const first = arcs[0] < 80 ? Math.floor(arcs[0] / 40) : 2;
  return [first, arcs[0] - first * 40].concat(arcs.slice(1)).join(".");
}
