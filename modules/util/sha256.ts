/**
 * SHA-256 (FIPS 180-4) in plain TypeScript, for certificate hash data
 * (OCPP Security white paper §6.1: issuerNameHash, issuerKeyHash). Not on a
 * hot path; the board's mbedTLS is faster but this runs everywhere.
 * Vectors: tests/security/crypto.test.ts (FIPS 180-4 examples), HMAC: RFC 4231.
 * Also hashes firmware images incrementally and keys HMAC for RFC 6979 nonces.
 */
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/** Processes 64-byte blocks of `data` from `at` to `end` into the state `h`, using the schedule `w`. */
function compress(h: Uint32Array, w: Uint32Array, data: Uint8Array, at: number, end: number): void {
  for (let block = at; block < end; block += 64) {
    for (let t = 0; t < 16; t++) {
      const i = block + t * 4;
      w[t] = (data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
    }
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    let a = h[0],
      b = h[1],
      c = h[2],
      d = h[3],
      e = h[4],
      f = h[5],
      g = h[6],
      k = h[7];
    for (let t = 0; t < 64; t++) {
      const t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      k = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
  }
}

/**
 * Incremental SHA-256: `update` with pieces of any size, then `digest` once
 * (a firmware image is hashed chunk by chunk as it downloads, never whole in RAM).
 */
export class Sha256 {
  readonly #h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  readonly #w = new Uint32Array(64);
  /** Bytes waiting for a full block. */
  readonly #buffer = new Uint8Array(64);
  #buffered = 0;
  /** Total bytes hashed (a double: exact up to 2^53). */
  #length = 0;
  #done = false;

  update(data: Uint8Array): this {
    if (this.#done) throw new Error("SHA-256 already finished");
    this.#length += data.length;
    let at = 0;
    if (this.#buffered > 0) {
      const take = Math.min(64 - this.#buffered, data.length);
      this.#buffer.set(data.subarray(0, take), this.#buffered);
      this.#buffered += take;
      at = take;
      if (this.#buffered < 64) return this;
      compress(this.#h, this.#w, this.#buffer, 0, 64);
      this.#buffered = 0;
    }
    const whole = at + ((data.length - at) & ~63);
    compress(this.#h, this.#w, data, at, whole);
    if (whole < data.length) {
      this.#buffer.set(data.subarray(whole), 0);
      this.#buffered = data.length - whole;
    }
    return this;
  }

  /** The 32-byte digest; the object cannot be updated afterwards. */
  digest(): Uint8Array {
    if (this.#done) throw new Error("SHA-256 already finished");
    const bitLength = this.#length * 8;
    const tail = new Uint8Array(this.#buffered + 9 > 64 ? 128 : 64);
    tail.set(this.#buffer.subarray(0, this.#buffered));
    tail[this.#buffered] = 0x80;
    // Message length in bits, big-endian 64-bit (high word from the division: no 53-bit overflow for our sizes).
    const high = Math.floor(bitLength / 0x100000000);
    const low = bitLength >>> 0;
    const end = tail.length;
    tail[end - 8] = high >>> 24;
    tail[end - 7] = (high >>> 16) & 0xff;
    tail[end - 6] = (high >>> 8) & 0xff;
    tail[end - 5] = high & 0xff;
    tail[end - 4] = low >>> 24;
    tail[end - 3] = (low >>> 16) & 0xff;
    tail[end - 2] = (low >>> 8) & 0xff;
    tail[end - 1] = low & 0xff;
    compress(this.#h, this.#w, tail, 0, end);
    this.#done = true;
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = this.#h[i];
      out[i * 4] = v >>> 24;
      out[i * 4 + 1] = (v >>> 16) & 0xff;
      out[i * 4 + 2] = (v >>> 8) & 0xff;
      out[i * 4 + 3] = v & 0xff;
    }
    return out;
  }
}

/** SHA-256 digest (32 bytes) of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  return new Sha256().update(data).digest();
}

/** HMAC-SHA-256 (RFC 2104, FIPS 198-1) of the concatenation of `parts` under `key`. */
export function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256(key) : key);
  const pad = new Uint8Array(64);
  for (let i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
  const inner = new Sha256().update(pad);
  for (let i = 0; i < parts.length; i++) inner.update(parts[i]);
  const innerDigest = inner.digest();
  for (let i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
  return new Sha256().update(pad).update(innerDigest).digest();
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  return out;
}
