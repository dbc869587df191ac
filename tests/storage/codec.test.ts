import { strict as assert } from "node:assert";
import { crc32 } from "util/crc32";
import { encodeUtf8 } from "util/utf8";
import { LzCodec, LzCodecError } from "storage/lz-codec";
import { Codec, TextPacker } from "storage/text-packer";
import { transactionFrames } from "./ocpp-messages.ts";

describe("CRC-32 and the record codec", function () {
  it("computes the IEEE CRC-32 check value, also piecewise", function () {
    const bytes = encodeUtf8("123456789");
    assert.equal(crc32(bytes), 0xcbf43926);
    assert.equal(crc32(bytes, 4, 9, crc32(bytes, 0, 4)), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  it("round-trips texts through the packer, compressing OCPP frames at least 3x", function () {
    const packer = new TextPacker(4096, true);
    const out = new Uint8Array(4096);
    let seed = 7;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const texts = ["", "a", "héllo ⚡ 𝄞 wörld", "ab".repeat(600), ...transactionFrames(3)];
    for (let i = 0; i < 30; i++) {
      let t = "";
      const n = Math.floor(random() * 900);
      for (let k = 0; k < n; k++) t += String.fromCharCode(32 + Math.floor(random() * (random() < 0.1 ? 3000 : 90)));
      texts.push(t);
    }
    let raw = 0;
    let stored = 0;
    for (const text of texts) {
      const length = packer.pack(text, out, 0, out.length);
      assert.ok(length >= 0, `fits: ${text.length}`);
      assert.equal(packer.unpack(packer.codec, out, 0, length), text);
      if (text.startsWith("[2,")) {
        assert.equal(packer.codec, Codec.lz);
        raw += encodeUtf8(text).length;
        stored += length;
      }
    }
    assert.ok(raw / stored >= 3, `ratio ${(raw / stored).toFixed(2)}`);
    assert.equal(packer.pack("x".repeat(5000), out, 0, 100), -1, "does not fit");
  });

  it("rejects a damaged compressed record with an error, not garbage", function () {
    const codec = new LzCodec();
    const plain = encodeUtf8(transactionFrames(4)[1]);
    const out = new Uint8Array(1024);
    const length = codec.compress(plain, plain.length, out, 0, out.length);
    assert.ok(length > 0);
    assert.throws(() => codec.decompress(out, 0, length - 5, new Uint8Array(plain.length)), LzCodecError);
  });
});
