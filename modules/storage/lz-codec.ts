/**
 * A small LZSS codec primed with a preset dictionary (storage/lz-dict), so
 * that OCPP frames take a third or less of their size in the journal.
 *
 * Stored form: u16 LE plain length, then groups of one flag byte (bit i,
 * LSB first, set = token i is a match) and up to 8 tokens. A literal is one
 * byte. A match is 2 bytes: b0 = (distance-1) low 8 bits, b1 = (distance-1)
 * high 4 bits << 4 | length code; code 0..14 = length 3..17, code 15 = an
 * extra byte e follows, length 18 + e (max 273). Distance 1..4096 reaches
 * back into the dictionary, which sits just before the text.
 *
 * The compressor keeps hash chains over 3-byte prefixes (bounded chain
 * walk); its buffers are allocated once and grown only for longer texts.
 * One instance is shared by every packer (`sharedLzCodec`): calls never
 * nest. The dictionary's own chains are module constants (flash on the
 * board); an instance holds the chain heads (4 KB) and the window and
 * chains of the text being compressed (about 5 KB for a 1 KB record).
 */
import { encodeUtf8 } from "util/utf8";
import { OCPP_DICTIONARY } from "./lz-dict";

const HASH_BITS = 11;
const HASH_SIZE = 1 << HASH_BITS;
const MAX_DISTANCE = 4096;
const MIN_MATCH = 3;
const MAX_MATCH = 273;
const MAX_CHAIN = 48;
// Window positions + 1 must fit the Uint16Array chains.
const MAX_PLAIN = 0xffff - 4096;

export class LzCodecError extends Error {
  override name = "LzCodecError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message: string) {
    super(message);
  }
}

/** Hash of the 3 bytes at `p` of `w`. */
function hashAt(w: Uint8Array, p: number): number {
  return Math.imul((w[p] << 16) | (w[p + 1] << 8) | w[p + 2], 0x9e3779b1) >>> (32 - HASH_BITS);
}

/**
 * The dictionary and its hash chains, built once when the module is loaded: preloaded on the board
 * they are part of the flash image, so the heap holds only what one call works on (docs/memory.md).
 * Never written after this.
 */
const DICT: Uint8Array = encodeUtf8(OCPP_DICTIONARY);
/** Head of each hash chain over the dictionary: position + 1, 0 = none. */
const DICT_HEAD = new Uint16Array(HASH_SIZE);
/** Previous position + 1 with the same hash, per dictionary position. */
const DICT_PREV = new Uint16Array(DICT.length);
for (let p = 0; p + MIN_MATCH <= DICT.length; p++) {
  const h = hashAt(DICT, p);
  DICT_PREV[p] = DICT_HEAD[h];
  DICT_HEAD[h] = p + 1;
}

export class LzCodec {
  /** The chain heads of one call: the dictionary's, then the text's positions. */
  readonly #head = new Uint16Array(HASH_SIZE);
  /** The dictionary then the text being compressed. */
  #window: Uint8Array;
  /** Chains over the text's positions (index = position - dictionary length). */
  #prev: Uint16Array;

  constructor() {
    this.#window = new Uint8Array(DICT.length + 1024);
    this.#window.set(DICT);
    this.#prev = new Uint16Array(1024);
  }

  #grow(plainLength: number): void {
    if (this.#prev.length >= plainLength) return;
    const window = new Uint8Array(DICT.length + plainLength + 256);
    window.set(DICT);
    this.#window = window;
    this.#prev = new Uint16Array(plainLength + 256);
  }

