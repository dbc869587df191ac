/**
 * A wall clock kept as an offset from a monotonic source, shared by the
 * platform implementations: setting it never disturbs monotonic time.
 */
import type { Clock, ClockSource } from "ports/clock";

export class OffsetClock implements Clock {
  #monotonicMs: () => number;
  #utcOffsetMs: number;
  #synced: boolean;
  #onSet: ((utcMs: number) => void) | undefined;

  /**
   * @param monotonicMs the platform's monotonic milliseconds
   * @param initialUtcMs the platform's best guess of UTC now (1970 on a bare board)
   * @param synced true when the guess comes from a trusted RTC
   * @param onSet called after each set, e.g. to set the board's system time
   */
  constructor(monotonicMs: () => number, initialUtcMs: number, synced: boolean, onSet?: (utcMs: number) => void) {
    this.#monotonicMs = monotonicMs;
    this.#utcOffsetMs = initialUtcMs - monotonicMs();
    this.#synced = synced;
    this.#onSet = onSet;
  }

  monotonicMs(): number {
    return this.#monotonicMs();
  }

  utcMs(): number {
    return this.#monotonicMs() + this.#utcOffsetMs;
  }

  isSynced(): boolean {
    return this.#synced;
  }

  setUtc(utcMs: number, _source: ClockSource): void {
    if (!Number.isFinite(utcMs)) return;
    this.#utcOffsetMs = utcMs - this.#monotonicMs();
    this.#synced = true;
    if (this.#onSet) this.#onSet(utcMs);
  }
}
