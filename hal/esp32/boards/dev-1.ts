/**
 * Example: a one-connector development board on an ESP32-DevKitC (ESP32-WROOM-32).
 * Tethered 3-phase cable (no lock), 16 A, SDM630 meter on RS-485 (UART2,
 * auto-direction transceiver), RDC-DD module with one fault pin, test and
 * reset inputs. Pins in docs/boards.md.
 */
import type { Esp32BoardDescription } from "./types";

export const DEV_1_BOARD: Esp32BoardDescription = Object.freeze({
  name: "dev-1",
  supplyPhases: 3,
  circuitLimitA: 16,
  ratingA: 16,
  buses: Object.freeze({
    rs485: Object.freeze({ kind: "serial", receive: 16, transmit: 17, port: 2, baud: 9600 }),
  }),
  connectors: Object.freeze([
    Object.freeze({
      pilot: Object.freeze({
        pwmPin: 26,
        ledcChannel: 0,
        adcPin: 36,
        // Divider + offset of a typical CP front end: -12 V -> 0.25 V, +12 V -> 2.95 V at 12 bits / 3.3 V.
        rawAtPlus12V: 3661,
        rawAtMinus12V: 310,
        sync: Object.freeze({ pin: 39 }),
      }),
      contactor: Object.freeze({
        coil: Object.freeze({ pin: 27 }),
        // Optocoupler on L1 after the contactor, open collector with external pull-up: low = power present.
        feedback: Object.freeze({ pin: 35, activeLow: true }),
        feedbackHoldMs: 30,
        settleMs: 1000,
      }),
      rcd: Object.freeze({
        faults: Object.freeze([Object.freeze({ pin: 34, kind: "unknown" as const })]),
        test: Object.freeze({ pin: 14 }),
        reset: Object.freeze({ pin: 13 }),
        selfTestTimeoutMs: 1000,
      }),
      lock: null,
      meter: Object.freeze({ kind: "sdm630" as const, bus: "rs485", address: 1 }),
      phases: 3 as const,
      rotation: "RST" as const,
      cableMaxA: 16,
      ratingA: 16,
    }),
  ]),
});
