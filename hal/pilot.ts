/**
 * Control pilot (CP) HAL: the ±12 V PWM generator and the CP voltage
 * measurement of one connector (IEC 61851-1 / SAE J1772).
 *
 * The pure functions here (duty <-> amperes, voltage -> state, diode check)
 * are shared by the ESP32 driver and the simulated board so both classify
 * the same way.
 */

/** Pilot state from the high-level voltage; "invalid" between the bands. */
export type PilotState = "A" | "B" | "C" | "D" | "E" | "F" | "invalid";

/** What the charger drives on CP. */
export type PilotDrive =
  | "x1" // steady +12 V, no PWM (no charging allowed; B1/C1)
  | "pwm" // ±12 V 1 kHz PWM with the duty of the offered current (X2)
  | "F"; // steady -12 V: charger unavailable

/** Result of the diode check on the low phase (only meaningful while PWM is on). */
export type PilotDiode = "ok" | "missing" | "unknown";

/** Hardware errors a pilot driver reports (closed set). */
export type PilotError = "none" | "adc-fault" | "pwm-fault";

/** One measurement, written in place by `ControlPilot.read`. */
export interface PilotSample {
  /** State classified from the high phase over the last window. */
  state: PilotState;
  /** High-phase voltage (V), synchronised with the PWM. */
  highV: number;
  /** Low-phase voltage (V); about -12 V when the EV's diode is present. */
  lowV: number;
  /** Diode check result ("unknown" while not in PWM). */
  diode: PilotDiode;
  /** What the driver currently drives. */
  drive: PilotDrive;
  /** Duty cycle in percent while drive is "pwm", else 0 or 100. */
  dutyPercent: number;
  /** Hardware error of the driver itself. */
  error: PilotError;
  /** Monotonic ms of the measurement. */
  atMs: number;
}

/** A fresh sample to be reused (allocate once at init). */
export function createPilotSample(): PilotSample {
  return { state: "A", highV: 12, lowV: 12, diode: "unknown", drive: "x1", dutyPercent: 100, error: "none", atMs: 0 };
}

export interface ControlPilot {
  /** Drives PWM offering `amperes` (6..80 A; use x1 to offer nothing). */
  setPwm(amperes: number): void;
  /** Drives steady +12 V (state x1: no current offered). */
  setSteady(): void;
  /** Drives steady -12 V (state F: charger unavailable). */
  setStateF(): void;
  /** Advances sampling (start/collect ADC windows); no allocation. */
  poll(nowMs: number): void;
  /** Copies the newest measurement into a caller-owned sample. */
  read(into: PilotSample): void;
}

/** Lowest current an AC PWM offer may express (IEC 61851-1). */
export const PILOT_MIN_AMPERES = 6;
/** Highest current the duty cycle can express. */
export const PILOT_MAX_AMPERES = 80;

/**
 * Duty cycle (percent) offering `amperes`: I = duty x 0.6 A for 6..51 A,
 * I = (duty - 64) x 2.5 A for 51..80 A. Below 6 A returns 0 (offer nothing:
 * switch to x1); above 80 A is clamped to 80 A.
 */
export function amperesToDuty(amperes: number): number {
  if (!(amperes >= PILOT_MIN_AMPERES)) return 0;
  const a = amperes > PILOT_MAX_AMPERES ? PILOT_MAX_AMPERES : amperes;
  if (a <= 51) return a / 0.6;
  return a / 2.5 + 64;
}

/**
 * Current (A) a duty cycle offers: 8-10 % -> 6 A, 10-85 % -> duty x 0.6,
 * 85-96 % -> (duty - 64) x 2.5 (max 80); 3-7 % (digital communication,
 * 5 % nominal) and anything else -> 0 (no AC charging allowed).
 */
export function dutyToAmperes(dutyPercent: number): number {
  const d = dutyPercent;
  if (d >= 8 && d < 10) return 6;
  if (d >= 10 && d <= 85) return d * 0.6;
  if (d > 85 && d <= 96) {
    const a = (d - 64) * 2.5;
    return a > PILOT_MAX_AMPERES ? PILOT_MAX_AMPERES : a;
  }
  return 0;
}

/**
 * State from the high-phase voltage. The nominal bands are A 11.40-12.60,
 * B 8.36-9.56, C 5.48-6.49, D 2.62-3.25; like OpenEVSE we accept up to the
 * midpoints between nominal levels, so only the gaps around the
 * midpoints and out-of-range readings are "invalid".
 */
export function classifyPilotVoltage(highV: number): PilotState {
  if (highV > 13.5) return "invalid";
  if (highV >= 10.6) return "A";
  if (highV >= 7.6) return highV <= 10.4 ? "B" : "invalid";
  if (highV >= 4.6) return highV <= 7.4 ? "C" : "invalid";
  if (highV >= 1.6) return highV <= 4.4 ? "D" : "invalid";
  if (highV >= -1.5) return highV <= 1.4 ? "E" : "invalid";
  if (highV <= -10.5 && highV >= -13.5) return "F";
  return "invalid";
}

/** Diode check: the low phase must be near -12 V (below -10.5 V) while PWM runs. */
export function classifyDiode(lowV: number, pwmOn: boolean): PilotDiode {
  if (!pwmOn) return "unknown";
  return lowV <= -10.5 ? "ok" : "missing";
}
