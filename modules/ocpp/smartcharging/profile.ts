/**
 * An installed charging profile, compiled once from its OCPP form into
 * UTC milliseconds, and the two questions the composite asks of it: which
 * period is in force at an instant, and when that can next change.
 *
 * Timing rules [SPEC 3.13.2, 5.16.4, ERR 3.43-3.44, 3.78]:
 * - Absolute: periods count from startSchedule (from installation when absent);
 * - Relative: periods count from the transaction start;
 * - Recurring: anchored on startSchedule, restarting every 24 h (Daily) or
 *   7 days (Weekly); periods past the recurrence length are not executed;
 *   the recurrence also holds before startSchedule (use validFrom to start later);
 * - a period lasts until the next one starts; the last one until `duration`
 *   (forever without one); outside validFrom..validTo the profile is off.
 */
import { parseIsoUtcMs } from "util/iso8601";
import type { ChargingProfile, ChargingProfileKind, ChargingProfilePurpose, ChargingRateUnit } from "./types";

const DAY_MS = 86400000;
const WEEK_MS = 7 * DAY_MS;

export interface InstalledProfile {
  /** Connector the profile was set on (0 = whole charge point). */
  readonly connectorId: number;
  readonly id: number;
  readonly stackLevel: number;
  readonly purpose: ChargingProfilePurpose;
  readonly kind: ChargingProfileKind;
  /** TxProfile only: the transaction it belongs to (undefined = the one running on the connector). */
  readonly transactionId: number | undefined;
  /** 0 when not recurring, else the recurrence length in ms. */
  readonly recurrenceMs: number;
  readonly validFromMs: number;
  readonly validToMs: number;
  /** Schedule anchor in UTC ms; NaN for Relative (anchored on the transaction start). */
  readonly startMs: number;
  /** Schedule length in ms; Infinity without `duration`. */
  readonly durationMs: number;
  readonly unit: ChargingRateUnit;
  /** Period starts in ms from the anchor, ascending, the first 0. */
  readonly periodStartMs: readonly number[];
  readonly periodLimit: readonly number[];
  /** numberPhases per period; 0 when the period does not say. */
  readonly periodPhases: readonly number[];
  /** Order of installation: the later wins a conflict found at load. */
  readonly seq: number;
  readonly installedAtMs: number;
  /** The profile as received, for persistence. */
  readonly source: ChargingProfile;
}

/** Compiles a profile, or returns why it is not acceptable. */
export function compileProfile(
  connectorId: number,
  source: ChargingProfile,
  installedAtMs: number,
  seq: number,
): InstalledProfile | string {
  const schedule = source.chargingSchedule;
  const periods = schedule.chargingSchedulePeriod;
  if (!Number.isInteger(source.chargingProfileId)) return "chargingProfileId is not an integer";
  if (!Number.isInteger(source.stackLevel) || source.stackLevel < 0) return "stackLevel must be an integer >= 0";
  if (!Array.isArray(periods) || periods.length === 0) return "chargingSchedulePeriod is empty";

  const periodStartMs: number[] = [];
  const periodLimit: number[] = [];
  const periodPhases: number[] = [];
  for (let i = 0; i < periods.length; i++) {
    const period = periods[i];
    if (!Number.isInteger(period.startPeriod) || period.startPeriod < 0) return `period ${i}: bad startPeriod`;
    if (i === 0 && period.startPeriod !== 0) return "the first startPeriod must be 0";
    if (i > 0 && period.startPeriod * 1000 <= periodStartMs[i - 1]) return `period ${i}: startPeriod not ascending`;
    if (typeof period.limit !== "number" || !Number.isFinite(period.limit) || period.limit < 0) return `period ${i}: bad limit`;
    const phases = period.numberPhases;
    if (phases !== undefined && (!Number.isInteger(phases) || phases < 1 || phases > 3)) return `period ${i}: numberPhases must be 1..3`;
    periodStartMs.push(period.startPeriod * 1000);
    periodLimit.push(period.limit);
    periodPhases.push(phases ?? 0);
  }

  if (schedule.chargingRateUnit !== "A" && schedule.chargingRateUnit !== "W") return "chargingRateUnit must be A or W";
  let durationMs = Infinity;
  if (schedule.duration !== undefined) {
    if (!Number.isInteger(schedule.duration) || schedule.duration < 0) return "duration must be an integer >= 0";
    durationMs = schedule.duration * 1000;
  }

  const validFromMs = source.validFrom === undefined ? -Infinity : parseIsoUtcMs(source.validFrom);
  const validToMs = source.validTo === undefined ? Infinity : parseIsoUtcMs(source.validTo);
  if (Number.isNaN(validFromMs)) return "validFrom is not a date-time";
  if (Number.isNaN(validToMs)) return "validTo is not a date-time";
  if (validToMs <= validFromMs) return "validTo is not after validFrom";

  let startMs = NaN;
  let recurrenceMs = 0;
  const startText = schedule.startSchedule;
  switch (source.chargingProfileKind) {
    case "Absolute":
      startMs = startText === undefined ? installedAtMs : parseIsoUtcMs(startText);
      if (Number.isNaN(startMs)) return "startSchedule is not a date-time";
      break;
    case "Recurring":
      if (source.recurrencyKind === "Daily") recurrenceMs = DAY_MS;
      else if (source.recurrencyKind === "Weekly") recurrenceMs = WEEK_MS;
      else return "Recurring needs recurrencyKind Daily or Weekly";
      if (startText === undefined) return "Recurring needs startSchedule";
      startMs = parseIsoUtcMs(startText);
      if (Number.isNaN(startMs)) return "startSchedule is not a date-time";
      break;
    case "Relative":
      break; // anchored on the transaction start; startSchedule is ignored
    default:
      return "unknown chargingProfileKind";
  }

  switch (source.chargingProfilePurpose) {
    case "ChargePointMaxProfile":
    case "TxDefaultProfile":
    case "TxProfile":
      break;
    default:
      return "unknown chargingProfilePurpose";
  }

  return {
    connectorId,
    id: source.chargingProfileId,
    stackLevel: source.stackLevel,
    purpose: source.chargingProfilePurpose,
    kind: source.chargingProfileKind,
    transactionId: source.chargingProfilePurpose === "TxProfile" ? source.transactionId : undefined,
    recurrenceMs,
    validFromMs,
    validToMs,
    startMs,
    durationMs,
    unit: schedule.chargingRateUnit,
    periodStartMs,
    periodLimit,
    periodPhases,
    seq,
    installedAtMs,
    source,
  };
}

