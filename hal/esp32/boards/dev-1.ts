/**
 * Example: a one-connector development board on an ESP32-DevKitC (ESP32-WROOM-32).
 * Tethered 3-phase cable (no lock), 16 A, SDM630 meter on RS-485 (UART2,
 * auto-direction transceiver), RDC-DD module with one fault pin, test and
 * reset inputs. Pins in docs/boards.md. `DEV_1_NTC_BOARD` is the same board
 * with the optional NTC at the cable terminals fitted (GPIO 32).
 */
import type { Esp32BoardDescription, NtcDescription } from "./types";

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

/**
 * The optional terminal NTC of dev-1: 10 kΩ B3950 to GND, 10 kΩ to 3.3 V on GPIO 32. The ADC
 * (12 bits, 11 dB) saturates near 3.1 V, so the 3.3 V supply reads about 4095 x 3.3 / 3.1 = 4359:
 * measure it once per board (and `offsetC` against a reference thermometer).
 */
export const DEV_1_NTC: NtcDescription = Object.freeze({
  adcPin: 32,
  seriesOhm: 10_000,
  nominalOhm: 10_000,
  beta: 3950,
  rawAtSupply: 4359,
});

/** dev-1 with the terminal NTC fitted: the loop derates above 70 °C and trips at 85 °C. */
export const DEV_1_NTC_BOARD: Esp32BoardDescription = Object.freeze({
  ...DEV_1_BOARD,
  name: "dev-1-ntc",
  connectors: Object.freeze([Object.freeze({ ...DEV_1_BOARD.connectors[0], temperature: DEV_1_NTC })]),
});
