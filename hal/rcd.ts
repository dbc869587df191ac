/**
 * Residual current device HAL (RDC-DD module, 6 mA smooth DC / 30 mA AC,
 * IEC 62955): a fault input, a test output and a reset.
 *
 * Self-test: `startSelfTest` pulses the test input; the module must trip
 * within its rated time or the test fails. While a test runs the fault
 * input is expected to trip, so drivers do not report that trip as
 * `tripped`; they report the outcome in `selfTest`.
 */

/** Kind of a real trip (closed set); "unknown" when the module has one fault pin only. */
export type RcdTrip = "none" | "dc" | "ac" | "unknown";

/** Progress of the self-test. */
export type RcdSelfTest = "idle" | "running" | "passed" | "failed";

/** Hardware errors of the module itself. */
export type RcdError = "none" | "no-response";

/** One reading, written in place by `ResidualCurrentMonitor.read`. */
export interface RcdSample {
  /** A real residual current trip is active (latched by the module until reset). */
  tripped: boolean;
  /** Which kind of trip. */
  trip: RcdTrip;
  /** Outcome of the latest self-test. */
  selfTest: RcdSelfTest;
  /** Module error. */
  error: RcdError;
  /** Monotonic ms of the reading. */
  atMs: number;
}

export function createRcdSample(): RcdSample {
  return { tripped: false, trip: "none", selfTest: "idle", error: "none", atMs: 0 };
}

export interface ResidualCurrentMonitor {
  /** Rated time the module has to trip during a self-test (ms). */
  readonly selfTestTimeoutMs: number;
  /** Starts a self-test at `nowMs` (pulse the test output). */
  startSelfTest(nowMs: number): void;
  /** Resets a latched trip (pulse the reset input, if any); a trip that persists shows again. */
  reset(nowMs: number): void;
  /** Reads the fault input and advances a running self-test; no allocation. */
  poll(nowMs: number): void;
  /** Copies the newest state into a caller-owned sample. */
  read(into: RcdSample): void;
}
