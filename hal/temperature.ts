/**
 * Temperature sensor HAL: one sensor per connector, e.g. an NTC thermistor
 * at the socket terminals or on the contactor, where a loose terminal or an
 * overloaded contact heats first. The control loop derates the offered
 * current and trips on it (docs/control-loop.md, "Temperature").
 *
 * Drivers judge their own readings: an open or shorted sensor, an ADC that
 * throws or a value outside the sensor's range gives `ok` false with a
 * closed-set error, never a plausible-looking number.
 */

/** Sensor errors (closed set). */
export type TemperatureError =
  | "none"
  | "open" // sensor or wire open circuit (reads the divider's rail)
  | "short" // sensor shorted (reads the other rail)
  | "range" // converted value outside the sensor's rated range
  | "adc-fault"; // the ADC threw

/** One reading, written in place by `TemperatureSensor.read`. */
export interface TemperatureSample {
  /** Temperature in °C (meaningful only while `ok`). */
  celsius: number;
  /** False when the sensor could not be read or reads an impossible value. */
  ok: boolean;
  /** Why `ok` is false ("none" while ok). */
  error: TemperatureError;
  /** Monotonic ms of the reading. */
  atMs: number;
}

/** A fresh sample to be reused (allocate once at init). */
export function createTemperatureSample(): TemperatureSample {
  return { celsius: 0, ok: false, error: "none", atMs: 0 };
}

export interface TemperatureSensor {
  /** Samples the sensor (and filters) at `nowMs`; no allocation. */
  poll(nowMs: number): void;
  /** Copies the newest reading into a caller-owned sample. */
  read(into: TemperatureSample): void;
}
