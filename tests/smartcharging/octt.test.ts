/**
 * The OCTT Smart Charging cases (reference §6, worked examples in §4.7),
 * through the action handlers, with the exact profiles and times.
 */
import { strict as assert } from "node:assert";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import type { ClearChargingProfileReq, GetCompositeScheduleReq, SetChargingProfileReq } from "ocpp/generated/ocpp16";
import { handleClearChargingProfile } from "ocpp/smartcharging/ClearChargingProfile";
import { handleGetCompositeSchedule } from "ocpp/smartcharging/GetCompositeSchedule";
import { handleSetChargingProfile } from "ocpp/smartcharging/SetChargingProfile";
import { acceptRemoteStartChargingProfile } from "ocpp/smartcharging/remote-start-profile";
import { parseIsoUtcMs } from "util/iso8601";
import type { SmartChargingService } from "ocpp/smartcharging/smart-charging-service";
import { FakeTransactions, T0, makeService, periods, profile, runTc066 } from "./scenarios.ts";

/** The handlers with the service and clock of a test (their context). */
function handlers(service: SmartChargingService, clock: StepClock) {
  const context = { service, clock };
  return {
    setProfile: (request: SetChargingProfileReq) => handleSetChargingProfile(request, context),
    clearProfile: (request: ClearChargingProfileReq) => handleClearChargingProfile(request, context),
    getComposite: (request: GetCompositeScheduleReq) => handleGetCompositeSchedule(request, context),
  };
}

class StepClock {
  nowMs = T0;
  utcMs(): number {
    return this.nowMs;
  }
}

