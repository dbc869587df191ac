/**
 * A simulated pilot line for the lin build and the host tests: a charger
 * model (a ±12 V, 1 kHz PWM generator through 1 kΩ by default; steady +12 V,
 * −12 V or off on command) wired to the emulator's relays and its measuring
 * front end. A capture solves the line for both phases of the generator
 * (pilot-circuit.ts), runs the comparator on the solved voltages and reads
 * them through the ADC model, so every number a reading shows comes from the
 * circuit. Pulse times are quantised to the ESP32's capture clock (APB,
 * 80 MHz: 12.5 ns).
 */
import { FRONT_END, probeLoad, rawAt, type FrontEnd } from "./adc-front-end";
import { openSwitches, type SwitchSet } from "./ev-network";
import type { PilotCapture } from "./measurement";
import { solvePilotLine, type LineSolution } from "./pilot-circuit";
import type { PilotProbe, SimChargerControl, SimChargerSettings, SwitchBank } from "./ports";

/** Periods (and samples of each kind) per simulated window. */
export const SIM_WINDOW_PERIODS = 16;
const CAPTURE_TICK_US = 1 / 80;

/** The charger model's power-on state: steady +12 V (state A, no PWM yet). */
export function defaultSimCharger(): SimChargerSettings {
  return { mode: "x1", frequencyHz: 1000, dutyPercent: 100, highV: 12, lowV: -12, sourceOhm: 1000 };
}

/** The line as each side sees it for both phases of the generator. */
export interface SimLineLevels {
  high: LineSolution;
  low: LineSolution;
}

function quantiseUs(us: number): number {
  return Math.round(us / CAPTURE_TICK_US) * CAPTURE_TICK_US;
}

export class SimulatedPilotLine implements SwitchBank, PilotProbe, SimChargerControl {
  readonly #frontEnd: FrontEnd;
  #charger: SimChargerSettings = defaultSimCharger();
  #switches: SwitchSet = openSwitches();
  /** Captures taken so far. */
  captures = 0;

  constructor(frontEnd: FrontEnd = FRONT_END) {
    this.#frontEnd = frontEnd;
  }

  apply(switches: Readonly<SwitchSet>): void {
    this.#switches = { ...switches };
  }

  /** The relays as last applied. */
  get switches(): Readonly<SwitchSet> {
    return this.#switches;
  }

  set(settings: Readonly<Partial<SimChargerSettings>>): SimChargerSettings {
    this.#charger = { ...this.#charger, ...settings };
    return this.get();
  }

  get(): SimChargerSettings {
    return { ...this.#charger };
  }

  chargerCp(): { highV: number; lowV: number } {
    const { high, low } = this.levels();
    return { highV: high.chargerCpV, lowV: low.chargerCpV };
  }

  /** The line in the generator's high phase and low phase (a steady output gives the same in both). */
  levels(): SimLineLevels {
    const c = this.#charger;
    const load = probeLoad(this.#frontEnd);
    const solve = (sourceV: number | null): LineSolution => solvePilotLine({ sourceV, sourceOhm: c.sourceOhm }, this.#switches, load);
    if (c.mode === "off") {
      const floating = solve(null);
      return { high: floating, low: floating };
    }
    const high = c.mode === "F" ? null : solve(c.highV);
    const low = c.mode === "x1" ? null : solve(c.lowV);
    return { high: high ?? low!, low: low ?? high! };
  }

  capture(done: (capture: PilotCapture) => void): void {
    this.captures++;
    const c = this.#charger;
    const { high, low } = this.levels();
    const threshold = this.#frontEnd.comparatorCpV;
    const highRawValue = rawAt(high.evCpV, this.#frontEnd);
    const lowRawValue = rawAt(low.evCpV, this.#frontEnd);
    const capture: PilotCapture = { periodsUs: [], highsUs: [], highRaw: [], lowRaw: [], steadyRaw: [] };
    const toggles = c.mode === "pwm" && c.dutyPercent > 0 && c.dutyPercent < 100 && high.evCpV > threshold && low.evCpV <= threshold;
    if (toggles) {
      const periodUs = 1e6 / c.frequencyHz;
      for (let i = 0; i < SIM_WINDOW_PERIODS; i++) {
        capture.periodsUs.push(quantiseUs(periodUs));
        capture.highsUs.push(quantiseUs((periodUs * c.dutyPercent) / 100));
        capture.highRaw.push(highRawValue);
        capture.lowRaw.push(lowRawValue);
      }
    } else {
      // The comparator never toggles: unsynchronised samples land in each phase by its share of the period.
      const highShare = c.mode === "pwm" ? c.dutyPercent / 100 : c.mode === "F" ? 0 : 1;
      const highSamples = Math.round(SIM_WINDOW_PERIODS * highShare);
      for (let i = 0; i < SIM_WINDOW_PERIODS; i++) capture.steadyRaw.push(i < highSamples ? highRawValue : lowRawValue);
    }
    done(capture);
  }
}
