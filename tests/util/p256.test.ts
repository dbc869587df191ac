/** ECDSA P-256 / SHA-256, HMAC and incremental SHA-256, DER forms: published vectors and Node's crypto as the oracle. */
import { strict as assert } from "node:assert";
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { hmacSha256, Sha256, sha256, toHex } from "util/sha256";
import {
  bigIntToBytes,
  ecdsaSignatureFromDer,
  ecdsaSignatureToDer,
  isP256PrivateKey,
  P256_N,
  p256PrivateKeyDer,
  p256PublicKey,
  p256PublicKeyFromSpki,
  p256Sign,
  p256SpkiDer,
  p256Verify,
  p256VerifyDer,
} from "util/p256";

const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "latin1"));
const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, "hex"));

/** A fresh P-256 key pair from Node: raw private scalar and uncompressed public point. */
function nodeKeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array; pem: string; spki: Uint8Array } {
  const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const jwk = pair.privateKey.export({ format: "jwk" });
  const privateKey = new Uint8Array(Buffer.from(jwk.d!, "base64url"));
  const publicKey = new Uint8Array([4, ...Buffer.from(jwk.x!, "base64url"), ...Buffer.from(jwk.y!, "base64url")]);
  const spki = new Uint8Array(pair.publicKey.export({ format: "der", type: "spki" }));
  return { privateKey, publicKey, pem: pair.privateKey.export({ format: "pem", type: "pkcs8" }) as string, spki };
}

describe("util/p256 and SHA-256 helpers", () => {
  it("incremental SHA-256 equals the one-shot digest for every split of the input", () => {
    const data = new Uint8Array(300).map((_, i) => (i * 31 + 7) & 0xff);
    const expected = createHash("sha256").update(data).digest("hex");
    for (const piece of [1, 3, 55, 63, 64, 65, 128, 299]) {
      const h = new Sha256();
      for (let at = 0; at < data.length; at += piece) h.update(data.subarray(at, at + piece));
      assert.equal(toHex(h.digest()), expected, `pieces of ${piece}`);
    }
    assert.throws(() => {
      const h = new Sha256();
      h.digest();
      h.update(data);
    });
  });

  it("HMAC-SHA-256: RFC 4231 test case 2 and Node for long keys", () => {
    assert.equal(
      toHex(hmacSha256(ascii("Jefe"), ascii("what do ya want "), ascii("for nothing?"))),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    const key = new Uint8Array(131).fill(0xaa);
    assert.equal(
      toHex(hmacSha256(key, ascii("Test Using Larger Than Block-Size Key - Hash Key First"))),
      createHmac("sha256", key).update("Test Using Larger Than Block-Size Key - Hash Key First").digest("hex"),
    );
  });

  describe("RFC 6979 A.2.5 (P-256, SHA-256)", () => {
    const x = hex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
    const ux = "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6";
    const uy = "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299";

    it("derives the public key U", () => {
      assert.equal(toHex(p256PublicKey(x)).toUpperCase(), "04" + ux + uy);
    });

    it("signs 'sample' and 'test' with the published r and s, and verifies them", () => {
      const cases = [
        [
          "sample",
          "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
          "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
        ],
        [
          "test",
          "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
          "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083",
        ],
      ];
      const u = hex("04" + ux + uy);
      for (const [message, r, s] of cases) {
        const digest = sha256(ascii(message));
        const signature = p256Sign(x, digest);
        assert.equal(toHex(bigIntToBytes(signature.r)).toUpperCase(), r, `${message} r`);
        assert.equal(toHex(bigIntToBytes(signature.s)).toUpperCase(), s, `${message} s`);
        assert.equal(p256Verify(u, digest, signature), true, `${message} verifies`);
        assert.equal(p256Verify(u, sha256(ascii(message + ".")), signature), false, `${message} other digest`);
        assert.equal(p256Verify(u, digest, { r: signature.r, s: (signature.s + 1n) % P256_N }), false, `${message} other s`);
      }
    });
  });

  it("verifies what Node signs, and Node verifies what it signs (keys made now)", () => {
    for (let round = 0; round < 4; round++) {
      const pair = nodeKeyPair();
      assert.deepEqual(p256PublicKey(pair.privateKey), pair.publicKey);
      const message = ascii(`firmware image ${round} `.repeat(50 + round));
      const digest = sha256(message);
      const nodeSignature = new Uint8Array(sign("sha256", message, createPrivateKey(pair.pem)));
      assert.equal(p256VerifyDer(pair.publicKey, digest, nodeSignature), true, "Node → here");
      const tampered = message.slice();
      tampered[3] ^= 1;
      assert.equal(p256VerifyDer(pair.publicKey, sha256(tampered), nodeSignature), false, "tampered message");
      const mine = ecdsaSignatureToDer(p256Sign(pair.privateKey, digest));
      assert.equal(
        verify("sha256", message, createPublicKey({ key: Buffer.from(pair.spki), format: "der", type: "spki" }), mine),
        true,
        "here → Node",
      );
      assert.deepEqual(ecdsaSignatureFromDer(mine), p256Sign(pair.privateKey, digest), "deterministic and DER round trip");
    }
  });

  it("SubjectPublicKeyInfo and ECPrivateKey DER are what Node reads and writes", () => {
    const pair = nodeKeyPair();
    assert.deepEqual(p256SpkiDer(pair.publicKey), pair.spki);
    assert.deepEqual(p256PublicKeyFromSpki(pair.spki), pair.publicKey);
    const key = createPrivateKey({ key: Buffer.from(p256PrivateKeyDer(pair.privateKey)), format: "der", type: "sec1" });
    assert.equal(key.export({ format: "jwk" }).d, Buffer.from(pair.privateKey).toString("base64url"));
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ format: "der", type: "spki" });
    assert.throws(() => p256PublicKeyFromSpki(new Uint8Array(rsa)), /not an EC public key/);
  });

  it("refuses bad input: keys off the curve, out-of-range scalars, malformed DER", () => {
    const pair = nodeKeyPair();
    const digest = sha256(ascii("x"));
    const signature = p256Sign(pair.privateKey, digest);
    const offCurve = pair.publicKey.slice();
    offCurve[64] ^= 1;
    assert.equal(p256Verify(offCurve, digest, signature), false);
    assert.equal(p256Verify(pair.publicKey, digest, { r: 0n, s: signature.s }), false);
    assert.equal(p256Verify(pair.publicKey, digest, { r: signature.r, s: P256_N }), false);
    assert.equal(isP256PrivateKey(new Uint8Array(32)), false);
    assert.equal(isP256PrivateKey(bigIntToBytes(P256_N)), false);
    assert.equal(isP256PrivateKey(bigIntToBytes(P256_N - 1n)), true);
    const der = ecdsaSignatureToDer(signature);
    assert.throws(() => ecdsaSignatureFromDer(der.subarray(0, der.length - 1)));
    const padded = new Uint8Array([0x30, 0x08, 0x02, 0x02, 0x00, 0x01, 0x02, 0x02, 0x00, 0x01]);
    assert.throws(() => ecdsaSignatureFromDer(padded), /non-minimal/);
    assert.equal(p256VerifyDer(pair.publicKey, digest, new Uint8Array([1, 2, 3])), false);
  });
});
