/**
 * ECDSA over NIST P-256 with SHA-256 in plain TypeScript with BigInt:
 * verification (FIPS 186-4 §6.4.2) for firmware signatures and certificate
 * chains, signing with deterministic nonces (RFC 6979 §3.2) for the charge
 * point's CSR, key derivation, and the DER forms (RFC 3279 Ecdsa-Sig-Value,
 * RFC 5480 SubjectPublicKeyInfo, RFC 5915 ECPrivateKey).
 *
 * Curve constants: FIPS 186-4 D.1.2.3 / SEC 2 secp256r1. Points are kept in
 * Jacobian coordinates (x = X/Z², y = Y/Z³) so only the end needs an inverse.
 * Not constant-time (BigInt arithmetic never is): the private key is used
 * only for the rare CSR signature, on the charger itself.
 * Vectors: tests/util/p256.test.ts (RFC 6979 A.2.5, Node crypto both ways).
 */
import {
  derBitString,
  derExpect,
  derOid,
  derRead,
  DerError,
  derSequence,
  derSmallInteger,
  derTlv,
  derUnsignedInteger,
  oidText,
  TAG,
} from "util/der";
import { hmacSha256 } from "util/sha256";

export const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;
const P = P256_P;
const N = P256_N;

export const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
export const OID_P256 = "1.2.840.10045.3.1.7";
export const OID_ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

export class P256Error extends Error {
  override name = "P256Error"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message: string) {
    super(message);
  }
}

export interface EcdsaSignature {
  r: bigint;
  s: bigint;
}

/** A point in Jacobian coordinates; z = 0 is the point at infinity. */
interface Jacobian {
  x: bigint;
  y: bigint;
  z: bigint;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** a⁻¹ mod m (m prime, a ≠ 0) by the extended Euclidean algorithm. */
function invert(a: bigint, m: bigint): bigint {
  let r0 = m;
  let r1 = mod(a, m);
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    const r2 = r0 - q * r1;
    r0 = r1;
    r1 = r2;
    const t2 = t0 - q * t1;
    t0 = t1;
    t1 = t2;
  }
  if (r0 !== 1n) throw new P256Error("not invertible");
  return mod(t0, m);
}

/** 2·p for a = −3 (the "dbl-2001-b" formulas: δ = Z², γ = Y², β = Xγ, α = 3(X−δ)(X+δ)). */
function double(p: Jacobian): Jacobian {
  if (p.z === 0n || p.y === 0n) return { x: 0n, y: 1n, z: 0n };
  const delta = (p.z * p.z) % P;
  const gamma = (p.y * p.y) % P;
  const beta = (p.x * gamma) % P;
  const alpha = (3n * mod(p.x - delta, P) * (p.x + delta)) % P;
  const x = mod(alpha * alpha - 8n * beta, P);
  const z = mod((p.y + p.z) * (p.y + p.z) - gamma - delta, P);
  const y = mod(alpha * (4n * beta - x) - 8n * ((gamma * gamma) % P), P);
  return { x, y, z };
}

/** p + q, general Jacobian addition. */
function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p.z === 0n) return q;
  if (q.z === 0n) return p;
  const z1z1 = (p.z * p.z) % P;
  const z2z2 = (q.z * q.z) % P;
  const u1 = (p.x * z2z2) % P;
  const u2 = (q.x * z1z1) % P;
  const s1 = (((p.y * q.z) % P) * z2z2) % P;
  const s2 = (((q.y * p.z) % P) * z1z1) % P;
  const h = mod(u2 - u1, P);
  const r = mod(s2 - s1, P);
  if (h === 0n) return r === 0n ? double(p) : { x: 0n, y: 1n, z: 0n };
  const hh = (h * h) % P;
  const hhh = (hh * h) % P;
  const v = (u1 * hh) % P;
  const x = mod(r * r - hhh - 2n * v, P);
  const y = mod(r * (v - x) - s1 * hhh, P);
  const z = (((p.z * q.z) % P) * h) % P;
  return { x, y, z };
}

/** Affine x and y of a finite point. */
function affine(p: Jacobian): { x: bigint; y: bigint } {
  const zi = invert(p.z, P);
  const zi2 = (zi * zi) % P;
  return { x: (p.x * zi2) % P, y: (((p.y * zi2) % P) * zi) % P };
}

