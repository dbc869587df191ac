/**
 * The emulator board's measuring front end (docs/hil-bench.md, "Measuring
 * CP"): CP reaches the ADC through a three-resistor divider that scales and
 * offsets ±15 V into the ESP32's ADC range,
 *
 *   CP ── 100 kΩ ──┬── node ──> ADC1 (GPIO 36), comparator +in
 *                  ├── 13 kΩ ── GND (= the EV's PE)
 *                  └── 18 kΩ ── +3.3 V
 *
 * node = (CP / R_top + V_bias / R_bias) / (1 / R_top + 1 / R_bottom + 1 / R_bias):
 * 0.070 V per CP volt around 1.287 V, so −15 V → 0.234 V and +15 V → 2.340 V,
 * inside the 0.15–2.45 V the ESP32 ADC reads at 12 dB attenuation. Moddable's
 * esp32 `embedded:io/analog` returns the eFuse-calibrated millivolts scaled
 * back to 12 bits over 2450 mV (modules/io/analog/esp32/_analog.c), so
 * raw = node / 2.45 V × 4095. A comparator (MCP6561, rail to rail) turns the
 * node into a logic signal against the node voltage of CP = +1 V, for the
 * pulse timing and for sampling each phase.
 *
 * The 3.3 V rail and the resistors are not exact: the board is calibrated
 * once with CP at +12.00 V and −12.00 V from a bench supply (two raw values
 * in the manifest's config); without it the nominal values here are used.
 */
import type { ProbeLoad } from "./pilot-circuit";

export interface FrontEnd {
  topOhm: number;
  bottomOhm: number;
  biasOhm: number;
  biasV: number;
  /** Node voltage of the highest raw value. */
  adcFullScaleV: number;
  /** Lowest node voltage the ADC resolves (below reads as this). */
  adcFloorV: number;
  adcMaxRaw: number;
  /** CP voltage at which the comparator switches. */
  comparatorCpV: number;
}

export const FRONT_END: FrontEnd = Object.freeze({
  topOhm: 100_000,
  bottomOhm: 13_000,
  biasOhm: 18_000,
  biasV: 3.3,
  adcFullScaleV: 2.45,
  adcFloorV: 0.15,
  adcMaxRaw: 4095,
  comparatorCpV: 1,
});

/** Two raw readings taken with CP held at +12 V and −12 V: the board's calibration. */
export interface AdcCalibration {
  rawAtPlus12V: number;
  rawAtMinus12V: number;
}

/** The divider as CP sees it (for the line model): R_top + R_bottom ∥ R_bias to the unloaded node voltage. */
export function probeLoad(frontEnd: FrontEnd = FRONT_END): ProbeLoad {
  const { topOhm, bottomOhm, biasOhm, biasV } = frontEnd;
  return { theveninOhm: topOhm + (bottomOhm * biasOhm) / (bottomOhm + biasOhm), theveninV: (biasV * bottomOhm) / (bottomOhm + biasOhm) };
}

/** Divider node voltage with CP at `cpV`. */
export function nodeVoltsAt(cpV: number, frontEnd: FrontEnd = FRONT_END): number {
  const { topOhm, bottomOhm, biasOhm, biasV } = frontEnd;
  return (cpV / topOhm + biasV / biasOhm) / (1 / topOhm + 1 / bottomOhm + 1 / biasOhm);
}

/** What the ADC returns with CP at `cpV` (rounded and clamped like the esp32 driver). */
export function rawAt(cpV: number, frontEnd: FrontEnd = FRONT_END): number {
  let nodeV = nodeVoltsAt(cpV, frontEnd);
  if (nodeV < frontEnd.adcFloorV) nodeV = frontEnd.adcFloorV;
  if (nodeV > frontEnd.adcFullScaleV) nodeV = frontEnd.adcFullScaleV;
  return Math.round((nodeV / frontEnd.adcFullScaleV) * frontEnd.adcMaxRaw);
}

/** The calibration the nominal parts give. */
export function nominalCalibration(frontEnd: FrontEnd = FRONT_END): AdcCalibration {
  return { rawAtPlus12V: rawAt(12, frontEnd), rawAtMinus12V: rawAt(-12, frontEnd) };
}

/** CP voltage for a raw reading: the straight line through the two calibration points (the divider is linear). */
export function cpVoltsFromRaw(raw: number, calibration: Readonly<AdcCalibration>): number {
  const span = calibration.rawAtPlus12V - calibration.rawAtMinus12V;
  return -12 + (24 * (raw - calibration.rawAtMinus12V)) / span;
}

/** Whether a calibration can be used: raw values in range and +12 V reading above −12 V by a real margin. */
export function validCalibration(calibration: Readonly<AdcCalibration>, frontEnd: FrontEnd = FRONT_END): boolean {
  const { rawAtPlus12V, rawAtMinus12V } = calibration;
  const inRange = (raw: number): boolean => Number.isFinite(raw) && raw >= 0 && raw <= frontEnd.adcMaxRaw;
  return inRange(rawAtPlus12V) && inRange(rawAtMinus12V) && rawAtPlus12V - rawAtMinus12V >= frontEnd.adcMaxRaw / 4;
}
