/**
 * Certificate chains checked on the charger [SEC A02/L01, RFC 5280 §6 in
 * short]: every certificate valid now, each signed by the next one, the
 * last signed by (or equal to) an installed root. Signatures are checked
 * for ecdsa-with-SHA256 by P-256 keys only; any other algorithm (RSA) is
 * refused with a reason that says so. No revocation, extensions or path
 * length checks.
 */
import { sha256 } from "util/sha256";
import { OID_ECDSA_WITH_SHA256, p256PublicKeyFromSpki, p256VerifyDer } from "util/p256";
import { CertificateError, parseCertificate, sameName, type Certificate } from "./x509";
import { pemToDer } from "util/pem";

/** Why `cert` is not signed by `issuer`, or undefined when it is. */
export function signatureProblem(cert: Certificate, issuer: Certificate): string | undefined {
  if (!sameName(cert.issuerDer, issuer.subjectDer)) return "issuer name differs from the signer's subject";
  if (cert.signatureAlgorithm !== OID_ECDSA_WITH_SHA256)
    return `signature algorithm ${cert.signatureAlgorithm} not supported (only ecdsa-with-SHA256; no RSA in this build)`;
  let key: Uint8Array;
  try {
    key = p256PublicKeyFromSpki(issuer.spkiDer);
  } catch (error) {
    return `signer key not usable (${(error as Error).message}; only P-256)`;
  }
  return p256VerifyDer(key, sha256(cert.tbsDer), cert.signature) ? undefined : "signature does not verify";
}

/** Why `cert` is not valid at `nowMs` (undefined: clock not set, not checked). */
export function validityProblem(cert: Certificate, nowMs: number | undefined): string | undefined {
  if (nowMs === undefined) return undefined;
  if (nowMs > cert.notAfterMs) return "certificate expired";
  if (nowMs < cert.notBeforeMs) return "certificate not valid yet";
  return undefined;
}

export type ChainResult = { ok: true; chain: Certificate[] } | { ok: false; reason: string };

/** Parses a PEM chain (leaf first) and checks it up to one of `roots`. */
export function verifyPemChain(pem: string, roots: readonly Certificate[], nowMs: number | undefined): ChainResult {
  const blocks = pemToDer(pem);
  if (blocks === undefined) return { ok: false, reason: "not PEM certificates" };
  const chain: Certificate[] = [];
  for (let i = 0; i < blocks.length; i++) {
    try {
      chain.push(parseCertificate(blocks[i]));
    } catch (error) {
      return { ok: false, reason: error instanceof CertificateError ? error.message : String(error) };
    }
  }
  for (let i = 0; i < chain.length; i++) {
    const problem = validityProblem(chain[i], nowMs);
    if (problem) return { ok: false, reason: `certificate ${i}: ${problem}` };
    if (i + 1 < chain.length) {
      const signed = signatureProblem(chain[i], chain[i + 1]);
      if (signed) return { ok: false, reason: `certificate ${i}: ${signed}` };
    }
  }
  const top = chain[chain.length - 1];
  let lastProblem = "no installed root certificate issued it";
  for (let i = 0; i < roots.length; i++) {
    if (sameName(top.der, roots[i].der)) return { ok: true, chain };
    if (!sameName(top.issuerDer, roots[i].subjectDer)) continue;
    const problem = signatureProblem(top, roots[i]) ?? validityProblem(roots[i], nowMs);
    if (problem === undefined) return { ok: true, chain };
    lastProblem = problem;
  }
  return { ok: false, reason: lastProblem };
}
