// Checked against $MODDABLE/typings/time.d.ts (Moddable SDK 8.2.3).
declare module "time" {
  const Time: {
    /** Set the wall clock (seconds since 1970-01-01 UTC). A no-op on the lin simulator. */
    set(seconds: number): void;
    /** Millisecond counter for intervals (on lin it is the wall clock in ms, so it can jump). */
    readonly ticks: number;
    /** `end` (default: now) minus `start`, in ms. */
    delta(start: number, end?: number): number;
    /** Offset from UTC in seconds (undefined on lin, where the getter is a no-op). */
    timezone: number;
    /** Daylight saving offset in seconds (undefined on lin, where the getter is a no-op). */
    dst: number;
  };
  export default Time;
}
