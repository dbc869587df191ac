/**
 * Example: a two-connector board on one ESP32-WROOM-32 sharing a 32 A
 * three-phase circuit. Connector 1 is a type 2 socket with a lock motor,
 * connector 2 a tethered cable; each has an ATM90E32 three-phase metering
 * chip on one shared SPI bus (own chip select). Pilots sample in bulk
 * mode (no loop-back pins left). Installed with rotations RST and STR so
 * single-phase EVs land on different supply phases. Pins in docs/boards.md.
 * No temperature sensor: every ADC1 input (GPIO 32..39) is taken by the
 * pilots and inputs, and ADC2 does not work while Wi-Fi runs; a variant
 * with an I/O expander would add `temperature` per connector (optional).
 */
import type { Esp32BoardDescription } from "./types";

const CP_ADC_PLUS_12V = 3661;
const CP_ADC_MINUS_12V = 310;

export const DUO_2_BOARD: Esp32BoardDescription = Object.freeze({
  name: "duo-2",
  supplyPhases: 3,
  circuitLimitA: 32,
  ratingA: 32,
  buses: Object.freeze({
    meters: Object.freeze({ kind: "spi", out: 23, in: 19, clock: 18, hz: 200_000, mode: 3 }),
  }),
  connectors: Object.freeze([
    Object.freeze({
      pilot: Object.freeze({ pwmPin: 26, ledcChannel: 0, adcPin: 36, rawAtPlus12V: CP_ADC_PLUS_12V, rawAtMinus12V: CP_ADC_MINUS_12V }),
      contactor: Object.freeze({
        coil: Object.freeze({ pin: 27 }),
        feedback: Object.freeze({ pin: 35, activeLow: true }),
        feedbackHoldMs: 30,
      }),
      rcd: Object.freeze({ faults: Object.freeze([Object.freeze({ pin: 34 })]), test: Object.freeze({ pin: 14 }) }),
      lock: Object.freeze({
        lockOutput: Object.freeze({ pin: 4 }),
        unlockOutput: Object.freeze({ pin: 16 }),
        feedback: Object.freeze({ pin: 17, activeLow: true, pull: "up" as const }),
        pulseMs: 300,
        timeoutMs: 600,
      }),
      meter: Object.freeze({ kind: "atm90e32" as const, bus: "meters", select: Object.freeze({ pin: 5, activeLow: true }) }),
      phases: 3 as const,
      rotation: "RST" as const,
      cableMaxA: 32,
      ratingA: 32,
    }),
    Object.freeze({
      pilot: Object.freeze({ pwmPin: 25, ledcChannel: 1, adcPin: 39, rawAtPlus12V: CP_ADC_PLUS_12V, rawAtMinus12V: CP_ADC_MINUS_12V }),
      contactor: Object.freeze({
        coil: Object.freeze({ pin: 22 }),
        feedback: Object.freeze({ pin: 33, activeLow: true, pull: "up" as const }),
        feedbackHoldMs: 30,
      }),
      rcd: Object.freeze({ faults: Object.freeze([Object.freeze({ pin: 32 })]), test: Object.freeze({ pin: 13 }) }),
      lock: null,
      meter: Object.freeze({ kind: "atm90e32" as const, bus: "meters", select: Object.freeze({ pin: 21, activeLow: true }) }),
      phases: 3 as const,
      rotation: "STR" as const,
      cableMaxA: 20,
      ratingA: 32,
    }),
  ]),
});
