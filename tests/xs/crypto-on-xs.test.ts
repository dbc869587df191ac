/** util/p256 on the real XS engine: RFC 6979 A.2.5, Node's signatures verified there and the reverse; computrons of one verification. */
import { strict as assert } from "node:assert";
import { createHash, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { XsMachine } from "../../tools/xs/runner.ts";

describe("ECDSA P-256 on the real XS engine", function () {
  this.timeout(120_000);
  let machine: XsMachine;

  before(async function () {
    machine = await XsMachine.start({ entry: "tests/xs/entry-crypto.ts", meteringLimit: 2e9 });
  });
  after(async function () {
    await machine.close();
  });

  it("RFC 6979 A.2.5: public key and the 'sample' signature", async function () {
    const key = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
    const publicKey = (await machine.call<string>("publicKey", key)).value;
    assert.equal(
      publicKey.toUpperCase(),
      "0460FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB67903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
    );
    const digest = createHash("sha256").update("sample").digest("hex");
    assert.equal((await machine.call<string>("sha256", Buffer.from("sample").toString("hex"))).value, digest);
    const der = (await machine.call<string>("sign", key, digest)).value;
    assert.ok(der.toUpperCase().includes("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"), der);
    assert.ok(der.toUpperCase().includes("F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8"), der);
  });

  it("verifies Node's signature (and refuses a tampered one), Node verifies XS's; computrons of one verification", async function () {
    const pair = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const jwk = pair.privateKey.export({ format: "jwk" });
    const publicHex = "04" + Buffer.from(jwk.x!, "base64url").toString("hex") + Buffer.from(jwk.y!, "base64url").toString("hex");
    const message = Buffer.from("signed firmware image");
    const digest = createHash("sha256").update(message).digest("hex");
    const signature = sign("sha256", message, pair.privateKey).toString("hex");
    const good = await machine.call<boolean>("verify", publicHex, digest, signature);
    assert.equal(good.value, true);
    const otherDigest = createHash("sha256").update("another image").digest("hex");
    assert.equal((await machine.call<boolean>("verify", publicHex, otherDigest, signature)).value, false);
    const mine = (await machine.call<string>("sign", Buffer.from(jwk.d!, "base64url").toString("hex"), digest)).value;
    assert.equal(
      verify("sha256", message, createPublicKey(pair.publicKey.export({ format: "pem", type: "spki" })), Buffer.from(mine, "hex")),
      true,
    );
    assert.ok(good.meter.compute > 0);
    console.log(`      one P-256 verification on XS: ${good.meter.compute} computrons, ${good.meter.currentHeapCount} heap slots after`);
  });
});
