import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tlsSecureOptions } from "platform/common/tls-options";

describe("TLS options for the board's ECMA-419 TLS socket", function () {
  it("names the server and hands the first CA over as one DER ArrayBuffer", function () {
    let dir: string | undefined;
    try {
      execFileSync("openssl", ["version"], { stdio: "ignore" });
      dir = mkdtempSync(join(tmpdir(), "tlsopt-"));
    } catch {
      this.skip(); // openssl is part of the Debian image; without it there is no certificate to make
    }
    try {
      const key = join(dir, "ca.key");
      const pem = join(dir, "ca.pem");
      const der = join(dir, "ca.der");
      execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", pem, "-days", "2", "-subj", "/CN=Test CA"], { stdio: "ignore" });
      execFileSync("openssl", ["x509", "-in", pem, "-outform", "DER", "-out", der]);
      const options = tlsSecureOptions("csms.example", ["not a certificate", readFileSync(pem, "utf8")]);
      assert.equal(options.serverName, "csms.example");
      assert.ok(options.certificate instanceof ArrayBuffer);
      assert.deepEqual(new Uint8Array(options.certificate), new Uint8Array(readFileSync(der)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("leaves the certificate out when no CA is installed", function () {
    assert.deepEqual(tlsSecureOptions("h", undefined), { serverName: "h" });
    assert.deepEqual(tlsSecureOptions("h", []), { serverName: "h" });
  });
});
