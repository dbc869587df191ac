/**
 * Base64 (RFC 4648, standard alphabet): encoding for the Basic-auth header
 * and PEM, decoding for PEM bodies (white space is skipped; anything else
 * outside the alphabet or a bad length is an error).
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * Pieces of at most 256 characters (a multiple of 4), cut by one native
 * regex pass: on XS, `charAt(i)` walks the text from its start, so indexing
 * a whole 10,000-character certificate would take quadratic time.
 */
/** A new RegExp per use: a global one's lastIndex is written, and preloading freezes module-level objects on the board. */
const PIECES = (): RegExp => /[^]{1,256}/g;

/** Bytes of a base64 text, or undefined when it is not valid base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const clean = text.replace(/[\s]+/g, "");
  if (clean.length % 4 !== 0) return undefined;
  let padding = 0;
  if (clean.endsWith("==")) padding = 2;
  else if (clean.endsWith("=")) padding = 1;
  const out = new Uint8Array((clean.length / 4) * 3 - padding);
  const pieces = clean.match(PIECES()) ?? [];
  let o = 0;
  let base = 0;
  for (let p = 0; p < pieces.length; p++) {
    const piece = pieces[p];
    for (let i = 0; i < piece.length; i += 4) {
      let group = 0;
      for (let j = 0; j < 4; j++) {
        const ch = piece.charAt(i + j);
        let v: number;
        if (ch === "=") {
          if (base + i + 4 !== clean.length || j < 4 - padding) return undefined;
          v = 0;
        } else {
          v = ALPHABET.indexOf(ch);
          if (v < 0) return undefined;
        }
        group = (group << 6) | v;
      }
      if (o < out.length) out[o++] = (group >>> 16) & 0xff;
      if (o < out.length) out[o++] = (group >>> 8) & 0xff;
      if (o < out.length) out[o++] = group & 0xff;
    }
    base += piece.length;
  }
  return out;
}

/** Base64 text of `bytes` (with padding). */
export function encodeBase64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    out += ALPHABET[a >> 2] + ALPHABET[((a & 3) << 4) | (b >> 4)];
    out += i + 1 < bytes.length ? ALPHABET[((b & 15) << 2) | (c >> 6)] : "=";
    out += i + 2 < bytes.length ? ALPHABET[c & 63] : "=";
  }
  return out;
}
