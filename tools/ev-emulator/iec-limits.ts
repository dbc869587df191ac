/**
 * The tolerances the emulator checks a charger's pilot against.
 *
 * - Generator (IEC 61851-1:2017 Table A.2, as EVerest's bring-up checklist
 *   restates it, everest-core docs/source/how-to-guides/bringup/basic.rst):
 *   frequency 1000 Hz ± 2 % (980 – 1020 Hz); +12 V ± 5 % (11.4 – 12.6 V)
 *   and −12 V ± 5 % (−12.6 – −11.4 V); source resistance 970 – 1030 Ω.
 * - High level per state with the vehicle's nominal resistors (IEC 61851-1
 *   Table A.4 bands as ../shared/charger-hardware.md gives them, second-hand):
 *   B 8.36 – 9.56 V, C 5.48 – 6.49 V, D 2.62 – 3.25 V; A is the generator's
 *   +12 V band, since nothing but the emulator's divider loads CP.
 *
 * The low level is only expected at −12 V while the vehicle's diode blocks;
 * a shorted diode moves it (the fault the charger must find).
 */
import { EV_STATES, type EvState } from "./ev-network";

export interface RangeV {
  minV: number;
  maxV: number;
}

export const PWM_FREQUENCY_HZ = Object.freeze({ nominal: 1000, min: 980, max: 1020 });

/** The high level a charger's pilot should show with the vehicle in each state. */
export const HIGH_LEVEL_BANDS_V: Readonly<Record<EvState, RangeV>> = Object.freeze({
  A: Object.freeze({ minV: 11.4, maxV: 12.6 }),
  B: Object.freeze({ minV: 8.36, maxV: 9.56 }),
  C: Object.freeze({ minV: 5.48, maxV: 6.49 }),
  D: Object.freeze({ minV: 2.62, maxV: 3.25 }),
});

/** The low level of the PWM, and the steady level of state F. */
export const LOW_LEVEL_BAND_V: RangeV = Object.freeze({ minV: -12.6, maxV: -11.4 });

/** "n/a": nothing to check (no PWM, no such level, or no expectation). */
export type LimitCheck = "ok" | "low" | "high" | "n/a";

function within(value: number, range: RangeV): LimitCheck {
  if (value < range.minV) return "low";
  if (value > range.maxV) return "high";
  return "ok";
}

export function checkFrequency(frequencyHz: number | null): LimitCheck {
  if (frequencyHz === null) return "n/a";
  if (frequencyHz < PWM_FREQUENCY_HZ.min) return "low";
  if (frequencyHz > PWM_FREQUENCY_HZ.max) return "high";
  return "ok";
}

/** The high level against the band of the state the charger should see; null state: not expected to be checked. */
export function checkHighLevel(expected: EvState | null, highV: number | null): LimitCheck {
  if (expected === null || highV === null) return "n/a";
  return within(highV, HIGH_LEVEL_BANDS_V[expected]);
}

export function checkLowLevel(lowV: number | null): LimitCheck {
  return lowV === null ? "n/a" : within(lowV, LOW_LEVEL_BAND_V);
}

/** The state whose band holds `highV`, or null between and outside the bands. */
export function bandOf(highV: number): EvState | null {
  for (let i = 0; i < EV_STATES.length; i++) if (within(highV, HIGH_LEVEL_BANDS_V[EV_STATES[i]]) === "ok") return EV_STATES[i];
  return null;
}
