/** SHA-256, base64 decoding, PEM and the minimal X.509 reader (firmware code, plain TS). */
import { strict as assert } from "node:assert";
import { createHash, X509Certificate } from "node:crypto";
import { sha256, toHex } from "util/sha256";
import { decodeBase64 } from "util/base64";
import { derToPem, pemToDer } from "util/pem";
import { parseCertificate, CertificateError } from "ocpp/security/x509";
import { CertificateFactory } from "../support/test-pki.ts";

const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));

describe("security building blocks", () => {
  it("SHA-256: FIPS 180-4 vectors and lengths around the padding boundaries", () => {
    assert.equal(toHex(sha256(ascii(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(toHex(sha256(ascii("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal(
      toHex(sha256(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    for (const length of [55, 56, 63, 64, 65, 119, 1000]) {
      const data = new Uint8Array(length).map((_, i) => (i * 7 + 3) & 0xff);
      assert.equal(toHex(sha256(data)), createHash("sha256").update(data).digest("hex"), `length ${length}`);
    }
  });

  it("base64 decoding matches Node and refuses bad text", () => {
    for (const text of ["", "Zg==", "Zm8=", "Zm9v", "AAEC/+/+", "SGVs bG8g\nd29y bGQ="]) {
      assert.deepEqual(Buffer.from(decodeBase64(text) ?? [0xde, 0xad]), Buffer.from(text.replace(/\s/g, ""), "base64"), text);
    }
    for (const bad of ["Zg=", "Z===", "Zm9v!A==", "Zg==Zg=="]) assert.equal(decodeBase64(bad), undefined, bad);
  });

  describe("X.509", () => {
    let certs: CertificateFactory;
    before(() => {
      certs = new CertificateFactory();
    });
    after(() => certs.dispose());

    it("reads serial, validity and the self-issued flag as Node's X509Certificate does; PEM survives DER and back", () => {
      const root = certs.root("Parse Root", 400, 0x00ff01);
      const der = pemToDer(root.pem);
      assert.ok(der && der.length === 1);
      const cert = parseCertificate(der[0]);
      const node = new X509Certificate(root.pem);
      assert.equal(cert.serialHex, node.serialNumber.replace(/^0+/, ""));
      assert.equal(cert.notBeforeMs, Date.parse(node.validFrom));
      assert.equal(cert.notAfterMs, Date.parse(node.validTo));
      assert.equal(cert.selfIssued, true);
      assert.equal(derToPem(der[0]).replace(/\s/g, ""), root.pem.replace(/\s/g, ""));
    });

    it("refuses garbage: truncated, trailing bytes, not a certificate", () => {
      const der = pemToDer(certs.root("Cut Root", 10, 9).pem)![0];
      assert.throws(() => parseCertificate(der.subarray(0, der.length - 1)), CertificateError);
      const longer = new Uint8Array(der.length + 1);
      longer.set(der);
      assert.throws(() => parseCertificate(longer), CertificateError);
      assert.throws(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), CertificateError);
      assert.equal(pemToDer("hello"), undefined);
      assert.equal(pemToDer("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----"), undefined);
    });
  });
});
