// The bench link's line framing (util/line-reader): lines split across reads, CRLF,
// blank lines, and an overlong line reported once and discarded up to its newline.
import assert from "node:assert/strict";
import { LineReader } from "util/line-reader";
import { encodeUtf8 } from "util/utf8";

function reader(maxLineBytes: number): { reader: LineReader; seen: string[] } {
  const seen: string[] = [];
  return { reader: new LineReader(maxLineBytes, { onLine: (l) => seen.push(l), onTooLong: () => seen.push("<too long>") }), seen };
}

describe("bench link line reader", () => {
  it("joins a line split over reads and drops the \\r of CRLF", () => {
    const { reader: r, seen } = reader(64);
    r.push(encodeUtf8('{"cmd":'));
    assert.deepEqual(seen, []);
    r.push(encodeUtf8('"ping"}\r\n{"cmd":"state"}\n'));
    assert.deepEqual(seen, ['{"cmd":"ping"}', '{"cmd":"state"}']);
  });

  it("skips blank lines and decodes UTF-8 split between reads", () => {
    const { reader: r, seen } = reader(64);
    const bytes = encodeUtf8("\n  \r\nK\u00e4rtchen\n");
    r.push(bytes.subarray(0, 7));
    r.push(bytes.subarray(7));
    assert.deepEqual(seen, ["K\u00e4rtchen"]);
  });

  it("reports a line longer than the limit once, discards it, and reads the next one", () => {
    const { reader: r, seen } = reader(8);
    r.push(encodeUtf8("12345678\n"));
    r.push(encodeUtf8("123456789"));
    r.push(encodeUtf8("0123456789\nok\n"));
    assert.deepEqual(seen, ["12345678", "<too long>", "ok"]);
  });

  it("forgets a partial line on reset (a new peer starts afresh)", () => {
    const { reader: r, seen } = reader(16);
    r.push(encodeUtf8("half a li"));
    r.reset();
    r.push(encodeUtf8("whole\n"));
    assert.deepEqual(seen, ["whole"]);
  });
});
