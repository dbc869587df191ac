/**
 * What the emulator's logic (emulator.ts) needs from a board: its relays, a
 * capture of the pilot, and a way to send lines. The ESP32 board implements
 * them with ECMA-419 IO (esp32-*.ts), the lin build and the host tests with
 * the simulated line (sim-line.ts) and a TCP link (tcp-line-link.ts).
 */
import type { SwitchSet } from "./ev-network";
import type { PilotCapture } from "./measurement";

export interface SwitchBank {
  /** Sets every relay to `switches` (opening before closing). */
  apply(switches: Readonly<SwitchSet>): void;
}

export interface PilotProbe {
  /**
   * Captures one window and calls `done` with it (at once or later; never
   * twice for one call). The emulator starts one capture at a time.
   */
  capture(done: (capture: PilotCapture) => void): void;
}

export interface LineSink {
  /**
   * Sends one line (JSON text, no newline). `droppable` lines (reading events)
   * may be dropped when the link is backed up; false: not sent.
   */
  sendLine(text: string, droppable: boolean): boolean;
}

/** The charger model behind a simulated line: the `sim` command (absent on a board). */
export interface SimChargerControl {
  /** Applies the fields given; returns the charger's settings after. */
  set(settings: Readonly<Partial<SimChargerSettings>>): SimChargerSettings;
  get(): SimChargerSettings;
  /** What the charger measures on its own CP in the generator's high and low phase (V). */
  chargerCp(): { highV: number; lowV: number };
}

/** - `pwm`: ±levels at frequency and duty; `x1`: steady high level; `F`: steady low level; `off`: no output (CP floats). */
export type SimChargerMode = "pwm" | "x1" | "F" | "off";

export interface SimChargerSettings {
  mode: SimChargerMode;
  frequencyHz: number;
  dutyPercent: number;
  highV: number;
  lowV: number;
  sourceOhm: number;
}