  /**
   * Compresses `plain[0..plainLength)` into `into` from `at`, using at most
   * `maxOut` bytes; returns the bytes written, or -1 if it needs more.
   */
  compress(plain: Uint8Array, plainLength: number, into: Uint8Array, at: number, maxOut: number): number {
    if (plainLength > MAX_PLAIN || maxOut < 3) return -1;
    this.#grow(plainLength);
    const w = this.#window;
    const prev = this.#prev;
    const head = this.#head;
    const base = DICT.length;
    w.set(plain.subarray(0, plainLength), base);
    head.set(DICT_HEAD);
    const end = base + plainLength;
    // One past the last position a match can start from.
    const lastStart = end - MIN_MATCH + 1;
    const outEnd = at + maxOut;
    into[at] = plainLength & 0xff;
    into[at + 1] = plainLength >>> 8;
    let out = at + 2;
    let flagAt = 0;
    let bit = 8;
    let p = base;
    while (p < end) {
      if (bit === 8) {
        if (out >= outEnd) return -1;
        flagAt = out++;
        into[flagAt] = 0;
        bit = 0;
      }
      let bestLength = 0;
      let bestDistance = 0;
      if (p + MIN_MATCH <= end) {
        const maxLength = end - p < MAX_MATCH ? end - p : MAX_MATCH;
        let candidate = head[hashAt(w, p)];
        let chain = MAX_CHAIN;
        while (candidate > 0 && chain-- > 0) {
          const q = candidate - 1;
          if (p - q > MAX_DISTANCE) break;
          if (w[q + bestLength] === w[p + bestLength]) {
            let length = 0;
            while (length < maxLength && w[q + length] === w[p + length]) length++;
            if (length > bestLength) {
              bestLength = length;
              bestDistance = p - q;
              if (length === maxLength) break;
            }
          }
          candidate = q < base ? DICT_PREV[q] : prev[q - base];
        }
      }
      let next = p + 1;
      if (bestLength >= MIN_MATCH) {
        const code = bestLength - MIN_MATCH;
        if (out + (code < 15 ? 2 : 3) > outEnd) return -1;
        const d = bestDistance - 1;
        into[out++] = d & 0xff;
        into[out++] = ((d >>> 8) << 4) | (code < 15 ? code : 15);
        if (code >= 15) into[out++] = bestLength - 18;
        into[flagAt] |= 1 << bit;
        next = p + bestLength;
      } else {
        if (out >= outEnd) return -1;
        into[out++] = w[p];
      }
      // Every position taken enters the hash chains, but for the last few, too near the end to
      // start a match. Inline, not a method: this runs once per byte of every journaled record.
      const chained = next < lastStart ? next : lastStart;
      for (; p < chained; p++) {
        const h = hashAt(w, p);
        prev[p - base] = head[h];
        head[h] = p + 1;
      }
      p = next;
      bit++;
    }
    return out - at;
  }

  /** Plain length of a stored form. */
  decompressedLength(bytes: Uint8Array, start: number, end: number): number {
    if (end - start < 2) throw new LzCodecError("LZ record too short");
    return bytes[start] | (bytes[start + 1] << 8);
  }

  /** Decompresses `bytes[start..end)` into `out` from 0; returns the plain length. */
  decompress(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
    const length = this.decompressedLength(bytes, start, end);
    if (out.length < length) throw new LzCodecError("LZ output buffer too small");
    const dict = DICT;
    const dictLength = dict.length;
    let i = start + 2;
    let o = 0;
    while (o < length) {
      if (i >= end) throw new LzCodecError("LZ record truncated");
      const flags = bytes[i++];
      for (let bit = 0; bit < 8 && o < length; bit++) {
        if ((flags & (1 << bit)) === 0) {
          if (i >= end) throw new LzCodecError("LZ record truncated");
          out[o++] = bytes[i++];
          continue;
        }
        if (i + 2 > end) throw new LzCodecError("LZ record truncated");
        const b0 = bytes[i++];
        const b1 = bytes[i++];
        const distance = (b0 | ((b1 >>> 4) << 8)) + 1;
        let count = (b1 & 15) + MIN_MATCH;
        if ((b1 & 15) === 15) {
          if (i >= end) throw new LzCodecError("LZ record truncated");
          count = 18 + bytes[i++];
        }
        if (distance > o + dictLength || o + count > length) throw new LzCodecError("LZ match out of range");
        for (let k = 0; k < count; k++, o++) {
          const from = o - distance;
          out[o] = from >= 0 ? out[from] : dict[dictLength + from];
        }
      }
    }
    return length;
  }
}

let shared: LzCodec | undefined;

/** The codec instance shared by all packers (built on first use). */
export function sharedLzCodec(): LzCodec {
  if (!shared) shared = new LzCodec();
  return shared;
}
