import { strict as assert } from "node:assert";
import { MAX_JSON_DEPTH, jsonNestingExceeds } from "util/json-depth";

function nested(depth: number, open = "[", close = "]"): string {
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

describe("util/json-depth", function () {
  it("tells nesting up to the limit from deeper nesting, arrays and objects alike", function () {
    assert.equal(jsonNestingExceeds(nested(16), 16), false);
    assert.equal(jsonNestingExceeds(nested(17), 16), true);
    assert.equal(jsonNestingExceeds(nested(16, '{"a":', "}"), 16), false);
    assert.equal(jsonNestingExceeds(nested(17, '{"a":', "}"), 16), true);
    assert.equal(jsonNestingExceeds(nested(30000)), true);
    assert.equal(jsonNestingExceeds(`[${nested(8, '{"a":[', "]}")}]`, 16), true); // 1 + 16 + 1
  });

  it("counts only brackets outside strings, escaped quotes included", function () {
    const inString = `["${"[".repeat(100)}\\"${"{".repeat(100)}", "\\\\", {"x":"]]]]"}]`;
    assert.equal(jsonNestingExceeds(inString, 2), false);
    assert.deepEqual(JSON.parse(inString)[2], { x: "]]]]" }, "the sample is JSON");
  });

  it("many siblings are not depth: a long SendLocalList is fine", function () {
    const list = JSON.stringify([
      2,
      "1",
      "SendLocalList",
      {
        listVersion: 1,
        updateType: "Full",
        localAuthorizationList: Array.from({ length: 200 }, (_, i) => ({ idTag: `T${i}`, idTagInfo: { status: "Accepted" } })),
      },
    ]);
    assert.equal(jsonNestingExceeds(list), false);
  });

  it("counts unbalanced brackets as too deep (the text is not JSON anyway)", function () {
    assert.equal(jsonNestingExceeds(`${"[".repeat(20)}${"}".repeat(20)}`, 16), true);
  });

  it("every OCPP 1.6 frame fits the default limit", function () {
    assert.ok(MAX_JSON_DEPTH >= 8);
  });
});
