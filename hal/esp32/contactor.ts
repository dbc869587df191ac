/**
 * Contactor on ESP32: a digital output drives the coil (through its
 * transistor / relay driver), a digital input reads the feedback (mirror
 * contact, or an optocoupler on the switched phase). Supervision (welded,
 * failed-to-close, latched until `clearError`) is `ContactorSupervisor`
 * from hal/contactor, shared with the simulated board.
 *
 * An optocoupler on AC conducts only on one half-wave, so its input pulses
 * at mains frequency: `feedback.holdMs` (e.g. 30 ms, > one 50 Hz period
 * plus a tick) keeps "closed" for that long after the last asserted read.
 * A mirror contact needs no hold (default 0).
 */
import { ContactorSupervisor, type Contactor, type ContactorSample } from "hal/contactor";
import { openInput, openOutput, type DigitalInputOptions, type DigitalPinOptions, type DigitalPort } from "./io";

export interface Esp32ContactorOptions {
  /** Coil output (asserted = closed). */
  readonly output: DigitalPinOptions;
  /** Feedback input (asserted = closed / power present). */
  readonly feedback: DigitalInputOptions & { readonly holdMs?: number };
  /** Time the feedback may take to follow the command; default 1000 ms (charger-hardware.md: > ~1 s = welded). */
  readonly settleMs?: number;
}

export class Esp32Contactor implements Contactor {
  #out: DigitalPort;
  #outActive: 0 | 1;
  #in: DigitalPort;
  #inActive: number;
  #holdMs: number;
  #supervisor: ContactorSupervisor;
  #feedbackClosed = false;
  #lastAssertedMs = -Infinity;
  #nowMs = 0;

  constructor(options: Esp32ContactorOptions) {
    this.#out = openOutput(options.output);
    this.#outActive = options.output.activeLow ? 0 : 1;
    this.#in = openInput(options.feedback);
    this.#inActive = options.feedback.activeLow ? 0 : 1;
    this.#holdMs = options.feedback.holdMs ?? 0;
    this.#supervisor = new ContactorSupervisor(options.settleMs ?? 1000);
  }

  setClosed(closed: boolean, nowMs: number): void {
    this.#supervisor.command(closed, nowMs);
    const level = closed ? this.#outActive : ((1 - this.#outActive) as 0 | 1);
    // A failing write shows up as a feedback mismatch after settleMs; it must not throw into the loop.
    try {
      this.#out.write(level);
    } catch {}
  }

  poll(nowMs: number): void {
    this.#nowMs = nowMs;
    let asserted = false;
    try {
      asserted = this.#in.read() === this.#inActive;
    } catch {
      // An unreadable feedback is treated as "closed": opening then reports welded, never a false "open".
      asserted = true;
    }
    if (asserted) this.#lastAssertedMs = nowMs;
    this.#feedbackClosed = asserted || nowMs - this.#lastAssertedMs < this.#holdMs;
    this.#supervisor.check(this.#feedbackClosed, nowMs);
  }

  read(into: ContactorSample): void {
    const s = this.#supervisor;
    into.commandedClosed = s.commandedClosed;
    into.feedbackClosed = this.#feedbackClosed;
    into.error = s.error;
    into.changedAtMs = s.changedAtMs;
  }

  clearError(): void {
    this.#supervisor.clear(this.#nowMs);
  }

  /** Opens the contactor and releases the pins. */
  close(): void {
    this.setClosed(false, this.#nowMs);
    this.#in.close();
    this.#out.close();
  }
}
