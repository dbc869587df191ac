/**
 * The Smart Charging actions behind the real OCPP engine: JSON frames in,
 * frames out, schema checks of requests and of our responses included.
 */
import { strict as assert } from "node:assert";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { VirtualTime } from "platform/common/virtual-timers";
import { Logger } from "ports/log";
import { OcppEngine } from "ocpp/rpc/engine";
import { attachSmartChargingActions } from "ocpp/smartcharging/actions";
import { settle } from "../support/waits.ts";
import { FakeTransactions, T0, makeService, periods, profile } from "./scenarios.ts";

describe("Smart Charging actions through the OCPP engine", function () {
  let sent: unknown[];
  let engine: OcppEngine;
  let transactions: FakeTransactions;
  let nowMs: number;

  beforeEach(function () {
    sent = [];
    nowMs = T0;
    transactions = new FakeTransactions();
    const lines: string[] = [];
    engine = new OcppEngine({
      timers: new VirtualTime(0),
      log: new Logger({ write: (level, tag, message) => void lines.push(`${level} ${tag} ${message}`) }, "ocpp"),
      messageTimeoutS: () => 30,
    });
    engine.connected((text) => {
      sent.push(JSON.parse(text));
      return true;
    });
    attachSmartChargingActions(engine, { service: makeService(new MemoryKeyValueStore(), transactions), clock: { utcMs: () => nowMs } });
  });

  async function call(id: string, action: string, payload: unknown): Promise<unknown> {
    const before = sent.length;
    engine.receive(JSON.stringify([2, id, action, payload]));
    await settle(); // the engine answers from a promise job
    assert.equal(sent.length, before + 1, "one answer per call");
    return sent[sent.length - 1];
  }

  it("answers TC_072 with a composite that passes the response schema", async function () {
    const common = { purpose: "TxDefaultProfile" as const, startMs: T0, validFromMs: T0, validToMs: T0 + 401000 };
    assert.deepEqual(
      await call("1", "SetChargingProfile", {
        connectorId: 1,
        csChargingProfiles: profile({ ...common, id: 30, durationS: 400, periods: periods([0, 6], [100, 8], [200, 10]) }),
      }),
      [3, "1", { status: "Accepted" }],
    );
    assert.deepEqual(
      await call("2", "SetChargingProfile", {
        connectorId: 1,
        csChargingProfiles: profile({ ...common, id: 31, stackLevel: 1, durationS: 150, periods: periods([0, 7], [100, 9]) }),
      }),
      [3, "2", { status: "Accepted" }],
    );
    nowMs = T0 + 250; // a fraction of a second after the profiles
    assert.deepEqual(await call("3", "GetCompositeSchedule", { connectorId: 1, duration: 400, chargingRateUnit: "A" }), [
      3,
      "3",
      {
        status: "Accepted",
        connectorId: 1,
        scheduleStart: "2025-03-10T12:00:00Z",
        chargingSchedule: {
          duration: 400,
          chargingRateUnit: "A",
          chargingSchedulePeriod: [
            { startPeriod: 0, limit: 7 },
            { startPeriod: 100, limit: 9 },
            { startPeriod: 150, limit: 8 },
            { startPeriod: 200, limit: 10 },
          ],
        },
      },
    ]);
  });

  it("answers an unknown connector with CALLERROR PropertyConstraintViolation and a bad unit with a schema CALLERROR", async function () {
    const reply = (await call("4", "SetChargingProfile", {
      connectorId: 9,
      csChargingProfiles: profile({ id: 1, purpose: "TxDefaultProfile", periods: periods([0, 6]) }),
    })) as unknown[];
    assert.equal(reply[0], 4);
    assert.equal(reply[2], "PropertyConstraintViolation");
    const badUnit = (await call("5", "GetCompositeSchedule", { connectorId: 1, duration: 60, chargingRateUnit: "kW" })) as unknown[];
    assert.equal(badUnit[0], 4);
    assert.equal(badUnit[2], "PropertyConstraintViolation");
    assert.deepEqual(await call("6", "GetCompositeSchedule", { connectorId: 9, duration: 60 }), [3, "6", { status: "Rejected" }]);
  });

  it("clears by criteria: Unknown when nothing matches, Accepted otherwise", async function () {
    assert.deepEqual(await call("7", "ClearChargingProfile", {}), [3, "7", { status: "Unknown" }]);
    await call("8", "SetChargingProfile", {
      connectorId: 0,
      csChargingProfiles: profile({ id: 2, purpose: "ChargePointMaxProfile", periods: periods([0, 16]) }),
    });
    assert.deepEqual(await call("9", "ClearChargingProfile", { connectorId: 0, chargingProfilePurpose: "ChargePointMaxProfile" }), [
      3,
      "9",
      { status: "Accepted" },
    ]);
  });
});
