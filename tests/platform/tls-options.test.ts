import { strict as assert } from "node:assert";
import { tlsSecureOptions } from "platform/common/tls-options";
import { hasOpenssl, makeCa } from "../support/test-pki.ts";

describe("TLS options for the board's ECMA-419 TLS socket", function () {
  it("names the server and hands the first CA over as one DER ArrayBuffer", function () {
    if (!hasOpenssl()) this.skip(); // openssl is part of the Debian image; without it there is no certificate to make
    const ca = makeCa("/CN=Test CA");
    const options = tlsSecureOptions("csms.example", ["not a certificate", ca.pem]);
    assert.equal(options.serverName, "csms.example");
    assert.ok(options.certificate instanceof ArrayBuffer);
    assert.deepEqual(new Uint8Array(options.certificate), ca.der);
  });

  it("leaves the certificate out when no CA is installed", function () {
    assert.deepEqual(tlsSecureOptions("h", undefined), { serverName: "h" });
    assert.deepEqual(tlsSecureOptions("h", []), { serverName: "h" });
  });
});
