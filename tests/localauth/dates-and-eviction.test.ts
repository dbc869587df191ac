import { strict as assert } from "node:assert";
import { formatIsoUtc, parseIsoUtcMsLenient } from "util/iso8601";
import { makeRig, NOW_MS } from "./helpers.ts";

describe("localauth dates and expiry-aware eviction", function () {
  it("parses OCPP date-times with fractions and offsets, and refuses malformed ones", function () {
    assert.equal(parseIsoUtcMsLenient("2025-01-15T12:00:00Z"), NOW_MS);
    assert.equal(parseIsoUtcMsLenient("2025-01-15T13:30:00.250+01:30"), NOW_MS + 250);
    assert.equal(parseIsoUtcMsLenient("2025-01-15T07:00:00-0500"), NOW_MS);
    assert.equal(parseIsoUtcMsLenient("2024-02-29T00:00:00"), Date.UTC(2024, 1, 29));
    for (const bad of ["", "2025-01-15", "2025-13-01T00:00:00Z", "2025-01-15T12:00:00Q", "2025-01-15T12:00:00."]) {
      assert.ok(Number.isNaN(parseIsoUtcMsLenient(bad)), bad);
    }
    assert.equal(formatIsoUtc(NOW_MS), "2025-01-15T12:00:00Z");
  });

  it("evicts an expired Accepted entry before an older valid one", function () {
    const rig = makeRig({ cacheCapacity: 2 });
    rig.service.updateFromCsms("OLD-VALID", { status: "Accepted" });
    rig.service.updateFromCsms("LAPSING", { status: "Accepted", expiryDate: new Date(NOW_MS + 1000).toISOString() });
    rig.time.advance(2000);
    rig.service.updateFromCsms("NEW", { status: "Accepted" });
    assert.equal(rig.cache.has("OLD-VALID"), true);
    assert.equal(rig.cache.has("LAPSING"), false);
    assert.equal(rig.cache.has("NEW"), true);
  });
});
