/**
 * Captures the pilot on the ESP32 (the IO classes handed in): pulse times
 * from the MCPWM capture unit (`embedded:io/pulsewidth`) on the comparator
 * output, levels from ADC1 on the divider node, each phase sampled while a
 * second GPIO on the comparator output says the line is in it.
 *
 * One window:
 * 1. periods: a PulseWidth in RisingToRising mode, polled every 2 ms for up
 *    to 40 ms (16 values);
 * 2. high times: the same in RisingToFalling mode;
 * 3. levels: with PWM seen, 16 ADC reads in each phase, each taken right
 *    after the sync input shows the phase and kept only if it still shows it
 *    after the read (a read that caught an edge is dropped); without PWM, 16
 *    plain reads of the steady level.
 *
 * Facts from the SDK 8.2.3 esp32 implementation that shape it
 * (modules/io/pulsewidth/esp32/_pulsewidth.c): `read()` returns the newest
 * width in µs and clears it (undefined until the next edge); the start edge
 * is kept in one static variable shared by every instance, so only one
 * PulseWidth is open at a time and the first value after opening one is
 * thrown away; a pin used by one IO instance cannot be opened by another,
 * hence two GPIOs on the comparator output.
 */
import type { AnalogClass, AnalogPort, DigitalClass, DigitalPort } from "hal/esp32/io";
import type { TimerHandle, Timers } from "ports/timers";
import type { PilotCapture } from "./measurement";
import type { PilotProbe } from "./ports";

/** `embedded:io/pulsewidth` instance. */
export interface PulseWidthPort {
  read(): number | undefined;
  close(): void;
}

export interface PulseWidthClass {
  new (options: { pin: number; edges: number }): PulseWidthPort;
  readonly RisingToFalling: number;
  readonly RisingToRising: number;
}

export interface Esp32ProbeOptions {
  pulseWidth: PulseWidthClass;
  analog: AnalogClass;
  digital: DigitalClass;
  timers: Timers;
  capturePin: number;
  syncPin: number;
  adcPin: number;
}

export const PROBE_POLL_MS = 2;
/** Polls per pulse stage (40 ms: about 40 periods at 1 kHz). */
export const PROBE_POLLS = 20;
/** Values kept per kind. */
export const PROBE_SAMPLES = 16;
/** Reads of the sync input while waiting for a phase: a little over one period at 1 kHz on XS. */
export const SYNC_SPIN_LIMIT = 400;

type Stage = "periods" | "highs";

export class Esp32PilotProbe implements PilotProbe {
  readonly #options: Esp32ProbeOptions;
  readonly #analog: AnalogPort;
  readonly #sync: DigitalPort;
  #busy = false;
  /** Stages that could not open the capture unit. */
  captureFailures = 0;

  constructor(options: Esp32ProbeOptions) {
    this.#options = options;
    this.#analog = new options.analog({ pin: options.adcPin });
    this.#sync = new options.digital({ pin: options.syncPin, mode: options.digital.Input });
  }

  capture(done: (capture: PilotCapture) => void): void {
    if (this.#busy) throw new Error("a capture is already running");
    this.#busy = true;
    const capture: PilotCapture = { periodsUs: [], highsUs: [], highRaw: [], lowRaw: [], steadyRaw: [] };
    this.#pulses("periods", capture.periodsUs, () =>
      this.#pulses("highs", capture.highsUs, () => {
        try {
          this.#levels(capture);
        } finally {
          this.#busy = false;
        }
        done(capture);
      }),
    );
  }

  /** Collects pulse times of one kind, then calls `next`. */
  #pulses(stage: Stage, into: number[], next: () => void): void {
    const { pulseWidth, timers, capturePin } = this.#options;
    let port: PulseWidthPort;
    try {
      port = new pulseWidth({ pin: capturePin, edges: stage === "periods" ? pulseWidth.RisingToRising : pulseWidth.RisingToFalling });
    } catch {
      // No capture unit (or the pin taken): the window has no pulse times, the reading says so.
      this.captureFailures++;
      next();
      return;
    }
    let polls = 0;
    let first = true;
    let timer: TimerHandle | undefined;
    const finish = (): void => {
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      port.close();
      next();
    };
    timer = timers.every(() => {
      polls++;
      const us = port.read();
      if (typeof us === "number" && us > 0) {
        if (first) first = false;
        else into.push(us);
      }
      if (into.length >= PROBE_SAMPLES || polls >= PROBE_POLLS) finish();
    }, PROBE_POLL_MS);
  }

  /** The ADC reads of one window (synchronous: at most 2 × 16 waits of about one period). */
  #levels(capture: PilotCapture): void {
    if (capture.periodsUs.length === 0) {
      for (let i = 0; i < PROBE_SAMPLES; i++) capture.steadyRaw.push(this.#analog.read());
      return;
    }
    for (let i = 0; i < PROBE_SAMPLES; i++) {
      const high = this.#inPhase(1);
      if (high >= 0) capture.highRaw.push(high);
      const low = this.#inPhase(0);
      if (low >= 0) capture.lowRaw.push(low);
    }
  }

  /** One ADC read inside the phase `level` of the sync input; -1 when the phase did not come or ended during the read. */
  #inPhase(level: 0 | 1): number {
    const sync = this.#sync;
    // Wait for the other phase first, so the read lands early in a fresh phase rather than at its end.
    let spins = 0;
    while (sync.read() === level && spins < SYNC_SPIN_LIMIT) spins++;
    while (sync.read() !== level && spins < 2 * SYNC_SPIN_LIMIT) spins++;
    if (spins >= 2 * SYNC_SPIN_LIMIT) return -1;
    const raw = this.#analog.read();
    return sync.read() === level ? raw : -1;
  }
}
