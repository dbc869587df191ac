/**
 * Installed root certificates [SEC M03–M05]: CentralSystemRootCertificate
 * (the CA list for wss://) and ManufacturerRootCertificate (firmware
 * signing), kept as DER in NVS, one blob per certificate (≤ 4000 bytes, the
 * NVS limit; a bigger one is Rejected), at most CertificateStoreMaxLength of
 * them. Knows nothing of OCPP messages: the action handlers map results.
 *
 * Only self-issued (root) certificates are taken: the issuerKeyHash of the
 * CertificateHashData is the hash of the issuer's key, known for a root
 * (its own) but not for a sub-CA whose issuer is not installed.
 */
import type { KeyValueStore } from "ports/kv";
import { sha256, toHex } from "util/sha256";
import { parseCertificate, CertificateError, type Certificate } from "./x509";
import { derToPem, pemToDer } from "util/pem";

export type RootCertificateType = "CentralSystemRootCertificate" | "ManufacturerRootCertificate";

export interface CertificateHashData {
  hashAlgorithm: "SHA256" | "SHA384" | "SHA512";
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

export type InstallResult =
  { status: "Accepted" } | { status: "Rejected"; reason: string; invalid: boolean } | { status: "Failed"; reason: string };

const NAMESPACE = "ocppcert";
const INDEX = "index";
const MAX_DER_BYTES = 4000;
const TYPE_CODE: Readonly<Record<RootCertificateType, string>> = Object.freeze({
  CentralSystemRootCertificate: "C",
  ManufacturerRootCertificate: "M",
});

interface Slot {
  slot: number;
  type: RootCertificateType;
  cert: Certificate;
  hash: CertificateHashData;
}

export interface CertificateStoreOptions {
  kv: KeyValueStore;
  /** Most certificates kept (CertificateStoreMaxLength), read at each install. */
  maxCount: () => number;
  /** UTC now, or undefined while the clock is not set (validity then unchecked). */
  nowUtcMs: () => number | undefined;
}

/** CertificateHashData of a root certificate (SHA-256, white paper §6.1). */
export function hashDataOf(cert: Certificate): CertificateHashData {
  return {
    hashAlgorithm: "SHA256",
    issuerNameHash: toHex(sha256(cert.issuerDer)),
    issuerKeyHash: toHex(sha256(cert.publicKey)),
    serialNumber: cert.serialHex,
  };
}

function sameHash(a: CertificateHashData, b: CertificateHashData): boolean {
  return (
    a.hashAlgorithm === b.hashAlgorithm &&
    a.issuerNameHash.toLowerCase() === b.issuerNameHash.toLowerCase() &&
    a.issuerKeyHash.toLowerCase() === b.issuerKeyHash.toLowerCase() &&
    a.serialNumber.replace(/^0+(?=.)/, "").toUpperCase() === b.serialNumber.replace(/^0+(?=.)/, "").toUpperCase()
  );
}

export class CertificateStore {
  readonly #o: CertificateStoreOptions;
  readonly #slots: Slot[] = [];
  readonly #listeners: Array<() => void> = [];

  constructor(options: CertificateStoreOptions) {
    this.#o = options;
    this.#load();
  }

  get count(): number {
    return this.#slots.length;
  }

