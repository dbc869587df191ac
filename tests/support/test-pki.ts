/**
 * Throwaway certificates for the tests, made with the `openssl` command line
 * at test time in a temporary directory (removed afterwards; no key is
 * committed): a TLS server's CA and certificate for 127.0.0.1 (from
 * tools/pki/throwaway-pki.ts, which the tools use too), a lone CA
 * (PEM and DER), and a factory of roots and leaves with the OCSP CertID
 * openssl computes for them (the independent hash oracle of the Security
 * tests).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inTempDir } from "../../tools/pki/throwaway-pki.ts";

export { hasOpenssl, makeServerPki, type ServerPki } from "../../tools/pki/throwaway-pki.ts";

/** A self-signed EC P-256 CA (`subject` as openssl's -subj), valid 2 days, as PEM and as DER (converted by openssl). */
export function makeCa(subject: string): { pem: string; der: Uint8Array } {
  return inTempDir("tlsopt-", (dir) => {
    const key = join(dir, "ca.key");
    const pem = join(dir, "ca.pem");
    const der = join(dir, "ca.der");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        pem,
        "-days",
        "2",
        "-subj",
        subject,
      ],
      { stdio: "ignore" },
    );
    execFileSync("openssl", ["x509", "-in", pem, "-outform", "DER", "-out", der]);
    return { pem: readFileSync(pem, "utf8"), der: new Uint8Array(readFileSync(der)) };
  });
}

export interface TestCertificate {
  pem: string;
  /** Hash data as openssl's OCSP request computes it (SHA-256). */
  issuerNameHash: string;
  issuerKeyHash: string;
  /** openssl prints the serial with an even digit count. */
  serialNumber: string;
  /** The private key (PEM), for certificates made with leafOfLast. */
  keyPem?: string;
}

/** Throwaway certificates in a temporary directory, removed by `dispose`. */
export class CertificateFactory {
  readonly dir = mkdtempSync(join(tmpdir(), "ocpp-sec-"));
  #count = 0;

  /** A self-signed root (EC P-256) valid `days` days from now (the real clock), with `serial`. */
  root(name: string, days: number, serial: number): TestCertificate {
    const n = this.#count++;
    const key = join(this.dir, `k${n}.pem`);
    const cert = join(this.dir, `c${n}.pem`);
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        String(days),
        "-subj",
        `/O=OCPP Test/CN=${name}`,
        "-set_serial",
        String(serial),
      ],
      { stdio: "pipe" },
    );
    return this.#withHash(cert);
  }

  /** The private key (PEM) of the root made last. */
  lastRootKeyPem(): string {
    return readFileSync(join(this.dir, `k${this.#count - 1}.pem`), "utf8");
  }

  /** A certificate `name` signed by the root made just before (not self-issued). */
  leafOfLast(name: string, serial: number, subjectAltName?: string): TestCertificate {
    const n = this.#count - 1;
    const key = join(this.dir, `lk${n}.pem`);
    const csr = join(this.dir, `l${n}.csr`);
    const cert = join(this.dir, `l${n}.pem`);
    const san: string[] = [];
    if (subjectAltName !== undefined) {
      const ext = join(this.dir, `l${n}.ext`);
      writeFileSync(ext, `subjectAltName=${subjectAltName}\n`);
      san.push("-extfile", ext);
    }
    execFileSync(
      "openssl",
      [
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        csr,
        "-subj",
        `/O=OCPP Test/CN=${name}`,
      ],
      { stdio: "pipe" },
    );
    execFileSync(
      "openssl",
      [
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        join(this.dir, `c${n}.pem`),
        "-CAkey",
        join(this.dir, `k${n}.pem`),
        "-out",
        cert,
        "-days",
        "3650",
        "-set_serial",
        String(serial),
        ...san,
      ],
      { stdio: "pipe" },
    );
    return { pem: readFileSync(cert, "utf8"), keyPem: readFileSync(key, "utf8"), issuerNameHash: "", issuerKeyHash: "", serialNumber: "" };
  }

  /** Signs a CSR (PEM) with root number `rootIndex` (0 = the first made), valid `days` days; returns the certificate PEM. */
  signCsr(csr: string, rootIndex: number, days: number, serial: number): string {
    const csrPath = join(this.dir, `cp${rootIndex}-${Date.now()}.csr`);
    const out = `${csrPath}.pem`;
    writeFileSync(csrPath, csr);
    execFileSync(
      "openssl",
      [
        "x509",
        "-req",
        "-in",
        csrPath,
        "-CA",
        join(this.dir, `c${rootIndex}.pem`),
        "-CAkey",
        join(this.dir, `k${rootIndex}.pem`),
        "-out",
        out,
        "-days",
        String(days),
        "-set_serial",
        String(serial),
      ],
      { stdio: "pipe" },
    );
    return readFileSync(out, "utf8");
  }

  #withHash(cert: string): TestCertificate {
    const request = join(this.dir, `r${this.#count}.der`);
    execFileSync("openssl", ["ocsp", "-sha256", "-issuer", cert, "-cert", cert, "-no_nonce", "-reqout", request], { stdio: "pipe" });
    const text = execFileSync("openssl", ["ocsp", "-reqin", request, "-req_text"], { encoding: "utf8" });
    const field = (label: string): string => {
      const match = new RegExp(`${label}: ([0-9A-F]+)`).exec(text);
      if (!match) throw new Error(`openssl printed no ${label}`);
      return match[1];
    };
    return {
      pem: readFileSync(cert, "utf8"),
      issuerNameHash: field("Issuer Name Hash"),
      issuerKeyHash: field("Issuer Key Hash"),
      serialNumber: field("Serial Number"),
    };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
