/**
 * A throwaway TLS server PKI made with the `openssl` command line in a temporary directory
 * (removed before returning; no key is ever committed): an EC P-256 CA, a server certificate it
 * signs for 127.0.0.1, and an unrelated CA. Used by the development CSMS's wss listener when the
 * lin stack runs with `--tls`, by the bench's wss figures and by the TLS tests.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether the `openssl` command is there (Debian's `openssl` package; `.ci/run` installs it). */
export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs `use` with a fresh temporary directory (prefix `prefix`), removed afterwards. */
export function inTempDir<T>(prefix: string, use: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TLS server's credentials for 127.0.0.1, its CA and a second, unrelated CA (all PEM). */
export interface ServerPki {
  caPem: string;
  /** A CA that did not sign the server certificate. */
  otherCaPem: string;
  keyPem: string;
  /** The server certificate alone. */
  certPem: string;
  /**
   * The server certificate followed by its CA: what a server should send. Moddable's TLS client
   * checks the subjectAltName only while it walks a chain of two or more certificates.
   */
  chainPem: string;
}

/**
 * An EC P-256 CA named `caName` and a server certificate it signs (serial `serial`, SAN
 * IP:127.0.0.1, serverAuth), plus an unrelated CA; valid `days` days (default 2).
 */
export function makeServerPki(caName: string, serial: number, prefix = "ocpp-tls-", days = 2): ServerPki {
  return inTempDir(prefix, (dir) => {
    const run = (...args: string[]): void => {
      execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    };
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    const validity = ["-days", String(days)];
    run("req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", ...validity, "-subj", `/O=Test/CN=${caName}`);
    run("req", "-x509", ...ec, "-keyout", "other.key", "-out", "other.pem", ...validity, "-subj", "/O=Test/CN=Other CA");
    run("req", ...ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/O=Test/CN=127.0.0.1");
    writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n");
    run(
      "x509",
      "-req",
      "-in",
      "srv.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-set_serial",
      String(serial),
      "-out",
      "srv.pem",
      ...validity,
      "-extfile",
      "ext.cnf",
    );
    const read = (name: string): string => readFileSync(join(dir, name), "utf8");
    const caPem = read("ca.pem");
    const certPem = read("srv.pem");
    return { caPem, otherCaPem: read("other.pem"), keyPem: read("srv.key"), certPem, chainPem: certPem + caPem };
  });
}
