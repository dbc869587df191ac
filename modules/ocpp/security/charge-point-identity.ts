/**
 * The charge point's own key pair and certificate [SEC A02/A03, §1.5 of the
 * reference]: a P-256 key made from the platform's random bytes, a PKCS#10
 * request (RFC 2986) with subject O = CpoName, CN = the charge point serial,
 * signed by that key; the chain CertificateSigned brings is taken when its
 * leaf carries the pending key and it chains to an installed
 * CentralSystemRootCertificate. Kept in NVS (namespace "ocppcpid"): the
 * pending key `pkey`, the key in use `key` (32 bytes each), the chain as DER
 * blobs `c0`…`c2` with their count `n`. The private key never leaves the
 * charger except to the TLS stack.
 */
import type { KeyValueStore } from "ports/kv";
import { derOid, derSequence, derSmallInteger, derTlv, derUtf8String, derBitString, TAG } from "util/der";
import {
  ecdsaSignatureToDer,
  isP256PrivateKey,
  OID_ECDSA_WITH_SHA256,
  p256PrivateKeyDer,
  p256PublicKey,
  p256PublicKeyFromSpki,
  p256Sign,
  p256SpkiDer,
} from "util/p256";
import { derToPem, pemBlock } from "util/pem";
import { sha256 } from "util/sha256";
import { verifyPemChain } from "./chain";
import type { Certificate } from "./x509";

const NAMESPACE = "ocppcpid";
const MAX_CHAIN = 3;
const MAX_DER_BYTES = 4000;

export type ChainInstallResult = { status: "Accepted" } | { status: "Rejected"; reason: string };

export interface ChargePointIdentityOptions {
  kv: KeyValueStore;
  /** Absent: no key generation on this platform (createCsr throws). */
  randomBytes?: (length: number) => Uint8Array;
}

/** TLS client credentials (security profile 3). */
export interface ClientCredentials {
  /** PEM certificates, leaf first. */
  certificates: string[];
  /** The private key as "EC PRIVATE KEY" PEM (RFC 5915). */
  keyPem: string;
  /** The same as DER (chain leaf first, key) for TLS stacks that take DER. */
  certificatesDer: Uint8Array[];
  keyDer: Uint8Array;
}

function nameDer(organization: string, commonName: string): Uint8Array {
  const rdn = (oid: string, value: string): Uint8Array => derTlv(TAG.SET, derSequence(derOid(oid), derUtf8String(value)));
  return derSequence(rdn("2.5.4.10", organization), rdn("2.5.4.3", commonName));
}

function toBytes(value: unknown): Uint8Array | undefined {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : undefined;
}

function copyBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class ChargePointIdentity {
  readonly #o: ChargePointIdentityOptions;
  #chain: Uint8Array[] = [];
  #key: Uint8Array | undefined;
  readonly #listeners: Array<() => void> = [];

  constructor(options: ChargePointIdentityOptions) {
    this.#o = options;
    this.#load();
  }

  /** True when a certificate and its key are installed (security profile 3 possible). */
  /** True when this platform can make key pairs (it has a random source): SignChargePointCertificate is possible. */
  get canCreateKeys(): boolean {
    return this.#o.randomBytes !== undefined;
  }

  get hasCertificate(): boolean {
    return this.#key !== undefined && this.#chain.length > 0;
  }

  /** Called after a new chain was installed. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /**
   * A fresh key pair (kept as pending in NVS) and the PEM CSR for it
   * [SEC A02.FR.02–05]; throws when the key cannot be stored.
   */
  createCsr(organization: string, commonName: string): string {
    const random = this.#o.randomBytes;
    if (random === undefined) throw new Error("no random source on this platform");
    let privateKey = random(32);
    for (let tries = 0; !isP256PrivateKey(privateKey); tries++) {
      if (tries > 8) throw new Error("random source gives no usable key");
      privateKey = random(32);
    }
    this.#o.kv.set(NAMESPACE, "pkey", copyBuffer(privateKey));
    const info = derSequence(derSmallInteger(0), nameDer(organization, commonName), p256SpkiDer(p256PublicKey(privateKey)), derTlv(0xa0));
    const signature = ecdsaSignatureToDer(p256Sign(privateKey, sha256(info)));
    const request = derSequence(info, derSequence(derOid(OID_ECDSA_WITH_SHA256)), derBitString(signature));
    return pemBlock("CERTIFICATE REQUEST", request);
  }

  /**
   * CertificateSigned [SEC A02.FR.06–09]: the leaf must carry the pending
   * key (or the key in use: a re-issued certificate) and the chain must lead
   * to one of `roots`; then key and chain replace the old ones.
   */
  install(pem: string, roots: readonly Certificate[], nowUtcMs: number | undefined): ChainInstallResult {
    const checked = verifyPemChain(pem, roots, nowUtcMs);
    if (!checked.ok) return { status: "Rejected", reason: checked.reason };
    const chain = checked.chain;
    if (chain.length > MAX_CHAIN) return { status: "Rejected", reason: `${chain.length} certificates (at most ${MAX_CHAIN} kept)` };
    let leafKey: Uint8Array;
    try {
      leafKey = p256PublicKeyFromSpki(chain[0].spkiDer);
    } catch (error) {
      return { status: "Rejected", reason: `certificate key: ${(error as Error).message}` };
    }
    const pending = toBytes(this.#o.kv.get(NAMESPACE, "pkey"));
    let key: Uint8Array | undefined;
    if (pending && isP256PrivateKey(pending) && sameBytes(p256PublicKey(pending), leafKey)) key = pending;
    else if (this.#key && sameBytes(p256PublicKey(this.#key), leafKey)) key = this.#key;
    if (key === undefined) return { status: "Rejected", reason: "certificate is not for the key of the last CSR" };
    for (let i = 0; i < chain.length; i++) {
      if (chain[i].der.length > MAX_DER_BYTES) return { status: "Rejected", reason: `certificate of ${chain[i].der.length} bytes` };
    }
    const kv = this.#o.kv;
    for (let i = 0; i < chain.length; i++) kv.set(NAMESPACE, `c${i}`, copyBuffer(chain[i].der));
    kv.set(NAMESPACE, "key", copyBuffer(key));
    kv.set(NAMESPACE, "n", chain.length);
    for (let i = chain.length; i < MAX_CHAIN; i++) kv.delete(NAMESPACE, `c${i}`);
    if (key === pending) kv.delete(NAMESPACE, "pkey");
    this.#key = key;
    this.#chain = chain.map((c) => c.der);
    for (let i = 0; i < this.#listeners.length; i++) this.#listeners[i]();
    return { status: "Accepted" };
  }

  /** The certificate chain and key for a TLS client (profile 3), or undefined when none is installed. */
  credentials(): ClientCredentials | undefined {
    const key = this.#key;
    if (key === undefined || this.#chain.length === 0) return undefined;
    const keyDer = p256PrivateKeyDer(key);
    return {
      certificates: this.#chain.map((der) => derToPem(der)),
      keyPem: pemBlock("EC PRIVATE KEY", keyDer),
      certificatesDer: this.#chain.slice(),
      keyDer,
    };
  }

  #load(): void {
    const key = toBytes(this.#o.kv.get(NAMESPACE, "key"));
    const count = this.#o.kv.get(NAMESPACE, "n");
    if (key === undefined || !isP256PrivateKey(key) || typeof count !== "number") return;
    const chain: Uint8Array[] = [];
    for (let i = 0; i < count && i < MAX_CHAIN; i++) {
      const der = toBytes(this.#o.kv.get(NAMESPACE, `c${i}`));
      if (der === undefined) return;
      chain.push(der);
    }
    this.#key = key;
    this.#chain = chain;
  }
}
