/**
 * Fixtures shared by the Node tests and the XS entry: a transaction table
 * the service can ask, profile builders, and the OCTT TC_066 scenario with
 * the exact profiles of the reference (§4.7). Plain ES2022, no Node API, so
 * the XS bundle can include it.
 */
import type { KeyValueStore } from "ports/kv";
import { formatIsoUtc } from "util/iso8601";
import {
  SmartChargingService,
  type ActiveTransaction,
  type SmartChargingOptions,
  type TransactionLookup,
} from "ocpp/smartcharging/smart-charging-service";
import type { ChargingProfile, ChargingSchedulePeriod } from "ocpp/smartcharging/types";

/** 2025-03-10T12:00:00Z, a Monday. */
export const T0 = Date.UTC(2025, 2, 10, 12, 0, 0);

export class FakeTransactions implements TransactionLookup {
  readonly running = new Map<number, ActiveTransaction>();
  activeTransaction(connectorId: number): ActiveTransaction | undefined {
    return this.running.get(connectorId);
  }
  start(connectorId: number, transactionId: number | undefined, startUtcMs: number): void {
    this.running.set(connectorId, { transactionId, startUtcMs });
  }
  stop(connectorId: number): void {
    this.running.delete(connectorId);
  }
}

export function periods(...pairs: Array<[number, number]>): ChargingSchedulePeriod[] {
  return pairs.map(([startPeriod, limit]) => ({ startPeriod, limit }));
}

export interface ProfileOptions {
  id: number;
  purpose: ChargingProfile["chargingProfilePurpose"];
  stackLevel?: number;
  kind?: ChargingProfile["chargingProfileKind"];
  recurrencyKind?: ChargingProfile["recurrencyKind"];
  transactionId?: number;
  startMs?: number;
  validFromMs?: number;
  validToMs?: number;
  durationS?: number;
  unit?: "A" | "W";
  periods: ChargingSchedulePeriod[];
}

export function profile(options: ProfileOptions): ChargingProfile {
  return profileOf(options);
}

function profileOf(options: ProfileOptions): ChargingProfile {
  const result: ChargingProfile = {
    chargingProfileId: options.id,
    stackLevel: options.stackLevel ?? 0,
    chargingProfilePurpose: options.purpose,
    chargingProfileKind: options.kind ?? "Absolute",
    chargingSchedule: {
      chargingRateUnit: options.unit ?? "A",
      chargingSchedulePeriod: options.periods,
    },
  };
  if (options.transactionId !== undefined) result.transactionId = options.transactionId;
  if (options.recurrencyKind !== undefined) result.recurrencyKind = options.recurrencyKind;
  if (options.validFromMs !== undefined) result.validFrom = formatIsoUtc(options.validFromMs);
  if (options.validToMs !== undefined) result.validTo = formatIsoUtc(options.validToMs);
  if (options.startMs !== undefined) result.chargingSchedule.startSchedule = formatIsoUtc(options.startMs);
  if (options.durationS !== undefined) result.chargingSchedule.duration = options.durationS;
  return result;
}

export function makeService(
  kv: KeyValueStore,
  transactions: TransactionLookup,
  extra: Partial<SmartChargingOptions> = {},
): SmartChargingService {
  return new SmartChargingService({ numberOfConnectors: 2, kv, transactions, connectorMaxCurrentA: 32, ...extra });
}

/**
 * OCTT TC_066: ChargePointMaxProfile 10 A (86400 s), TxDefaultProfile
 * 6/10/8/15/8 A at 0/60/120/180/260 s (300 s), TxProfile 8/11/16/6/12 A at
 * 0/50/140/200/240 s (260 s) for the transaction on connector 1, all set at
 * `t0` and starting then; the composite for connector 1 over 400 s asked
 * `askAfterS` seconds later. Returns the statuses and the composite.
 */
export function runTc066(
  service: SmartChargingService,
  transactions: FakeTransactions,
  t0: number,
  askAfterS: number,
  unit: "A" | "W" = "A",
  numberPhases?: number,
) {
  // OCTT: with the W unit every limit is multiplied by 1000.
  const scale = unit === "W" ? 1000 : 1;
  const periods = (...pairs: Array<[number, number]>): ChargingSchedulePeriod[] =>
    pairs.map(([startPeriod, limit]) =>
      numberPhases === undefined ? { startPeriod, limit: limit * scale } : { startPeriod, limit: limit * scale, numberPhases },
    );
  const profile = (options: ProfileOptions): ChargingProfile => profileOf({ ...options, unit });
  transactions.start(1, 1001, t0 - 60000);
  const statuses = [
    service.setProfile(
      0,
      profile({ id: 1, purpose: "ChargePointMaxProfile", startMs: t0, durationS: 86400, periods: periods([0, 10]) }),
      t0,
    ).status,
    service.setProfile(
      1,
      profile({
        id: 2,
        purpose: "TxDefaultProfile",
        startMs: t0,
        durationS: 300,
        periods: periods([0, 6], [60, 10], [120, 8], [180, 15], [260, 8]),
      }),
      t0,
    ).status,
    service.setProfile(
      1,
      profile({
        id: 3,
        purpose: "TxProfile",
        transactionId: 1001,
        startMs: t0,
        durationS: 260,
        periods: periods([0, 8], [50, 11], [140, 16], [200, 6], [240, 12]),
      }),
      t0,
    ).status,
  ];
  const composite = service.compositeSchedule(1, 400, unit, t0 + askAfterS * 1000);
  return { statuses, composite };
}
