/**
 * Minimal X.509 (RFC 5280 §4.1) reading of a DER certificate: enough to
 * reject garbage, to know the validity period, and to build the OCPP
 * CertificateHashData (white paper §6.1, same as the OCSP CertID of
 * RFC 6960: SHA-256 over the DER issuer Name and over the issuer's public
 * key BIT STRING value, serial number in hex without leading zeroes).
 *
 * Signatures are checked by ./chain (ECDSA P-256 only) from the parts kept
 * here: the signed TBSCertificate bytes, the algorithm and the signature.
 */
import { oidText } from "util/der";

export interface Certificate {
  /** The whole DER certificate. */
  der: Uint8Array;
  /** Serial number as upper-case hex without leading zeroes ("0" for zero). */
  serialHex: string;
  /** DER of the issuer Name (the whole SEQUENCE). */
  issuerDer: Uint8Array;
  /** DER of the subject Name. */
  subjectDer: Uint8Array;
  /** Value of subjectPublicKey (the BIT STRING without its unused-bits byte). */
  publicKey: Uint8Array;
  notBeforeMs: number;
  notAfterMs: number;
  /** Issuer Name equals subject Name. */
  selfIssued: boolean;
  /** DER of the TBSCertificate (the signed bytes). */
  tbsDer: Uint8Array;
  /** Dotted OID of signatureAlgorithm (1.2.840.10045.4.3.2 = ecdsa-with-SHA256). */
  signatureAlgorithm: string;
  /** Value of signatureValue (without the unused-bits byte). */
  signature: Uint8Array;
  /** DER of the whole SubjectPublicKeyInfo. */
  spkiDer: Uint8Array;
}

export class CertificateError extends Error {
  override name = "CertificateError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message: string) {
    super(message);
  }
}

interface Tlv {
  tag: number;
  /** Start of the value. */
  start: number;
  /** End of the value (exclusive). */
  end: number;
  /** Start of the tag byte. */
  at: number;
}

/** Reads one TLV at `at`, which must end at or before `limit` (single-byte tags, definite lengths only). */
function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new CertificateError("truncated DER");
  const tag = der[at];
  if ((tag & 0x1f) === 0x1f) throw new CertificateError("multi-byte DER tag");
  let length = der[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new CertificateError("bad DER length");
    if (start + count > limit) throw new CertificateError("truncated DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i];
    start += count;
  }
  const end = start + length;
  if (end > limit) throw new CertificateError("DER value runs past its container");
  return { tag, start, end, at };
}

function expect(der: Uint8Array, at: number, limit: number, tag: number, what: string): Tlv {
  const tlv = readTlv(der, at, limit);
  if (tlv.tag !== tag) throw new CertificateError(`${what}: tag 0x${tlv.tag.toString(16)} where 0x${tag.toString(16)} was expected`);
  return tlv;
}

