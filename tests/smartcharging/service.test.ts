import { strict as assert } from "node:assert";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { ConfigurationRegistry } from "ocpp/core/configuration";
import { SMART_CHARGING_KEYS, smartChargingKeyDefaults, smartChargingSettingsFrom } from "ocpp/smartcharging/config-keys";
import { OcppCallError } from "ocpp/rpc/frame";
import { handleGetCompositeSchedule } from "ocpp/smartcharging/GetCompositeSchedule";
import type { SmartChargingService } from "ocpp/smartcharging/smart-charging-service";
import { PROFILE_NAMESPACE } from "ocpp/smartcharging/store";
import { FakeTransactions, T0, makeService, periods, profile } from "./scenarios.ts";

const HOUR = 3600000;
const DAY = 24 * HOUR;

describe("SmartChargingService", function () {
  let kv: MemoryKeyValueStore;
  let transactions: FakeTransactions;
  let service: SmartChargingService;

  beforeEach(function () {
    kv = new MemoryKeyValueStore();
    transactions = new FakeTransactions();
    service = makeService(kv, transactions);
  });

  const ids = (s: SmartChargingService) => s.profiles.map((p) => p.id).sort((a, b) => a - b);

  describe("installing and replacing", function () {
    it("replaces a profile with the same id, even on another connector", function () {
      service.setProfile(1, profile({ id: 1, purpose: "TxDefaultProfile", periods: periods([0, 6]) }), T0);
      service.setProfile(2, profile({ id: 1, purpose: "TxDefaultProfile", stackLevel: 3, periods: periods([0, 8]) }), T0);
      assert.equal(service.profiles.length, 1);
      assert.equal(service.profiles[0].connectorId, 2);
      assert.equal(service.currentLimitA(1, T0), Infinity);
      assert.equal(service.currentLimitA(2, T0), 8);
    });

    it("replaces the same purpose + stackLevel on the same connector, and stacks others", function () {
      service.setProfile(1, profile({ id: 1, purpose: "TxDefaultProfile", stackLevel: 2, periods: periods([0, 6]) }), T0);
      service.setProfile(1, profile({ id: 2, purpose: "TxDefaultProfile", stackLevel: 2, periods: periods([0, 7]) }), T0);
      service.setProfile(2, profile({ id: 3, purpose: "TxDefaultProfile", stackLevel: 2, periods: periods([0, 9]) }), T0);
      service.setProfile(1, profile({ id: 4, purpose: "TxDefaultProfile", stackLevel: 1, periods: periods([0, 5]) }), T0);
      assert.deepEqual(ids(service), [2, 3, 4]);
      assert.deepEqual(kv.keys(PROFILE_NAMESPACE).sort(), ["p2", "p3", "p4"], "the replaced record is deleted");
      assert.equal(service.currentLimitA(1, T0), 7, "the highest stack level wins");
    });

    it("anchors an Absolute profile without startSchedule at its installation", function () {
      service.setProfile(1, profile({ id: 1, purpose: "TxDefaultProfile", durationS: 60, periods: periods([0, 6], [30, 8]) }), T0);
      assert.equal(service.currentLimitA(1, T0 + 29000), 6);
      assert.equal(service.currentLimitA(1, T0 + 30000), 8);
      assert.equal(service.currentLimitA(1, T0 + 60000), Infinity);
    });

    it("lets a connector's TxDefaultProfile override the connector-0 default for that connector only", function () {
      service.setProfile(0, profile({ id: 1, purpose: "TxDefaultProfile", stackLevel: 5, periods: periods([0, 16]) }), T0);
      service.setProfile(1, profile({ id: 2, purpose: "TxDefaultProfile", stackLevel: 0, periods: periods([0, 10]) }), T0);
      assert.equal(service.currentLimitA(1, T0), 10);
      assert.equal(service.currentLimitA(2, T0), 16);
    });
  });

  describe("rules and configuration keys", function () {
    it("rejects profiles on the wrong connector and answers an unknown connector with PropertyConstraintViolation", function () {
      assert.equal(
        service.setProfile(1, profile({ id: 1, purpose: "ChargePointMaxProfile", periods: periods([0, 6]) }), T0).status,
        "Rejected",
      );
      transactions.start(1, 5, T0);
      assert.equal(service.setProfile(0, profile({ id: 2, purpose: "TxProfile", periods: periods([0, 6]) }), T0).status, "Rejected");
      assert.throws(
        () => service.setProfile(3, profile({ id: 3, purpose: "TxDefaultProfile", periods: periods([0, 6]) }), T0),
        (error: unknown) => error instanceof OcppCallError && error.code === "PropertyConstraintViolation",
      );
      assert.deepEqual(handleGetCompositeSchedule({ connectorId: 3, duration: 60 }, { service, clock: { utcMs: () => T0 } }), {
        status: "Rejected",
      });
      assert.equal(service.profiles.length, 0);
    });

    it("rejects malformed schedules", function () {
      const bad = [
        profile({ id: 1, purpose: "TxDefaultProfile", periods: periods([10, 6]) }),
        profile({ id: 1, purpose: "TxDefaultProfile", periods: periods([0, 6], [60, 8], [60, 9]) }),
        profile({ id: 1, purpose: "TxDefaultProfile", periods: periods([0, -1]) }),
        profile({ id: 1, purpose: "TxDefaultProfile", kind: "Recurring", startMs: T0, periods: periods([0, 6]) }),
        profile({ id: 1, purpose: "TxDefaultProfile", kind: "Recurring", recurrencyKind: "Daily", periods: periods([0, 6]) }),
        profile({ id: 1, purpose: "TxDefaultProfile", validFromMs: T0, validToMs: T0, periods: periods([0, 6]) }),
        { ...profile({ id: 1, purpose: "TxDefaultProfile", periods: periods([0, 6]) }), validFrom: "yesterday" },
      ];
      for (const candidate of bad) {
        const result = service.setProfile(1, candidate, T0);
        assert.equal(result.status, "Rejected", JSON.stringify(candidate));
      }
      assert.equal(service.profiles.length, 0);
      assert.equal(kv.keys(PROFILE_NAMESPACE).length, 0);
    });

    it("enforces ChargeProfileMaxStackLevel, ChargingScheduleMaxPeriods, the allowed units and MaxChargingProfilesInstalled", function () {
      const registry = new ConfigurationRegistry(kv);
      registry.declareAll(
        SMART_CHARGING_KEYS,
        smartChargingKeyDefaults({ maxStackLevel: 2, maxPeriods: 3, maxProfiles: 2, allowedUnits: ["Current"] }),
      );
      assert.deepEqual(
        registry.report(undefined).configurationKey.map((k) => `${k.key}=${k.value}${k.readonly ? " (R)" : ""}`),
        [
          "ChargeProfileMaxStackLevel=2 (R)",
          "ChargingScheduleAllowedChargingRateUnit=Current (R)",
          "ChargingScheduleMaxPeriods=3 (R)",
          "MaxChargingProfilesInstalled=2 (R)",
        ],
      );
      assert.equal(registry.change("ChargingScheduleMaxPeriods", "100"), "Rejected", "read-only");
      service = makeService(kv, transactions, { settings: smartChargingSettingsFrom(registry) });
      assert.deepEqual(service.settings, { maxStackLevel: 2, maxPeriods: 3, maxProfiles: 2, allowedUnits: ["Current"] });
      const tx = (id: number, extra: Partial<Parameters<typeof profile>[0]> = {}) =>
        profile({ id, purpose: "TxDefaultProfile", stackLevel: id, periods: periods([0, 6]), ...extra });
      assert.equal(service.setProfile(1, tx(3), T0).status, "Rejected", "stack level 3 > 2");
      assert.equal(
        service.setProfile(1, tx(1, { periods: periods([0, 6], [10, 7], [20, 8], [30, 9]) }), T0).status,
        "Rejected",
        "4 periods > 3",
      );
      assert.equal(service.setProfile(1, tx(1, { unit: "W", periods: periods([0, 6000]) }), T0).status, "Rejected", "W not allowed");
      assert.equal(service.setProfile(1, tx(1, { periods: periods([0, 6], [10, 7], [20, 8]) }), T0).status, "Accepted");
      assert.equal(service.setProfile(1, tx(2), T0).status, "Accepted");
      assert.equal(service.setProfile(1, tx(0), T0).status, "Rejected", "a third profile exceeds 2");
      assert.equal(service.setProfile(1, tx(2, { periods: periods([0, 9]) }), T0).status, "Accepted", "a replacement still fits");
      assert.deepEqual(ids(service), [1, 2]);
    });

    it("rejects a profile the key-value store cannot hold (NVS 4000-byte strings) and stores nothing", function () {
      service = makeService(kv, transactions, { settings: { maxPeriods: 400 } });
      const many = Array.from({ length: 300 }, (_, i) => ({ startPeriod: i * 60, limit: 12.5, numberPhases: 3 }));
      assert.equal(service.setProfile(1, profile({ id: 1, purpose: "TxDefaultProfile", periods: many }), T0).status, "Rejected");
      assert.equal(service.profiles.length, 0);
      assert.equal(kv.keys(PROFILE_NAMESPACE).length, 0);
    });
  });

  describe("ClearChargingProfile criteria", function () {
    beforeEach(function () {
      service.setProfile(0, profile({ id: 1, purpose: "ChargePointMaxProfile", stackLevel: 0, periods: periods([0, 30]) }), T0);
      service.setProfile(0, profile({ id: 2, purpose: "TxDefaultProfile", stackLevel: 1, periods: periods([0, 16]) }), T0);
      service.setProfile(1, profile({ id: 3, purpose: "TxDefaultProfile", stackLevel: 1, periods: periods([0, 10]) }), T0);
      service.setProfile(2, profile({ id: 4, purpose: "TxDefaultProfile", stackLevel: 2, periods: periods([0, 8]) }), T0);
    });

    it("clears by id only, ignoring the other fields", function () {
      assert.equal(service.clearProfiles({ id: 3, connectorId: 2, purpose: "ChargePointMaxProfile" }), true);
      assert.deepEqual(ids(service), [1, 2, 4]);
      assert.equal(service.clearProfiles({ id: 99 }), false);
    });

    it("clears what matches all given fields", function () {
      assert.equal(service.clearProfiles({ connectorId: 0, purpose: "TxDefaultProfile", stackLevel: 2 }), false);
      assert.equal(service.clearProfiles({ purpose: "TxDefaultProfile", stackLevel: 1 }), true);
      assert.deepEqual(ids(service), [1, 4]);
      assert.equal(service.clearProfiles({ connectorId: 0 }), true);
      assert.deepEqual(ids(service), [4]);
      assert.equal(service.clearProfiles({ stackLevel: 2 }), true);
      assert.deepEqual(ids(service), []);
      assert.equal(kv.keys(PROFILE_NAMESPACE).length, 0);
    });

    it("tells the control loop which connector to re-evaluate", function () {
      const told: number[] = [];
      service = makeService(kv, transactions, { onLimitChanged: (c) => told.push(c) });
      service.clearProfiles({ id: 3 }); // the ChargePointMaxProfile is shared: every connector may change
      service.clearProfiles({ id: 1 });
      service.clearProfiles({ id: 4 }); // now only connector 2 is concerned
      service.clearProfiles({ purpose: "TxDefaultProfile" });
      assert.equal(service.clearProfiles({ id: 42 }), false);
      service.setProfile(2, profile({ id: 5, purpose: "TxProfile", periods: periods([0, 6]) }), T0); // rejected: no transaction
      assert.deepEqual(told, [0, 0, 2, 0]);
    });
  });

  describe("schedule timing", function () {
    it("runs a Daily recurring profile every day from startSchedule, falling back after its duration", function () {
      const start = T0 - DAY - 4 * HOUR; // yesterday 08:00
      service.setProfile(
        1,
        profile({
          id: 1,
          purpose: "TxDefaultProfile",
          kind: "Recurring",
          recurrencyKind: "Daily",
          startMs: start,
          durationS: 7200,
          periods: periods([0, 10], [3600, 20]),
        }),
        T0,
      );
      const today8 = T0 - 4 * HOUR;
      assert.equal(service.currentLimitA(1, today8 + 30 * 60000), 10);
      assert.equal(service.currentLimitA(1, today8 + 90 * 60000), 20);
      assert.equal(service.currentLimitA(1, today8 + 150 * 60000), Infinity);
      assert.equal(service.nextChangeUtcMs(1, today8 + 150 * 60000), today8 + DAY);
      assert.equal(service.currentLimitA(1, today8 + 5 * DAY + 1), 10);
    });

    it("runs a Weekly recurring profile on the same weekday only", function () {
      service.setProfile(
        1,
        profile({
          id: 1,
          purpose: "TxDefaultProfile",
          kind: "Recurring",
          recurrencyKind: "Weekly",
          startMs: T0,
          durationS: 86400,
          periods: periods([0, 6]),
        }),
        T0,
      );
      assert.equal(new Date(T0).getUTCDay(), 1, "T0 is a Monday");
      assert.equal(service.currentLimitA(1, T0 + 2 * HOUR), 6);
      assert.equal(service.currentLimitA(1, T0 + DAY + 2 * HOUR), Infinity, "Tuesday");
      assert.equal(service.currentLimitA(1, T0 + 14 * DAY + 2 * HOUR), 6, "Monday two weeks later");
      assert.equal(service.nextChangeUtcMs(1, T0 + 2 * DAY), T0 + 7 * DAY);
    });

    it("honours validFrom / validTo and falls back to the lower stack level outside them", function () {
      service.setProfile(1, profile({ id: 1, purpose: "TxDefaultProfile", stackLevel: 0, periods: periods([0, 16]) }), T0);
      service.setProfile(
        1,
        profile({
          id: 2,
          purpose: "TxDefaultProfile",
          stackLevel: 1,
          validFromMs: T0 + HOUR,
          validToMs: T0 + 2 * HOUR,
          startMs: T0,
          periods: periods([0, 6]),
        }),
        T0,
      );
      assert.equal(service.currentLimitA(1, T0), 16);
      assert.equal(service.nextChangeUtcMs(1, T0), T0 + HOUR);
      assert.equal(service.currentLimitA(1, T0 + HOUR), 6);
      assert.equal(service.nextChangeUtcMs(1, T0 + HOUR), T0 + 2 * HOUR);
      assert.equal(service.currentLimitA(1, T0 + 2 * HOUR), 16);
      assert.equal(service.nextChangeUtcMs(1, T0 + 2 * HOUR), Infinity);
    });

    it("steps nextChangeUtcMs through the TC_072 boundaries", function () {
      const common = { purpose: "TxDefaultProfile" as const, startMs: T0, validFromMs: T0, validToMs: T0 + 401000 };
      service.setProfile(
        1,
        profile({ ...common, id: 30, stackLevel: 0, durationS: 400, periods: periods([0, 6], [100, 8], [200, 10]) }),
        T0,
      );
      service.setProfile(1, profile({ ...common, id: 31, stackLevel: 1, durationS: 150, periods: periods([0, 7], [100, 9]) }), T0);
      const seen: Array<[number, number]> = [];
      let t = T0;
      for (let i = 0; i < 10 && t !== Infinity; i++) {
        seen.push([(t - T0) / 1000, service.currentLimitA(1, t)]);
        t = service.nextChangeUtcMs(1, t);
      }
      assert.deepEqual(seen, [
        [0, 7],
        [100, 9],
        [150, 8],
        [200, 10],
        [400, Infinity],
        [401, Infinity],
      ]);
    });

    it("bounds the composite walk of a long recurring schedule", function () {
      const hourly = Array.from({ length: 24 }, (_, i) => ({ startPeriod: i * 3600, limit: i % 2 === 0 ? 6 : 10 }));
      service.setProfile(
        1,
        profile({ id: 1, purpose: "TxDefaultProfile", kind: "Recurring", recurrencyKind: "Daily", startMs: T0, periods: hourly }),
        T0,
      );
      const composite = service.compositeSchedule(1, 100 * 86400, "A", T0);
      assert.ok(composite);
      assert.ok(composite.periods.length <= 1000);
      assert.ok(composite.durationS < 100 * 86400 && composite.durationS > 30 * 86400, `reached ${composite.durationS}`);
      assert.deepEqual(composite.periods.slice(0, 3), [
        { startPeriod: 0, limit: 6 },
        { startPeriod: 3600, limit: 10 },
        { startPeriod: 7200, limit: 6 },
      ]);
    });
  });

  describe("units and sharing", function () {
    it("converts W to A per phase with the period's numberPhases and the nominal voltage", function () {
      service = makeService(kv, transactions, { nominalVoltageV: 240 });
      service.setProfile(
        1,
        profile({ id: 1, purpose: "TxDefaultProfile", unit: "W", periods: [{ startPeriod: 0, limit: 2400, numberPhases: 1 }] }),
        T0,
      );
      service.setProfile(2, profile({ id: 2, purpose: "TxDefaultProfile", unit: "W", periods: [{ startPeriod: 0, limit: 7200 }] }), T0);
      assert.equal(service.currentLimitA(1, T0), 10);
      assert.equal(service.currentLimitA(2, T0), 10, "numberPhases absent = 3");
      assert.deepEqual(service.compositeSchedule(1, 60, "W", T0)?.periods, [{ startPeriod: 0, limit: 2400, numberPhases: 1 }]);
      assert.deepEqual(service.compositeSchedule(1, 60, "A", T0)?.periods, [{ startPeriod: 0, limit: 10, numberPhases: 1 }]);
    });

    it("shares the ChargePointMaxProfile among charging connectors by water-filling", function () {
      service.setProfile(0, profile({ id: 1, purpose: "ChargePointMaxProfile", periods: periods([0, 20]) }), T0);
      assert.equal(service.currentLimitA(1, T0), 20, "alone it may take all");
      transactions.start(1, 1, T0);
      transactions.start(2, 2, T0);
      assert.equal(service.currentLimitA(1, T0), 10);
      assert.equal(service.currentLimitA(2, T0), 10);
      service.setProfile(1, profile({ id: 2, purpose: "TxProfile", transactionId: 1, periods: periods([0, 4]) }), T0);
      assert.equal(service.currentLimitA(1, T0), 4);
      assert.equal(service.currentLimitA(2, T0), 16, "connector 2 gets what connector 1 leaves");
      assert.deepEqual(service.compositeSchedule(0, 60, "A", T0)?.periods, [{ startPeriod: 0, limit: 20 }]);
    });

    it("reports connector 0 as the whole charge point: min(ChargePointMax, sum of connectors)", function () {
      assert.deepEqual(service.compositeSchedule(0, 60, "A", T0)?.periods, [{ startPeriod: 0, limit: 64 }]);
      service.setProfile(0, profile({ id: 1, purpose: "TxDefaultProfile", periods: periods([0, 10]) }), T0);
      assert.deepEqual(service.compositeSchedule(0, 60, "A", T0)?.periods, [{ startPeriod: 0, limit: 20 }]);
      service.setProfile(
        0,
        profile({ id: 2, purpose: "ChargePointMaxProfile", startMs: T0, durationS: 30, periods: periods([0, 12]) }),
        T0,
      );
      assert.deepEqual(service.compositeSchedule(0, 60, "A", T0)?.periods, [
        { startPeriod: 0, limit: 12 },
        { startPeriod: 30, limit: 20 },
      ]);
    });
  });

  describe("persistence and transactions", function () {
    it("keeps profiles across a reboot and forgets cleared ones", function () {
      transactions.start(1, 9, T0);
      service.setProfile(0, profile({ id: 1, purpose: "ChargePointMaxProfile", periods: periods([0, 25]) }), T0);
      service.setProfile(
        1,
        profile({ id: 2, purpose: "TxDefaultProfile", kind: "Relative", durationS: 600, periods: periods([0, 6], [300, 9]) }),
        T0,
      );
      service.setProfile(1, profile({ id: 3, purpose: "TxProfile", transactionId: 9, stackLevel: 2, periods: periods([0, 7]) }), T0);
      service.clearProfiles({ id: 2 });
      const before = service.compositeSchedule(1, 600, "A", T0 + 1000);
      const rebooted = makeService(kv, transactions);
      assert.deepEqual(ids(rebooted), [1, 3]);
      assert.deepEqual(rebooted.compositeSchedule(1, 600, "A", T0 + 1000), before);
      assert.equal(rebooted.currentLimitA(1, T0), 7);
    });

    it("removes TxProfiles when their transaction ends, and stale ones after a reboot", function () {
      transactions.start(1, 9, T0);
      transactions.start(2, 10, T0);
      service.setProfile(1, profile({ id: 1, purpose: "TxProfile", transactionId: 9, periods: periods([0, 7]) }), T0);
      service.setProfile(2, profile({ id: 2, purpose: "TxProfile", transactionId: 10, periods: periods([0, 8]) }), T0);
      transactions.stop(1);
      service.onTransactionEnded(1);
      assert.deepEqual(ids(service), [2]);
      assert.deepEqual(kv.keys(PROFILE_NAMESPACE), ["p2"]);
      transactions.stop(2); // the charger rebooted and the transaction did not survive
      const rebooted = makeService(kv, transactions);
      rebooted.pruneTxProfiles();
      assert.deepEqual(ids(rebooted), []);
      assert.deepEqual(kv.keys(PROFILE_NAMESPACE), []);
    });

    it("keeps the newer record when a power cut left a replaced one behind, and drops unreadable records", function () {
      const record = (seq: number, id: number, limit: number) =>
        JSON.stringify({
          connectorId: 1,
          seq,
          installedAtMs: T0,
          profile: profile({ id, purpose: "TxDefaultProfile", stackLevel: 1, periods: periods([0, limit]) }),
        });
      kv.set(PROFILE_NAMESPACE, "p7", record(3, 7, 6));
      kv.set(PROFILE_NAMESPACE, "p8", record(5, 8, 9));
      kv.set(PROFILE_NAMESPACE, "p9", "{not json");
      const loaded = makeService(kv, transactions);
      assert.deepEqual(ids(loaded), [8]);
      assert.equal(loaded.currentLimitA(1, T0), 9);
      assert.deepEqual(kv.keys(PROFILE_NAMESPACE), ["p8"]);
      loaded.setProfile(2, profile({ id: 10, purpose: "TxDefaultProfile", periods: periods([0, 6]) }), T0);
      assert.ok(loaded.profiles.find((p) => p.id === 10)!.seq > 5, "sequence continues after the stored ones");
    });

    it("keeps a RemoteStart TxProfile across a reboot until its transaction starts, where a later one of the same stack level replaces it", function () {
      assert.equal(
        service.acceptRemoteStartProfile(1, profile({ id: 50, purpose: "TxProfile", transactionId: 3, periods: periods([0, 6]) }), T0)
          .status,
        "Accepted",
      );
      const rebooted = makeService(kv, transactions);
      assert.equal(rebooted.pendingTxProfile(1)?.id, 50);
      assert.equal(rebooted.pendingTxProfile(1)?.transactionId, undefined, "bound to the transaction that starts, not to a given id");
      transactions.start(1, undefined, T0 + 1000);
      rebooted.onTransactionStarted(1, T0 + 1000);
      assert.equal(rebooted.pendingTxProfile(1), undefined);
      assert.equal(rebooted.currentLimitA(1, T0 + 2000), 6);
      transactions.start(1, 77, T0 + 1000); // StartTransaction.conf arrived
      assert.equal(
        rebooted.setProfile(1, profile({ id: 51, purpose: "TxProfile", transactionId: 77, periods: periods([0, 11]) }), T0 + 3000).status,
        "Accepted",
      );
      assert.deepEqual(ids(rebooted), [51]);
      assert.deepEqual(kv.keys(PROFILE_NAMESPACE), ["p51"]);
    });

    it("drops the RemoteStart profile when no transaction follows", function () {
      service.acceptRemoteStartProfile(2, profile({ id: 60, purpose: "TxProfile", periods: periods([0, 6]) }), T0);
      service.dropPendingTxProfile(2);
      transactions.start(2, 1, T0);
      service.onTransactionStarted(2, T0);
      assert.equal(service.currentLimitA(2, T0), Infinity);
      assert.deepEqual(kv.keys(PROFILE_NAMESPACE), []);
    });
  });
});
