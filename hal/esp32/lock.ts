/**
 * Connector lock on ESP32 (socket outlets): a lock motor driven through an
 * H-bridge by two digital outputs (one per direction) for `pulseMs`, and a
 * feedback switch input (asserted = locked). When the feedback does not
 * follow the command within `timeoutMs` the error is "lock-failed" or
 * "unlock-failed" (hal/lock.ts); the next command clears it. A feedback that
 * changes later on its own (a forced lock) is reported the same way.
 */
import type { ConnectorLock, LockError, LockSample } from "hal/lock";
import { openInput, openOutput, type DigitalInputOptions, type DigitalPinOptions, type DigitalPort } from "./io";

export interface Esp32LockOptions {
  /** H-bridge input that drives the motor towards "locked". */
  readonly lockOutput: DigitalPinOptions;
  /** H-bridge input that drives the motor towards "unlocked". */
  readonly unlockOutput: DigitalPinOptions;
  /** Feedback switch (asserted = locked). */
  readonly feedback: DigitalInputOptions;
  /** Motor pulse length; default 300 ms. */
  readonly pulseMs?: number;
  /** Feedback must follow within this; default 600 ms. */
  readonly timeoutMs?: number;
}

export class Esp32Lock implements ConnectorLock {
  #lockOut: DigitalPort;
  #lockActive: 0 | 1;
  #unlockOut: DigitalPort;
  #unlockActive: 0 | 1;
  #feedback: DigitalPort;
  #feedbackActive: number;
  #pulseMs: number;
  #timeoutMs: number;
  #commanded = false;
  #locked = false;
  #commandMs = 0;
  #driving = false;
  #error: LockError = "none";

  constructor(options: Esp32LockOptions) {
    this.#lockOut = openOutput(options.lockOutput);
    this.#lockActive = options.lockOutput.activeLow ? 0 : 1;
    this.#unlockOut = openOutput(options.unlockOutput);
    this.#unlockActive = options.unlockOutput.activeLow ? 0 : 1;
    this.#feedback = openInput(options.feedback);
    this.#feedbackActive = options.feedback.activeLow ? 0 : 1;
    this.#pulseMs = options.pulseMs ?? 300;
    this.#timeoutMs = options.timeoutMs ?? 600;
    if (this.#timeoutMs < this.#pulseMs) throw new RangeError("lock: timeoutMs must be at least pulseMs");
  }

  setLocked(locked: boolean, nowMs: number): void {
    this.#commanded = locked;
    this.#commandMs = nowMs;
    this.#error = "none";
    // Never both bridge inputs at once: release the other direction first.
    this.#drive(locked ? this.#unlockOut : this.#lockOut, locked ? this.#unlockActive : this.#lockActive, false);
    this.#drive(locked ? this.#lockOut : this.#unlockOut, locked ? this.#lockActive : this.#unlockActive, true);
    this.#driving = true;
  }

  poll(nowMs: number): void {
    let level = -1;
    try {
      level = this.#feedback.read();
    } catch {}
    this.#locked = level === this.#feedbackActive;
    const elapsed = nowMs - this.#commandMs;
    if (this.#driving && elapsed >= this.#pulseMs) this.#stop();
    if (this.#locked !== this.#commanded && elapsed >= this.#timeoutMs) this.#error = this.#commanded ? "lock-failed" : "unlock-failed";
  }

  read(into: LockSample): void {
    into.commandedLocked = this.#commanded;
    into.locked = this.#locked;
    into.error = this.#error;
  }

  close(): void {
    this.#stop();
    this.#lockOut.close();
    this.#unlockOut.close();
    this.#feedback.close();
  }

  #stop(): void {
    this.#driving = false;
    this.#drive(this.#lockOut, this.#lockActive, false);
    this.#drive(this.#unlockOut, this.#unlockActive, false);
  }

  #drive(port: DigitalPort, active: 0 | 1, asserted: boolean): void {
    try {
      port.write(asserted ? active : ((1 - active) as 0 | 1));
    } catch {}
  }
}