/** The anchor of the schedule cycle containing `tMs` (NaN when unknown). */
function anchorMs(profile: InstalledProfile, tMs: number, txStartMs: number): number {
  if (profile.kind === "Relative") return txStartMs;
  if (profile.recurrenceMs === 0) return profile.startMs;
  const cycles = Math.floor((tMs - profile.startMs) / profile.recurrenceMs);
  return profile.startMs + cycles * profile.recurrenceMs;
}

/**
 * Index of the period in force at `tMs`, or -1 when the profile is not in
 * force (outside validity, before its start, after its duration).
 * `txStartMs` anchors Relative profiles (NaN: no transaction, not in force).
 */
export function activePeriodIndex(profile: InstalledProfile, tMs: number, txStartMs: number): number {
  if (tMs < profile.validFromMs || tMs >= profile.validToMs) return -1;
  const anchor = anchorMs(profile, tMs, txStartMs);
  if (Number.isNaN(anchor)) return -1;
  const offset = tMs - anchor;
  if (offset < 0 || offset >= profile.durationMs) return -1;
  if (profile.recurrenceMs > 0 && offset >= profile.recurrenceMs) return -1;
  const starts = profile.periodStartMs;
  let index = -1;
  for (let i = 0; i < starts.length; i++) {
    if (starts[i] <= offset) index = i;
    else break;
  }
  return index;
}

/** The earliest instant after `tMs` at which the profile's state may change; Infinity if never. */
export function nextBoundaryMs(profile: InstalledProfile, tMs: number, txStartMs: number): number {
  let next = Infinity;
  if (profile.validFromMs > tMs) next = profile.validFromMs;
  if (profile.validToMs > tMs && profile.validToMs < next) next = profile.validToMs;
  const anchor = anchorMs(profile, tMs, txStartMs);
  if (Number.isNaN(anchor)) return next;
  const starts = profile.periodStartMs;
  for (let i = 0; i < starts.length; i++) {
    const at = anchor + starts[i];
    if (at > tMs) {
      if (at < next) next = at;
      break; // starts are ascending
    }
  }
  const end = anchor + profile.durationMs;
  if (end > tMs && end < next) next = end;
  if (profile.recurrenceMs > 0) {
    const cycleEnd = anchor + profile.recurrenceMs;
    if (cycleEnd > tMs && cycleEnd < next) next = cycleEnd;
  }
  return next;
}

/** Limit of one period in A per phase: W are total power over `phases` at `voltageV` [SPEC 7.12]. */
export function periodLimitA(profile: InstalledProfile, index: number, voltageV: number, defaultPhases: number): number {
  const limit = profile.periodLimit[index];
  if (profile.unit === "A") return limit;
  const phases = profile.periodPhases[index] || defaultPhases;
  return limit / (voltageV * phases);
}