describe("OCTT Smart Charging cases", function () {
  let transactions: FakeTransactions;
  let service: SmartChargingService;
  let clock: StepClock;
  let setProfile: ReturnType<typeof handlers>["setProfile"];
  let clearProfile: ReturnType<typeof handlers>["clearProfile"];
  let getComposite: ReturnType<typeof handlers>["getComposite"];

  beforeEach(function () {
    transactions = new FakeTransactions();
    service = makeService(new MemoryKeyValueStore(), transactions);
    clock = new StepClock();
    ({ setProfile, clearProfile, getComposite } = handlers(service, clock));
  });

  function compositePeriods(connectorId: number, duration: number, unit?: "A" | "W") {
    const response = getComposite({ connectorId, duration, chargingRateUnit: unit });
    assert.equal(response.status, "Accepted");
    assert.equal(response.connectorId, connectorId);
    assert.equal(response.chargingSchedule?.duration, duration);
    assert.equal(response.chargingSchedule?.startSchedule, undefined, "no startSchedule inside [ERR 3.57]");
    return response.chargingSchedule?.chargingSchedulePeriod;
  }

  it("TC_056: a TxDefaultProfile of 6 A is accepted and shapes the composite", function () {
    const response = setProfile({
      connectorId: 1,
      csChargingProfiles: profile({ id: 10, purpose: "TxDefaultProfile", startMs: T0, durationS: 300, periods: periods([0, 6]) }),
    });
    assert.deepEqual(response, { status: "Accepted" });
    clock.nowMs = T0 + 1000;
    const got = getComposite({ connectorId: 1, duration: 299, chargingRateUnit: "A" });
    assert.equal(got.status, "Accepted");
    assert.equal(parseIsoUtcMs(got.scheduleStart ?? ""), T0 + 1000);
    assert.equal(got.chargingSchedule?.chargingRateUnit, "A");
    assert.deepEqual(got.chargingSchedule?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 6 }]);
  });

  it("TC_056: the same profile in W (6000 W) reports 6000 W, and 8.7 A at 230 V x 3 phases", function () {
    setProfile({
      connectorId: 1,
      csChargingProfiles: profile({
        id: 10,
        purpose: "TxDefaultProfile",
        startMs: T0,
        durationS: 300,
        unit: "W",
        periods: periods([0, 6000]),
      }),
    });
    assert.deepEqual(compositePeriods(1, 300, "W"), [{ startPeriod: 0, limit: 6000 }]);
    assert.deepEqual(compositePeriods(1, 300, "A"), [{ startPeriod: 0, limit: 8.7 }]);
    assert.deepEqual(compositePeriods(1, 300), [{ startPeriod: 0, limit: 8.7 }], "A is the charge point's unit");
  });

  it("TC_082: a TxDefaultProfile set during a running transaction applies to it at once", function () {
    transactions.start(1, 77, T0 - 600000);
    let changes = 0;
    service = makeService(new MemoryKeyValueStore(), transactions, { onLimitChanged: () => changes++ });
    ({ setProfile, getComposite } = handlers(service, clock));
    assert.equal(service.currentLimitA(1, T0), Infinity);
    assert.deepEqual(
      setProfile({
        connectorId: 1,
        csChargingProfiles: profile({ id: 11, purpose: "TxDefaultProfile", startMs: T0, durationS: 300, periods: periods([0, 6]) }),
      }),
      { status: "Accepted" },
    );
    assert.equal(changes, 1, "onLimitChanged told the loop");
    assert.equal(service.currentLimitA(1, T0), 6);
    assert.deepEqual(compositePeriods(1, 300, "A"), [{ startPeriod: 0, limit: 6 }]);
  });

  it("TC_057: a TxProfile for the running transaction is accepted and overrides the TxDefaultProfile", function () {
    transactions.start(1, 501, T0 - 60000);
    setProfile({
      connectorId: 0,
      csChargingProfiles: profile({ id: 1, purpose: "TxDefaultProfile", startMs: T0, durationS: 600, periods: periods([0, 16]) }),
    });
    const response = setProfile({
      connectorId: 1,
      csChargingProfiles: profile({
        id: 2,
        purpose: "TxProfile",
        transactionId: 501,
        startMs: T0,
        validFromMs: T0,
        validToMs: T0 + 600000,
        durationS: 300,
        periods: periods([0, 6], [120, 10]),
      }),
    });
    assert.deepEqual(response, { status: "Accepted" });
    assert.deepEqual(compositePeriods(1, 300, "A"), [
      { startPeriod: 0, limit: 6 },
      { startPeriod: 120, limit: 10 },
    ]);
    assert.equal(service.currentLimitA(1, T0 + 130000), 10);
  });

  it("TC_057 (Relative): a Relative TxProfile counts from the transaction start", function () {
    transactions.start(1, 502, T0 - 100000);
    setProfile({
      connectorId: 1,
      csChargingProfiles: profile({
        id: 3,
        purpose: "TxProfile",
        kind: "Relative",
        transactionId: 502,
        durationS: 3600,
        periods: periods([0, 6], [300, 12]),
      }),
    });
    // The transaction is 100 s old: the 12 A period starts 200 s from now.
    assert.deepEqual(compositePeriods(1, 400, "A"), [
      { startPeriod: 0, limit: 6 },
      { startPeriod: 200, limit: 12 },
    ]);
  });

  it("TC_058_1: a TxProfile without a transaction is rejected", function () {
    const response = setProfile({
      connectorId: 1,
      csChargingProfiles: profile({ id: 4, purpose: "TxProfile", transactionId: 9, startMs: T0, periods: periods([0, 6]) }),
    });
    assert.deepEqual(response, { status: "Rejected" });
    assert.equal(service.profiles.length, 0);
  });

  it("TC_058_2: a TxProfile for another transactionId is rejected", function () {
    transactions.start(1, 600, T0);
    const response = setProfile({
      connectorId: 1,
      csChargingProfiles: profile({ id: 5, purpose: "TxProfile", transactionId: 601, startMs: T0, periods: periods([0, 6]) }),
    });
    assert.deepEqual(response, { status: "Rejected" });
  });

  it("TC_066: ChargePointMax + TxDefault + TxProfile compose to 0→8, 50→10, 200→6, 240→10", function () {
    const { statuses, composite } = runTc066(service, transactions, T0, 0);
    assert.deepEqual(statuses, ["Accepted", "Accepted", "Accepted"]);
    assert.equal(composite?.durationS, 400);
    assert.deepEqual(composite?.periods, [
      { startPeriod: 0, limit: 8 },
      { startPeriod: 50, limit: 10 },
      { startPeriod: 200, limit: 6 },
      { startPeriod: 240, limit: 10 },
    ]);
  });

  it("TC_066 in W (limits x 1000, numberPhases 3): 0→8000, 50→10000, 200→6000, 240→10000 W", function () {
    const { statuses, composite } = runTc066(service, transactions, T0, 0, "W", 3);
    assert.deepEqual(statuses, ["Accepted", "Accepted", "Accepted"]);
    assert.equal(composite?.unit, "W");
    assert.deepEqual(composite?.periods, [
      { startPeriod: 0, limit: 8000, numberPhases: 3 },
      { startPeriod: 50, limit: 10000, numberPhases: 3 },
      { startPeriod: 200, limit: 6000, numberPhases: 3 },
      { startPeriod: 240, limit: 10000, numberPhases: 3 },
    ]);
  });

  it("TC_066: asked 5 s after the profiles were set, the offsets shift by 5 s", function () {
    const { composite } = runTc066(service, transactions, T0, 5);
    assert.deepEqual(composite?.periods, [
      { startPeriod: 0, limit: 8 },
      { startPeriod: 45, limit: 10 },
      { startPeriod: 195, limit: 6 },
      { startPeriod: 235, limit: 10 },
    ]);
  });

  it("TC_067: clear by id, by purpose + stackLevel, then all; the composite follows each time", function () {
    transactions.start(1, 700, T0 - 1000);
    const txDefault = profile({
      id: 20,
      purpose: "TxDefaultProfile",
      stackLevel: 1,
      startMs: T0,
      durationS: 400,
      periods: periods([0, 6], [60, 8], [200, 10]),
    });
    const shaped = [
      { startPeriod: 0, limit: 6 },
      { startPeriod: 60, limit: 8 },
      { startPeriod: 200, limit: 10 },
    ];
    const unlimited = [{ startPeriod: 0, limit: 32 }]; // the connector's own maximum

    assert.equal(setProfile({ connectorId: 1, csChargingProfiles: txDefault }).status, "Accepted");
    assert.deepEqual(compositePeriods(1, 400, "A"), shaped);
    assert.deepEqual(clearProfile({ id: 20 }), { status: "Accepted" });
    assert.deepEqual(compositePeriods(1, 400, "A"), unlimited);

    assert.equal(setProfile({ connectorId: 1, csChargingProfiles: txDefault }).status, "Accepted");
    assert.deepEqual(clearProfile({ chargingProfilePurpose: "TxDefaultProfile", stackLevel: 1 }), { status: "Accepted" });
    assert.deepEqual(compositePeriods(1, 400, "A"), unlimited);

    assert.equal(setProfile({ connectorId: 1, csChargingProfiles: txDefault }).status, "Accepted");
    assert.deepEqual(clearProfile({}), { status: "Accepted" });
    assert.deepEqual(compositePeriods(1, 400, "A"), unlimited);
    assert.deepEqual(clearProfile({}), { status: "Unknown" }, "nothing left to clear");
  });

  it("TC_072: two TxDefaultProfile stack levels compose to 0→7, 100→9, 150→8, 200→10", function () {
    const common = { purpose: "TxDefaultProfile" as const, startMs: T0, validFromMs: T0, validToMs: T0 + 401000 };
    assert.equal(
      setProfile({
        connectorId: 1,
        csChargingProfiles: profile({ ...common, id: 30, stackLevel: 0, durationS: 400, periods: periods([0, 6], [100, 8], [200, 10]) }),
      }).status,
      "Accepted",
    );
    assert.equal(
      setProfile({
        connectorId: 1,
        csChargingProfiles: profile({ ...common, id: 31, stackLevel: 1, durationS: 150, periods: periods([0, 7], [100, 9]) }),
      }).status,
      "Accepted",
    );
    assert.deepEqual(compositePeriods(1, 400, "A"), [
      { startPeriod: 0, limit: 7 },
      { startPeriod: 100, limit: 9 },
      { startPeriod: 150, limit: 8 },
      { startPeriod: 200, limit: 10 },
    ]);
  });

  it("TC_059: RemoteStart with a TxProfile; the started transaction follows it and loses it at its end", function () {
    const txProfile = profile({ id: 40, purpose: "TxProfile", kind: "Relative", durationS: 3600, periods: periods([0, 6]) });
    assert.equal(acceptRemoteStartChargingProfile(service, 1, txProfile, T0), "Accepted");
    assert.equal(service.currentLimitA(1, T0), Infinity, "not in force before the transaction starts");
    transactions.start(1, undefined, T0 + 2000); // StartTransaction.conf not yet back
    service.onTransactionStarted(1, T0 + 2000);
    clock.nowMs = T0 + 2000;
    assert.deepEqual(compositePeriods(1, 600, "A"), [{ startPeriod: 0, limit: 6 }]);
    assert.equal(service.currentLimitA(1, T0 + 3000), 6);
    transactions.stop(1);
    service.onTransactionEnded(1);
    assert.equal(service.profiles.length, 0);
    assert.equal(service.currentLimitA(1, T0 + 4000), Infinity);
  });

  it("TC_060: RemoteStart with a profile of another purpose is rejected", function () {
    const txDefault = profile({ id: 41, purpose: "TxDefaultProfile", kind: "Relative", periods: periods([0, 6]) });
    assert.equal(acceptRemoteStartChargingProfile(service, 1, txDefault, T0), "Rejected");
    assert.equal(service.pendingTxProfile(1), undefined);
  });
});
