// Checked against $MODDABLE/typings/timer.d.ts (Moddable SDK 8.2.3).
declare module "timer" {
  /**
   * A timer id. Instances are created only by Timer.set / Timer.repeat; the callback
   * receives its own id, so a repeating timer can clear itself.
   */
  class Timer {
    private constructor();
    private readonly timerIdBrand: true;

    /** Run `callback` once after `interval` ms (default 0); if `repeat` is given, then every `repeat` ms. */
    static set(callback: TimerCallback, interval?: number, repeat?: number): Timer;
    /** Run `callback` every `interval` ms. */
    static repeat(callback: TimerCallback, interval: number): Timer;
    /** Reschedule an existing timer; with only `id`, unschedule it (it stays allocated until cleared). */
    static schedule(id: Timer, interval?: number, repeat?: number): void;
    /** Cancel a timer; undefined, null or an already-fired one-shot id is ignored. */
    static clear(id: Timer | undefined | null): void;
    /** Block the whole VM for `milliseconds` ms. */
    static delay(milliseconds: number): void;
  }

  /** The type of a value returned by Timer.set / Timer.repeat. */
  export type TimerID = Timer;
  export type TimerCallback = (id: Timer) => void;
  export default Timer;
}