function digits(der: Uint8Array, from: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const c = der[from + i] - 48;
    if (c < 0 || c > 9) throw new CertificateError("bad digit in a certificate time");
    value = value * 10 + c;
  }
  return value;
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280 §4.1.2.5 allows them. */
function readTime(der: Uint8Array, tlv: Tlv): number {
  const length = tlv.end - tlv.start;
  let at = tlv.start;
  let year: number;
  if (tlv.tag === 0x17 && length === 13) {
    const yy = digits(der, at, 2);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
    at += 2;
  } else if (tlv.tag === 0x18 && length === 15) {
    year = digits(der, at, 4);
    at += 4;
  } else throw new CertificateError("certificate time is neither UTCTime nor GeneralizedTime");
  if (der[tlv.end - 1] !== 0x5a) throw new CertificateError("certificate time not in UTC (Z)");
  const month = digits(der, at, 2);
  const day = digits(der, at + 2, 2);
  const hour = digits(der, at + 4, 2);
  const minute = digits(der, at + 6, 2);
  const second = digits(der, at + 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    throw new CertificateError("certificate time out of range");
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function oidOf(der: Uint8Array, tlv: Tlv): string {
  try {
    return oidText(der, tlv.start, tlv.end);
  } catch (error) {
    throw new CertificateError((error as Error).message);
  }
}

function serialHexOf(der: Uint8Array, tlv: Tlv): string {
  if (tlv.end === tlv.start) throw new CertificateError("empty serial number");
  let hex = "";
  for (let i = tlv.start; i < tlv.end; i++) hex += (der[i] < 16 ? "0" : "") + der[i].toString(16);
  hex = hex.replace(/^0+/, "").toUpperCase();
  return hex === "" ? "0" : hex;
}

/** Parses a DER certificate; throws CertificateError when it is not one. */
export function parseCertificate(der: Uint8Array): Certificate {
  const outer = expect(der, 0, der.length, 0x30, "Certificate");
  if (outer.end !== der.length) throw new CertificateError("bytes after the certificate");
  const tbs = expect(der, outer.start, outer.end, 0x30, "TBSCertificate");
  const sigAlg = expect(der, tbs.end, outer.end, 0x30, "signatureAlgorithm");
  const signature = expect(der, sigAlg.end, outer.end, 0x03, "signatureValue");
  if (signature.end !== outer.end) throw new CertificateError("extra fields in Certificate");
  if (signature.end - signature.start < 2 || der[signature.start] !== 0) throw new CertificateError("bad signatureValue bit string");
  const sigOid = expect(der, sigAlg.start, sigAlg.end, 0x06, "signatureAlgorithm.algorithm");

  let at = tbs.start;
  let field = readTlv(der, at, tbs.end);
  if (field.tag === 0xa0) {
    const version = expect(der, field.start, field.end, 0x02, "version");
    if (version.end - version.start !== 1 || der[version.start] > 2) throw new CertificateError("unknown certificate version");
    at = field.end;
  }
  const serial = expect(der, at, tbs.end, 0x02, "serialNumber");
  const algorithm = expect(der, serial.end, tbs.end, 0x30, "signature");
  const issuer = expect(der, algorithm.end, tbs.end, 0x30, "issuer");
  const validity = expect(der, issuer.end, tbs.end, 0x30, "validity");
  const notBefore = readTlv(der, validity.start, validity.end);
  const notAfter = readTlv(der, notBefore.end, validity.end);
  if (notAfter.end !== validity.end) throw new CertificateError("extra fields in validity");
  const subject = expect(der, validity.end, tbs.end, 0x30, "subject");
  const spki = expect(der, subject.end, tbs.end, 0x30, "subjectPublicKeyInfo");
  const keyAlgorithm = expect(der, spki.start, spki.end, 0x30, "subjectPublicKeyInfo.algorithm");
  const key = expect(der, keyAlgorithm.end, spki.end, 0x03, "subjectPublicKey");
  if (key.end - key.start < 2 || der[key.start] !== 0) throw new CertificateError("bad subjectPublicKey bit string");
  field = spki;
  // The rest (issuer/subject unique ids, [3] extensions) must at least be well-formed TLVs.
  for (at = spki.end; at < tbs.end; at = field.end) field = readTlv(der, at, tbs.end);

  const issuerDer = der.slice(issuer.at, issuer.end);
  const subjectDer = der.slice(subject.at, subject.end);
  const notBeforeMs = readTime(der, notBefore);
  const notAfterMs = readTime(der, notAfter);
  if (notAfterMs < notBeforeMs) throw new CertificateError("certificate expires before it starts");
  return {
    der,
    serialHex: serialHexOf(der, serial),
    issuerDer,
    subjectDer,
    publicKey: der.slice(key.start + 1, key.end),
    notBeforeMs,
    notAfterMs,
    selfIssued: sameBytes(issuerDer, subjectDer),
    tbsDer: der.slice(tbs.at, tbs.end),
    signatureAlgorithm: oidOf(der, sigOid),
    signature: der.slice(signature.start + 1, signature.end),
    spkiDer: der.slice(spki.at, spki.end),
  };
}

export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  return sameBytes(a, b);
}
