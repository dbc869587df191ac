/**
 * UTF-8 encode and decode in plain TypeScript: XS on the board has no
 * TextEncoder global, and the core must not depend on a platform for this.
 */

/**
 * `text.charCodeAt(i)` and `text.length` box the string on XS (about two heap
 * slots of garbage each access); the unbound method called on the primitive does not.
 */
const charCodeAt = String.prototype.charCodeAt;

/**
 * On XS, `charCodeAt(i)` walks the UTF-8 text from its start: a loop over a
 * long string takes quadratic time (a 60 KB diagnostics body took seconds).
 * Long texts are therefore cut into short pieces by one native regex pass
 * (surrogate pairs kept whole) and each piece is encoded on its own.
 */
const SHORT_TEXT = 256;
/** A new RegExp per use: a global one's lastIndex is written, and preloading freezes module-level objects on the board. */
const PIECES = (): RegExp => /(?:[\ud800-\udbff][\udc00-\udfff]|[^]){1,128}/g;

/** Encodes `text` into `into` from `offset`; returns the bytes written, or -1 if it does not fit. */
export function encodeUtf8Into(text: string, into: Uint8Array, offset = 0): number {
  if (text.length <= SHORT_TEXT) return encodePiece(text, into, offset);
  const pieces = text.match(PIECES());
  if (pieces === null) return 0;
  let at = offset;
  for (let p = 0; p < pieces.length; p++) {
    const written = encodePiece(pieces[p], into, at);
    if (written < 0) return -1;
    at += written;
  }
  return at - offset;
}

function encodePiece(text: string, into: Uint8Array, offset: number): number {
  let at = offset;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let code = charCodeAt.call(text, i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const low = charCodeAt.call(text, i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (at + size > into.length) return -1;
    if (size === 1) into[at++] = code;
    else if (size === 2) {
      into[at++] = 0xc0 | (code >> 6);
      into[at++] = 0x80 | (code & 0x3f);
    } else if (size === 3) {
      into[at++] = 0xe0 | (code >> 12);
      into[at++] = 0x80 | ((code >> 6) & 0x3f);
      into[at++] = 0x80 | (code & 0x3f);
    } else {
      into[at++] = 0xf0 | (code >> 18);
      into[at++] = 0x80 | ((code >> 12) & 0x3f);
      into[at++] = 0x80 | ((code >> 6) & 0x3f);
      into[at++] = 0x80 | (code & 0x3f);
    }
  }
  return at - offset;
}

/**
 * Where a piece of `text` from `start` ends: at most `maxUnits` UTF-16 units, and never between
 * the two halves of a surrogate pair (each piece then encodes on its own; a text sent in
 * fragments, platform/moddable/websocket-419). A piece is at least one character: a pair when
 * `maxUnits` is 1 and a pair is next.
 */
export function pieceEnd(text: string, start: number, maxUnits: number): number {
  const length = text.length;
  let end = Math.min(length, start + Math.max(1, maxUnits));
  if (end < length) {
    const last = charCodeAt.call(text, end - 1);
    // Ends on the first half of a pair: one unit less, or the whole pair when it is all there is.
    if (last >= 0xd800 && last <= 0xdbff) end += end > start + 1 ? -1 : 1;
  }
  return end;
}

/** A new RegExp per use: a global one's lastIndex is written, and preloading freezes module-level objects on the board. */
const ASCII_RUNS = (): RegExp => /[\u0000-\u007f]+/g;
const TWO_BYTE_RUNS = (): RegExp => /[\u0080-\u07ff]+/g;
const SURROGATE_PAIRS = (): RegExp => /[\ud800-\udbff][\udc00-\udfff]/g;

/** Bytes a string takes in UTF-8 (without building the encoded copy). */
export function utf8ByteLength(text: string): number {
  // Native passes only: on XS, charCodeAt(i) walks the UTF-8 text from its start (quadratic over a frame).
  const nonAscii = text.replace(ASCII_RUNS(), "");
  if (nonAscii.length === 0) return text.length;
  const wide = nonAscii.replace(TWO_BYTE_RUNS(), ""); // 3 bytes per UTF-16 unit, 4 per surrogate pair
  const pairs = (wide.length - wide.replace(SURROGATE_PAIRS(), "").length) / 2;
  return text.length + (nonAscii.length - wide.length) + 2 * wide.length - 2 * pairs;
}

/**
 * Encodes `text` into a new byte array of its exact size: reserving three bytes per character and
 * copying out the part used took four times the text's length at once, too much for a long frame
 * in the ESP32's chunk heap (issue 9).
 */
export function encodeUtf8(text: string): Uint8Array {
  const bytes = new Uint8Array(utf8ByteLength(text));
  if (encodeUtf8Into(text, bytes) === bytes.length) return bytes;
  throw new Error("utf8: byte length and encoding disagree"); // a bug of this module, never the text's
}

/** Decodes UTF-8 bytes; malformed sequences become U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let text = "";
  let chunk: number[] = [];
  for (let i = start; i < end;) {
    const lead = bytes[i];
    let code = 0xfffd;
    let size = 1;
    if (lead < 0x80) code = lead;
    else if (lead >= 0xc2 && lead < 0xe0) size = 2;
    else if (lead >= 0xe0 && lead < 0xf0) size = 3;
    else if (lead >= 0xf0 && lead < 0xf5) size = 4;
    if (size > 1) {
      if (i + size > end) size = 1;
      else {
        code = size === 2 ? lead & 0x1f : size === 3 ? lead & 0x0f : lead & 0x07;
        for (let k = 1; k < size; k++) {
          const next = bytes[i + k];
          if ((next & 0xc0) !== 0x80) {
            code = 0xfffd;
            size = 1;
            break;
          }
          code = (code << 6) | (next & 0x3f);
        }
        const tooSmall = (size === 3 && code < 0x800) || (size === 4 && code < 0x10000);
        if (tooSmall || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) code = 0xfffd;
      }
    }
    i += size;
    if (code >= 0x10000) {
      code -= 0x10000;
      chunk.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else chunk.push(code);
    if (chunk.length >= 64) {
      // Small chunks: XS on the board has a stack of a few hundred slots.
      text += String.fromCharCode.apply(null, chunk);
      chunk = [];
    }
  }
  return text + String.fromCharCode.apply(null, chunk);
}
