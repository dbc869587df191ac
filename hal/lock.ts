/**
 * Connector lock HAL (optional, socket outlets with a lock motor): command
 * and a feedback switch. The driver reports a closed set of errors when the
 * feedback does not follow the command within its rated time.
 */

export type LockError = "none" | "lock-failed" | "unlock-failed";

/** One reading, written in place by `ConnectorLock.read`. */
export interface LockSample {
  /** The last command: true = locked. */
  commandedLocked: boolean;
  /** The feedback switch: true = locked. */
  locked: boolean;
  /** Error of the latest command (cleared by the next command). */
  error: LockError;
}

export function createLockSample(): LockSample {
  return { commandedLocked: false, locked: false, error: "none" };
}

export interface ConnectorLock {
  /** Commands lock (true) or unlock (false) at `nowMs`. */
  setLocked(locked: boolean, nowMs: number): void;
  /** Reads the feedback, drives the motor pulse; no allocation. */
  poll(nowMs: number): void;
  /** Copies the newest state into a caller-owned sample. */
  read(into: LockSample): void;
}
