import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { generate, loadOfficialSchemas, OUTPUT_PATH } from "../../tools/schema/generate.ts";
import { OCPP16_VALIDATORS } from "ocpp/generated/ocpp16";

describe("validators generated from the official OCPP 1.6 schemas", function () {
  it("regenerating gives the committed output", function () {
    assert.equal(generate(loadOfficialSchemas()), readFileSync(OUTPUT_PATH, "utf8"));
  });

  it("covers every action of the schema file", function () {
    const ids = loadOfficialSchemas().map((schema) => String(schema.$id));
    for (const id of ids) {
      const action = id.replace(/^urn:/, "").replace(/\.(req|conf)$/, "");
      assert.ok(OCPP16_VALIDATORS[action], `validator for ${action}`);
    }
    assert.equal(Object.keys(OCPP16_VALIDATORS).length * 2, ids.length);
  });

  it("maps each failed keyword to its CALLERROR code", function () {
    const v = OCPP16_VALIDATORS;
    assert.equal(v.Authorize.request({ idTag: "ABC" }), undefined);
    assert.equal(v.Authorize.request({})?.code, "OccurenceConstraintViolation");
    assert.equal(v.Authorize.request({ idTag: 12 })?.code, "TypeConstraintViolation");
    assert.equal(v.Authorize.request({ idTag: "x".repeat(21) })?.code, "PropertyConstraintViolation");
    assert.equal(v.Authorize.request({ idTag: "A", extra: 1 })?.code, "PropertyConstraintViolation");
    assert.equal(v.Reset.request({ type: "Medium" })?.code, "PropertyConstraintViolation");
    assert.equal(v.Reset.request([])?.code, "TypeConstraintViolation");
    assert.equal(v.ChangeAvailability.request({ connectorId: 1.5, type: "Operative" })?.code, "TypeConstraintViolation");
    const bad = v.StopTransaction.request({ transactionId: 1, meterStop: 5, timestamp: "yesterday" });
    assert.deepEqual(bad, { code: "PropertyConstraintViolation", path: "/timestamp", message: "not a date-time" });
    assert.equal(v.StopTransaction.request({ transactionId: 1, meterStop: 5, timestamp: "2024-01-02T03:04:05.123+01:00" }), undefined);
    assert.equal(
      v.GetInstalledCertificateIds.response({ status: "Accepted", certificateHashData: [] })?.code,
      "OccurenceConstraintViolation",
    );
    const limit = { startPeriod: 0, limit: 6.05 };
    const profile = {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [limit] },
      },
    };
    assert.equal(v.SetChargingProfile.request(profile)?.code, "PropertyConstraintViolation");
    limit.limit = 6.1;
    assert.equal(v.SetChargingProfile.request(profile), undefined);
  });
});
