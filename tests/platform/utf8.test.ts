import { strict as assert } from "node:assert";
import { decodeUtf8, encodeUtf8, encodeUtf8Into, pieceEnd } from "util/utf8";

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

  it("cuts a text in pieces that each encode on their own: the bytes joined are the whole text's", function () {
    // Every piece size against texts with pairs at every offset: no piece ends inside a pair.
    const texts = ["", "a", "🔌", "a🔌b", "🔌".repeat(40), `${"x".repeat(511)}🔌${"é".repeat(600)}⚡🔌`];
    for (const text of texts)
      for (let units = 1; units <= 9; units++) {
        const parts: number[] = [];
        let start = 0;
        do {
          const end = pieceEnd(text, start, units);
          assert.ok(end > start || text.length === 0, `${units}: progress`);
          assert.ok(end - start <= Math.max(units, 2), `${units}: at most the units asked (a pair when one is asked)`);
          const bytes = new Uint8Array(units * 3 + 3);
          const size = encodeUtf8Into(text.slice(start, end), bytes);
          parts.push(...bytes.subarray(0, size));
          start = end;
        } while (start < text.length);
        assert.deepEqual(parts, Array.from(new TextEncoder().encode(text)), `${JSON.stringify(text.slice(0, 12))} in pieces of ${units}`);
      }
    assert.equal(pieceEnd("ab🔌", 0, 3), 2, "a pair that does not fit whole waits for the next piece");
    assert.equal(pieceEnd("🔌x", 0, 1), 2, "a pair is the least a piece can be when one is next");
  });
});
