import { strict as assert } from "node:assert";
import { decodeUtf8, encodeUtf8, encodeUtf8Into } from "util/utf8";

describe("UTF-8 codec of the core", function () {
  const samples = ["", "Heartbeat", "héllo", "€ 0,25/kWh", "⚡🔌 charging", "x".repeat(1000) + "ü"];

  it("matches the platform's encoder and round-trips", function () {
    for (const text of samples) {
      assert.deepEqual(Array.from(encodeUtf8(text)), Array.from(new TextEncoder().encode(text)), text);
      assert.equal(decodeUtf8(encodeUtf8(text)), text);
    }
  });

  it("reports when the text does not fit", function () {
    assert.equal(encodeUtf8Into("abc€", new Uint8Array(5)), -1);
    assert.equal(encodeUtf8Into("abc€", new Uint8Array(6)), 6);
  });

  it("replaces malformed input instead of throwing", function () {
    assert.equal(decodeUtf8(new Uint8Array([0x61, 0xff, 0x62, 0xe2, 0x82])), "a\ufffdb\ufffd\ufffd");
    assert.equal(decodeUtf8(new Uint8Array([0xc0, 0x80])), "\ufffd\ufffd", "overlong forms are refused");
  });
});
