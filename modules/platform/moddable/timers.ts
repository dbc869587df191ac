/** Board timers over Moddable's `timer` module. */
import Timer from "timer";

/** The SDK names no type for a timer id: take it from Timer.set. */
type TimerID = ReturnType<typeof Timer.set>;
import type { TimerHandle, Timers } from "ports/timers";

export class ModdableTimers implements Timers {
  #nextHandle = 1;
  #live = new Map<TimerHandle, TimerID>();

  once(callback: () => void, delayMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#live.set(
      handle,
      Timer.set(() => {
        this.#live.delete(handle);
        callback();
      }, Math.max(0, delayMs)),
    );
    return handle;
  }

  every(callback: () => void, periodMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#live.set(handle, Timer.repeat(() => callback(), Math.max(1, periodMs)));
    return handle;
  }

  clear(handle: TimerHandle): void {
    const timer = this.#live.get(handle);
    if (timer === undefined) return;
    Timer.clear(timer);
    this.#live.delete(handle);
  }
}
