import { strict as assert } from "node:assert";
import { formatIsoUtc, parseIsoUtcMs, parseIsoUtcMsLenient } from "util/iso8601";

describe("ISO 8601 timestamps without Date.parse", function () {
  it("parses UTC, offsets, fractions and a missing zone", function () {
    assert.equal(parseIsoUtcMs("2025-03-10T12:00:00Z"), Date.UTC(2025, 2, 10, 12));
    assert.equal(parseIsoUtcMs("2025-03-10t12:00:00z"), Date.UTC(2025, 2, 10, 12));
    assert.equal(parseIsoUtcMs("2025-03-10T12:00:00"), Date.UTC(2025, 2, 10, 12), "no zone = UTC");
    assert.equal(parseIsoUtcMs("2025-03-10T14:00:00+02:00"), Date.UTC(2025, 2, 10, 12));
    assert.equal(parseIsoUtcMs("2025-03-10T07:30:00-0430"), Date.UTC(2025, 2, 10, 12));
    assert.equal(parseIsoUtcMs("2025-03-10T12:00:00.5Z"), Date.UTC(2025, 2, 10, 12) + 500);
    assert.equal(parseIsoUtcMs("2025-03-10T12:00:00.123456Z"), Date.UTC(2025, 2, 10, 12) + 123);
    assert.equal(parseIsoUtcMs("2024-02-29T00:00:00Z"), Date.UTC(2024, 1, 29));
  });

  it("rejects malformed text and impossible dates", function () {
    for (const text of [
      "",
      "2025-03-10",
      "2025-03-10 12:00:00Z",
      "2025-13-01T00:00:00Z",
      "2025-02-29T00:00:00Z",
      "2025-04-31T00:00:00Z",
      "2025-03-10T24:00:00Z",
      "2025-03-10T12:00:00.Z",
      "2025-03-10T12:00:00+2",
      "2025-03-10T12:00:00Zjunk",
      "2O25-03-10T12:00:00Z",
    ]) {
      assert.ok(Number.isNaN(parseIsoUtcMs(text)), text);
    }
  });

  it("formats whole seconds without a fraction and keeps milliseconds otherwise", function () {
    assert.equal(formatIsoUtc(Date.UTC(2025, 0, 2, 3, 4, 5)), "2025-01-02T03:04:05Z");
    assert.equal(formatIsoUtc(Date.UTC(2025, 0, 2, 3, 4, 5, 7)), "2025-01-02T03:04:05.007Z");
    assert.equal(parseIsoUtcMs(formatIsoUtc(1741608000123)), 1741608000123);
  });

  it("lenient parsing also takes a space separator, a ±HH offset and a day past the month's end", function () {
    assert.equal(parseIsoUtcMsLenient("2025-03-10 12:00:00Z"), Date.UTC(2025, 2, 10, 12));
    assert.equal(parseIsoUtcMsLenient("2025-03-10T14:00:00+02"), Date.UTC(2025, 2, 10, 12));
    assert.equal(parseIsoUtcMsLenient("2025-02-30T00:00:00Z"), Date.UTC(2025, 2, 2));
    assert.equal(parseIsoUtcMsLenient("2025-03-10T12:00:00.250+01:30"), Date.UTC(2025, 2, 10, 10, 30, 0, 250));
    for (const text of [
      "",
      "2025-03-10",
      "2025-13-01T00:00:00Z",
      "2025-03-10T12:00:00Q",
      "2025-03-10T12:00:00.",
      "2025-03-10T12:00:00+2",
    ]) {
      assert.ok(Number.isNaN(parseIsoUtcMsLenient(text)), text);
    }
  });

  it("parses years below 100 as such (not as 19xx)", function () {
    const year50 = new Date(0);
    year50.setUTCFullYear(50, 0, 1);
    assert.equal(parseIsoUtcMs("0050-01-01T00:00:00Z"), year50.getTime());
  });
});