/** u1·G + u2·Q in one pass over the bits (Shamir's trick). */
function twoMultiples(u1: bigint, u2: bigint, q: Jacobian): Jacobian {
  const g: Jacobian = { x: GX, y: GY, z: 1n };
  const sum = add(g, q);
  let acc: Jacobian = { x: 0n, y: 1n, z: 0n };
  for (let bit = 255; bit >= 0; bit--) {
    acc = double(acc);
    const b1 = (u1 >> BigInt(bit)) & 1n;
    const b2 = (u2 >> BigInt(bit)) & 1n;
    if (b1 === 1n && b2 === 1n) acc = add(acc, sum);
    else if (b1 === 1n) acc = add(acc, g);
    else if (b2 === 1n) acc = add(acc, q);
  }
  return acc;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

/** Big-endian bytes of `value`, left-padded to `length`. */
export function bigIntToBytes(value: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new P256Error("integer too large");
  return out;
}

function onCurve(x: bigint, y: bigint): boolean {
  if (x < 0n || x >= P || y < 0n || y >= P) return false;
  return mod(y * y - (x * x * x - 3n * x + B), P) === 0n;
}

/** The point of an uncompressed SEC 1 public key (0x04 ‖ X ‖ Y); throws when it is not on the curve. */
function decodePoint(publicKey: Uint8Array): Jacobian {
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) throw new P256Error("not an uncompressed P-256 public key");
  const x = bytesToBigInt(publicKey.subarray(1, 33));
  const y = bytesToBigInt(publicKey.subarray(33, 65));
  if (!onCurve(x, y)) throw new P256Error("public key not on P-256");
  return { x, y, z: 1n };
}

/** The uncompressed public key (65 bytes) of a 32-byte private key. */
export function p256PublicKey(privateKey: Uint8Array): Uint8Array {
  const d = bytesToBigInt(privateKey);
  if (privateKey.length !== 32 || d <= 0n || d >= N) throw new P256Error("private key out of range");
  const point = affine(twoMultiples(d, 0n, { x: 0n, y: 1n, z: 0n }));
  const out = new Uint8Array(65);
  out[0] = 0x04;
  out.set(bigIntToBytes(point.x), 1);
  out.set(bigIntToBytes(point.y), 33);
  return out;
}

/** True when 32 random bytes make a usable private key (1 ≤ d < n); else draw again (FIPS 186-4 B.4.2). */
export function isP256PrivateKey(bytes: Uint8Array): boolean {
  if (bytes.length !== 32) return false;
  const d = bytesToBigInt(bytes);
  return d > 0n && d < N;
}

/**
 * FIPS 186-4 §6.4.2 verification of (r, s) over a SHA-256 `digest` with an
 * uncompressed public key. False for any bad input (key off the curve included).
 */
export function p256Verify(publicKey: Uint8Array, digest: Uint8Array, signature: EcdsaSignature): boolean {
  const { r, s } = signature;
  if (digest.length !== 32 || r <= 0n || r >= N || s <= 0n || s >= N) return false;
  let q: Jacobian;
  try {
    q = decodePoint(publicKey);
  } catch {
    return false;
  }
  const e = bytesToBigInt(digest);
  const w = invert(s, N);
  const point = twoMultiples((e * w) % N, (r * w) % N, q);
  if (point.z === 0n) return false;
  return affine(point).x % N === r;
}

/** RFC 6979 §3.2 nonce generator for qlen = hlen = 256: yields k candidates in order. */
function* rfc6979Nonces(privateKey: Uint8Array, digest: Uint8Array): Generator<bigint> {
  const h1 = bigIntToBytes(bytesToBigInt(digest) % N); // bits2octets(h1)
  let v: Uint8Array = new Uint8Array(32).fill(1);
  let k: Uint8Array = new Uint8Array(32);
  const zero = new Uint8Array([0]);
  const one = new Uint8Array([1]);
  k = hmacSha256(k, v, zero, privateKey, h1);
  v = hmacSha256(k, v);
  k = hmacSha256(k, v, one, privateKey, h1);
  v = hmacSha256(k, v);
  for (;;) {
    v = hmacSha256(k, v);
    const candidate = bytesToBigInt(v);
    if (candidate > 0n && candidate < N) yield candidate;
    k = hmacSha256(k, v, zero);
    v = hmacSha256(k, v);
  }
}
// Every generator function has its own prototype object: frozen, it stays in flash when preloaded.
Object.freeze(rfc6979Nonces.prototype as object);

/** Deterministic ECDSA signature (RFC 6979) of a SHA-256 `digest`; s is not normalised (as RFC 6979's vectors). */
export function p256Sign(privateKey: Uint8Array, digest: Uint8Array): EcdsaSignature {
  if (!isP256PrivateKey(privateKey)) throw new P256Error("private key out of range");
  if (digest.length !== 32) throw new P256Error("digest is not 32 bytes");
  const d = bytesToBigInt(privateKey);
  const e = bytesToBigInt(digest);
  for (const k of rfc6979Nonces(privateKey, digest)) {
    const point = twoMultiples(k, 0n, { x: 0n, y: 1n, z: 0n });
    const r = affine(point).x % N;
    if (r === 0n) continue;
    const s = (invert(k, N) * ((e + r * d) % N)) % N;
    if (s === 0n) continue;
    return { r, s };
  }
  throw new P256Error("no nonce"); // unreachable: the generator never ends
}

/** Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3). */
export function ecdsaSignatureToDer(signature: EcdsaSignature): Uint8Array {
  return derSequence(derUnsignedInteger(bigIntToBytes(signature.r)), derUnsignedInteger(bigIntToBytes(signature.s)));
}

function readPositiveInteger(der: Uint8Array, at: number, limit: number): { value: bigint; end: number } {
  const tlv = derExpect(der, at, limit, TAG.INTEGER, "ECDSA signature integer");
  const length = tlv.end - tlv.start;
  if (length === 0) throw new DerError("empty INTEGER");
  if (der[tlv.start] & 0x80) throw new DerError("negative INTEGER");
  if (length > 1 && der[tlv.start] === 0 && !(der[tlv.start + 1] & 0x80)) throw new DerError("non-minimal INTEGER");
  if (length > 33) throw new DerError("INTEGER too long");
  return { value: bytesToBigInt(der.subarray(tlv.start, tlv.end)), end: tlv.end };
}

/** Parses a DER ECDSA signature; throws DerError on anything but strict DER. */
export function ecdsaSignatureFromDer(der: Uint8Array): EcdsaSignature {
  const seq = derExpect(der, 0, der.length, TAG.SEQUENCE, "ECDSA signature");
  if (seq.end !== der.length) throw new DerError("bytes after the ECDSA signature");
  const r = readPositiveInteger(der, seq.start, seq.end);
  const s = readPositiveInteger(der, r.end, seq.end);
  if (s.end !== seq.end) throw new DerError("extra fields in the ECDSA signature");
  return { r: r.value, s: s.value };
}

/** Verifies a DER-encoded signature; false for a malformed one. */
export function p256VerifyDer(publicKey: Uint8Array, digest: Uint8Array, derSignature: Uint8Array): boolean {
  let signature: EcdsaSignature;
  try {
    signature = ecdsaSignatureFromDer(derSignature);
  } catch {
    return false;
  }
  return p256Verify(publicKey, digest, signature);
}

/** AlgorithmIdentifier { id-ecPublicKey, prime256v1 } (RFC 5480 §2.1.1). */
export function p256AlgorithmIdentifier(): Uint8Array {
  return derSequence(derOid(OID_EC_PUBLIC_KEY), derOid(OID_P256));
}

/** SubjectPublicKeyInfo of an uncompressed P-256 public key (RFC 5480). */
export function p256SpkiDer(publicKey: Uint8Array): Uint8Array {
  decodePoint(publicKey);
  return derSequence(p256AlgorithmIdentifier(), derBitString(publicKey));
}

/** The uncompressed public key of a P-256 SubjectPublicKeyInfo; throws when it is another kind of key. */
export function p256PublicKeyFromSpki(der: Uint8Array): Uint8Array {
  const spki = derExpect(der, 0, der.length, TAG.SEQUENCE, "SubjectPublicKeyInfo");
  if (spki.end !== der.length) throw new DerError("bytes after SubjectPublicKeyInfo");
  const algorithm = derExpect(der, spki.start, spki.end, TAG.SEQUENCE, "algorithm");
  const oid = derExpect(der, algorithm.start, algorithm.end, TAG.OID, "algorithm OID");
  if (oidText(der, oid.start, oid.end) !== OID_EC_PUBLIC_KEY) throw new P256Error("not an EC public key");
  const curve = derRead(der, oid.end, algorithm.end);
  if (curve.tag !== TAG.OID || oidText(der, curve.start, curve.end) !== OID_P256) throw new P256Error("EC key not on P-256");
  const key = derExpect(der, algorithm.end, spki.end, TAG.BIT_STRING, "subjectPublicKey");
  if (key.end !== spki.end || der[key.start] !== 0) throw new DerError("bad subjectPublicKey");
  const point = der.slice(key.start + 1, key.end);
  decodePoint(point);
  return point;
}

/** ECPrivateKey (RFC 5915) with the curve and public key: the "EC PRIVATE KEY" PEM TLS stacks read. */
export function p256PrivateKeyDer(privateKey: Uint8Array): Uint8Array {
  const publicKey = p256PublicKey(privateKey);
  return derSequence(
    derSmallInteger(1),
    derTlv(TAG.OCTET_STRING, privateKey),
    derTlv(0xa0, derOid(OID_P256)),
    derTlv(0xa1, derBitString(publicKey)),
  );
}