  /** Called after every install or delete. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** InstallCertificate [SEC M05]: the PEM must hold exactly one valid root certificate. */
  install(type: RootCertificateType, pem: string): InstallResult {
    const blocks = pemToDer(pem);
    if (blocks === undefined) return { status: "Rejected", reason: "not a PEM certificate", invalid: true };
    if (blocks.length !== 1) return { status: "Rejected", reason: `${blocks.length} certificates where one was expected`, invalid: true };
    let cert: Certificate;
    try {
      cert = parseCertificate(blocks[0]);
    } catch (error) {
      return { status: "Rejected", reason: error instanceof CertificateError ? error.message : String(error), invalid: true };
    }
    if (!cert.selfIssued) return { status: "Rejected", reason: "not a root certificate (issuer differs from subject)", invalid: true };
    const now = this.#o.nowUtcMs();
    if (now !== undefined && now > cert.notAfterMs) return { status: "Rejected", reason: "certificate expired", invalid: true };
    if (now !== undefined && now < cert.notBeforeMs) return { status: "Rejected", reason: "certificate not valid yet", invalid: true };
    if (cert.der.length > MAX_DER_BYTES)
      return { status: "Rejected", reason: `certificate of ${cert.der.length} bytes (store takes ${MAX_DER_BYTES})`, invalid: false };
    const hash = hashDataOf(cert);
    for (let i = 0; i < this.#slots.length; i++) {
      const existing = this.#slots[i];
      if (existing.type === type && sameHash(existing.hash, hash)) return { status: "Accepted" }; // already installed
    }
    if (this.#slots.length >= this.#o.maxCount()) return { status: "Rejected", reason: "certificate store full", invalid: false };
    let slot = 0;
    while (this.#slots.some((s) => s.slot === slot)) slot++;
    try {
      const copy = new Uint8Array(cert.der.length);
      copy.set(cert.der);
      this.#o.kv.set(NAMESPACE, `c${slot}`, copy.buffer);
      this.#slots.push({ slot, type, cert, hash });
      this.#saveIndex();
    } catch (error) {
      this.#slots.splice(
        this.#slots.findIndex((s) => s.slot === slot),
        1,
      );
      this.#o.kv.delete(NAMESPACE, `c${slot}`);
      return { status: "Failed", reason: `not stored: ${(error as Error).message}` };
    }
    this.#changed();
    return { status: "Accepted" };
  }

  /** Hash data of the installed certificates of a type, in install order. */
  list(type: RootCertificateType): CertificateHashData[] {
    const out: CertificateHashData[] = [];
    for (let i = 0; i < this.#slots.length; i++) if (this.#slots[i].type === type) out.push({ ...this.#slots[i].hash });
    return out;
  }

  /** The type of the certificate with this hash data, or undefined. */
  typeOf(hash: CertificateHashData): RootCertificateType | undefined {
    for (let i = 0; i < this.#slots.length; i++) if (sameHash(this.#slots[i].hash, hash)) return this.#slots[i].type;
    return undefined;
  }

  /** Removes the certificate with this hash data; false when none matches. */
  delete(hash: CertificateHashData): boolean {
    const index = this.#slots.findIndex((s) => sameHash(s.hash, hash));
    if (index < 0) return false;
    const [removed] = this.#slots.splice(index, 1);
    this.#saveIndex();
    this.#o.kv.delete(NAMESPACE, `c${removed.slot}`);
    this.#changed();
    return true;
  }

  /** The parsed installed certificates of a type (chain checks). */
  certificates(type: RootCertificateType): Certificate[] {
    const out: Certificate[] = [];
    for (let i = 0; i < this.#slots.length; i++) if (this.#slots[i].type === type) out.push(this.#slots[i].cert);
    return out;
  }

  /** PEM of the installed certificates of a type (the CA list of wss:// for CentralSystemRootCertificate). */
  pems(type: RootCertificateType): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.#slots.length; i++) if (this.#slots[i].type === type) out.push(derToPem(this.#slots[i].cert.der));
    return out;
  }

  #changed(): void {
    for (let i = 0; i < this.#listeners.length; i++) this.#listeners[i]();
  }

  #saveIndex(): void {
    const index = this.#slots.map((s) => `${s.slot}${TYPE_CODE[s.type]}`).join(",");
    this.#o.kv.set(NAMESPACE, INDEX, index);
  }

  /** Reads the index; entries whose blob is gone or unreadable are dropped. */
  #load(): void {
    const index = this.#o.kv.get(NAMESPACE, INDEX);
    if (typeof index !== "string" || index === "") return;
    for (const item of index.split(",")) {
      const match = /^(\d+)([CM])$/.exec(item);
      if (!match) continue;
      const slot = Number(match[1]);
      const blob = this.#o.kv.get(NAMESPACE, `c${slot}`);
      if (!(blob instanceof ArrayBuffer)) continue;
      try {
        const cert = parseCertificate(new Uint8Array(blob));
        const type: RootCertificateType = match[2] === "C" ? "CentralSystemRootCertificate" : "ManufacturerRootCertificate";
        this.#slots.push({ slot, type, cert, hash: hashDataOf(cert) });
      } catch {
        // A blob that no longer parses is skipped (and dropped from the index at the next change).
      }
    }
  }
}
