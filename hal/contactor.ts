/**
 * Relay / contactor HAL: the power switch of one connector with its
 * feedback input (mirror contact or AC voltage sense after the contactor).
 *
 * Drivers judge the feedback against the command with `ContactorSupervisor`
 * (shared by the ESP32 driver and the simulated board) and report a closed
 * set of errors: "welded" (feedback still closed `settleMs` after opening)
 * and "failed-to-close" (feedback still open `settleMs` after closing).
 * A reported error stays until `clearError()`.
 */

/** Contactor errors (closed set). */
export type ContactorError = "none" | "welded" | "failed-to-close";

/** One reading, written in place by `Contactor.read`. */
export interface ContactorSample {
  /** The last command: true = closed. */
  commandedClosed: boolean;
  /** The feedback input: true = power present / mirror contact says closed. */
  feedbackClosed: boolean;
  /** Latched error. */
  error: ContactorError;
  /** Monotonic ms of the last command. */
  changedAtMs: number;
}

export function createContactorSample(): ContactorSample {
  return { commandedClosed: false, feedbackClosed: false, error: "none", changedAtMs: 0 };
}

export interface Contactor {
  /** Commands the contactor (true = close) at `nowMs`. Takes effect at once. */
  setClosed(closed: boolean, nowMs: number): void;
  /** Reads the feedback and advances the supervision; no allocation. */
  poll(nowMs: number): void;
  /** Copies the newest state into a caller-owned sample. */
  read(into: ContactorSample): void;
  /** Clears a latched error (maintenance); the feedback is judged afresh. */
  clearError(): void;
}

/** Feedback supervision shared by drivers: compares feedback with the command after a settle time. */
export class ContactorSupervisor {
  /** Time the feedback may take to follow the command (ms). */
  readonly settleMs: number;
  commandedClosed = false;
  changedAtMs = 0;
  error: ContactorError = "none";

  constructor(settleMs: number) {
    this.settleMs = settleMs;
  }

  /** Records a command. */
  command(closed: boolean, nowMs: number): void {
    if (closed === this.commandedClosed) return;
    this.commandedClosed = closed;
    this.changedAtMs = nowMs;
  }

  /** Judges one feedback reading; returns the (latched) error. */
  check(feedbackClosed: boolean, nowMs: number): ContactorError {
    if (this.error !== "none") return this.error;
    if (feedbackClosed === this.commandedClosed) return "none";
    if (nowMs - this.changedAtMs < this.settleMs) return "none";
    this.error = this.commandedClosed ? "failed-to-close" : "welded";
    return this.error;
  }

  clear(nowMs: number): void {
    this.error = "none";
    this.changedAtMs = nowMs;
  }
}
