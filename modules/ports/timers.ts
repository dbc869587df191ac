/**
 * Timers port: one-shot and periodic callbacks, and the fixed-period driver
 * of the connector control loop.
 *
 * Callbacks never run re-entrantly: each runs to completion on the single
 * JavaScript thread, as on XS and in Node.
 */
export type TimerHandle = number;

export interface Timers {
  /** Runs `callback` once after `delayMs`. */
  once(callback: () => void, delayMs: number): TimerHandle;
  /** Runs `callback` every `periodMs` until cleared. */
  every(callback: () => void, periodMs: number): TimerHandle;
  /** Cancels a timer; unknown or already-fired handles are ignored. */
  clear(handle: TimerHandle): void;
}

/** A tick function: told the monotonic time of this tick in milliseconds. */
export type TickFunction = (nowMs: number) => void;

/**
 * Drives the control loop at a fixed period (10 ms on the board).
 * Kept apart from Timers so a board can run it from a higher-priority
 * timer and a test can step it tick by tick.
 */
export interface LoopDriver {
  /**
   * Calls `tick` every `periodMs`; `afterTick` (optional) right after each tick returns,
   * outside the safety section (the firmware delivers the tick's events to OCPP there).
   */
  start(tick: TickFunction, periodMs: number, afterTick?: () => void): void;
  stop(): void;
  readonly running: boolean;
}
