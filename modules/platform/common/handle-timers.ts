/**
 * The `Timers` port over a platform's own timer functions: hands out small
 * numeric handles and keeps each live timer's id, so a one-shot that has
 * fired is forgotten and `clear` of an unknown or spent handle is a no-op.
 */
import type { TimerHandle, Timers } from "ports/timers";

/** A platform's timer functions (Node's setTimeout/setInterval, Moddable's Timer). */
export interface TimerFunctions<Id> {
  setOnce(callback: () => void, delayMs: number): Id;
  setRepeat(callback: () => void, periodMs: number): Id;
  clear(id: Id): void;
}

export class HandleTimers<Id> implements Timers {
  readonly #fns: TimerFunctions<Id>;
  #nextHandle = 1;
  #live = new Map<TimerHandle, Id>();

  constructor(fns: TimerFunctions<Id>) {
    this.#fns = fns;
  }

  once(callback: () => void, delayMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#live.set(
      handle,
      this.#fns.setOnce(
        () => {
          this.#live.delete(handle);
          callback();
        },
        Math.max(0, delayMs),
      ),
    );
    return handle;
  }

  every(callback: () => void, periodMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#live.set(handle, this.#fns.setRepeat(callback, Math.max(1, periodMs)));
    return handle;
  }

  clear(handle: TimerHandle): void {
    const id = this.#live.get(handle);
    if (id === undefined) return;
    this.#fns.clear(id);
    this.#live.delete(handle);
  }

  /** Cancels every timer (clean shutdown of a simulated charger). */
  clearAll(): void {
    for (const id of this.#live.values()) this.#fns.clear(id);
    this.#live.clear();
  }
}
