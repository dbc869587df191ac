/**
 * From what the board captured over one window (pulse times of the
 * comparator, ADC samples taken in each phase) to a reading: frequency,
 * duty, high and low level, the offer the duty makes (duty.ts) and the
 * checks against the IEC tolerances (iec-limits.ts). Medians keep a stray
 * sample (an ADC read that caught an edge, a pulse cut by the window) from
 * moving the result.
 */
import { cpVoltsFromRaw, type AdcCalibration } from "./adc-front-end";
import { offerForDuty, type DutyOfferKind } from "./duty";
import type { EvState } from "./ev-network";
import { checkFrequency, checkHighLevel, checkLowLevel, type LimitCheck } from "./iec-limits";

/** One window of raw measurements. */
export interface PilotCapture {
  /** Rising edge to rising edge of the comparator output (µs); empty without PWM. */
  periodsUs: number[];
  /** Rising edge to falling edge (µs). */
  highsUs: number[];
  /** ADC raw values read while the comparator was high (synchronised with the PWM). */
  highRaw: number[];
  /** ADC raw values read while the comparator was low. */
  lowRaw: number[];
  /** ADC raw values read without synchronisation: the level when the comparator never toggles. */
  steadyRaw: number[];
}

/**
 * - `pwm`: the charger's ±12 V PWM.
 * - `x1`: a steady positive level (+12 / +9 / +6 / +3 V): the charger offers nothing.
 * - `F`: a steady negative level (−12 V): the charger is unavailable.
 * - `none`: about 0 V or nothing (CP shorted, the charger off, PE broken).
 */
export type PilotSignal = "pwm" | "x1" | "F" | "none";

/** `none`: no PWM, so no offer. */
export type OfferKind = DutyOfferKind | "none";

export interface PilotChecks {
  frequency: LimitCheck;
  highLevel: LimitCheck;
  lowLevel: LimitCheck;
}

export interface PilotReading {
  signal: PilotSignal;
  frequencyHz: number | null;
  dutyPercent: number | null;
  /** The PWM's high phase, or the steady level of x1 (V). */
  highV: number | null;
  /** The PWM's low phase, or the steady level of F (V). */
  lowV: number | null;
  /** The steady level of a signal without PWM (V). */
  levelV: number | null;
  offer: OfferKind;
  offeredA: number | null;
  checks: PilotChecks;
}

/** Fewer whole periods than this in a window: no PWM. */
export const MIN_PERIODS = 3;
/** A steady level beyond ± this (V) is x1 or F; within it, none. */
export const STEADY_LEVEL_V = 1.5;

/** The median, or null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function volts(raws: readonly number[], calibration: Readonly<AdcCalibration>): number | null {
  const raw = median(raws);
  return raw === null ? null : round(cpVoltsFromRaw(raw, calibration), 2);
}

/**
 * The reading of one window. `expected`: the state whose high level the
 * charger's pilot should show (null: no expectation, e.g. CP shorted).
 */
export function readingFromCapture(
  capture: Readonly<PilotCapture>,
  calibration: Readonly<AdcCalibration>,
  expected: EvState | null,
): PilotReading {
  const periodUs = median(capture.periodsUs);
  const highUs = median(capture.highsUs);
  if (capture.periodsUs.length >= MIN_PERIODS && periodUs !== null && highUs !== null && periodUs > 0) {
    const frequencyHz = round(1e6 / periodUs, 1);
    const dutyPercent = round((100 * highUs) / periodUs, 2);
    const offer = offerForDuty(dutyPercent);
    const highV = volts(capture.highRaw, calibration);
    const lowV = volts(capture.lowRaw, calibration);
    return {
      signal: "pwm",
      frequencyHz,
      dutyPercent,
      highV,
      lowV,
      levelV: null,
      offer: offer.kind,
      offeredA: offer.amperes === null ? null : round(offer.amperes, 1),
      checks: { frequency: checkFrequency(frequencyHz), highLevel: checkHighLevel(expected, highV), lowLevel: checkLowLevel(lowV) },
    };
  }
  const levelV = volts(capture.steadyRaw, calibration);
  const signal: PilotSignal = levelV === null ? "none" : levelV > STEADY_LEVEL_V ? "x1" : levelV < -STEADY_LEVEL_V ? "F" : "none";
  const highV = signal === "x1" ? levelV : null;
  const lowV = signal === "F" ? levelV : null;
  return {
    signal,
    frequencyHz: null,
    dutyPercent: signal === "x1" ? 100 : signal === "F" ? 0 : null,
    highV,
    lowV,
    levelV,
    offer: "none",
    offeredA: null,
    checks: { frequency: "n/a", highLevel: checkHighLevel(expected, highV), lowLevel: checkLowLevel(lowV) },
  };
}
