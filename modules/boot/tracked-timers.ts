/**
 * Timers that remember what they scheduled, so `stopAll()` ends every timer
 * of the firmware at once (power cut, Ctrl-C) and nothing scheduled later
 * runs. Not for the control loop (it runs on the LoopDriver).
 */
import type { TimerHandle, Timers } from "ports/timers";

export class TrackedTimers implements Timers {
  readonly #inner: Timers;
  readonly #live = new Set<TimerHandle>();
  #stopped = false;
  #nextDead = -1;

  constructor(inner: Timers) {
    this.#inner = inner;
  }

  /** Timers scheduled and not yet fired or cleared. */
  get size(): number {
    return this.#live.size;
  }

  once(callback: () => void, delayMs: number): TimerHandle {
    if (this.#stopped) return this.#nextDead--;
    let fired = false;
    let handle: TimerHandle = 0;
    handle = this.#inner.once(() => {
      fired = true;
      this.#live.delete(handle);
      callback();
    }, delayMs);
    if (!fired) this.#live.add(handle);
    return handle;
  }

  every(callback: () => void, periodMs: number): TimerHandle {
    if (this.#stopped) return this.#nextDead--;
    const handle = this.#inner.every(callback, periodMs);
    this.#live.add(handle);
    return handle;
  }

  clear(handle: TimerHandle): void {
    if (!this.#live.delete(handle)) return;
    this.#inner.clear(handle);
  }

  /** Clears every live timer; later requests schedule nothing. */
  stopAll(): void {
    this.#stopped = true;
    for (const handle of Array.from(this.#live)) this.#inner.clear(handle);
    this.#live.clear();
  }
}
