/**
 * Clock port: the only source of time for the core.
 *
 * Two clocks, because they answer different questions:
 * - monotonic milliseconds drive timeouts and the control loop; they never jump;
 * - the UTC wall clock stamps OCPP messages; it starts unsynced on a board
 *   (no RTC battery) and is set from BootNotification/Heartbeat or SNTP.
 */
export type ClockSource = "ocpp" | "sntp" | "rtc" | "manual";

export interface Clock {
  /** Milliseconds from an arbitrary origin (boot); never goes backwards. */
  monotonicMs(): number;
  /** UTC milliseconds since the Unix epoch as best known (wrong until synced). */
  utcMs(): number;
  /** True once the wall clock was set from a trusted source since boot. */
  isSynced(): boolean;
  /** Sets the wall clock; the monotonic clock is not affected. */
  setUtc(utcMs: number, source: ClockSource): void;
}
