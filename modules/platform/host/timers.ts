/** Host timers over Node's setTimeout/setInterval. */
import type { TimerHandle, Timers } from "ports/timers";

export class HostTimers implements Timers {
  #nextHandle = 1;
  #live = new Map<TimerHandle, NodeJS.Timeout>();

  once(callback: () => void, delayMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#live.set(
      handle,
      setTimeout(() => {
        this.#live.delete(handle);
        callback();
      }, Math.max(0, delayMs)),
    );
    return handle;
  }

  every(callback: () => void, periodMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#live.set(handle, setInterval(callback, Math.max(1, periodMs)));
    return handle;
  }

  clear(handle: TimerHandle): void {
    const timer = this.#live.get(handle);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#live.delete(handle);
  }

  /** Cancels every timer (clean shutdown of a simulated charger). */
  clearAll(): void {
    for (const timer of this.#live.values()) clearTimeout(timer);
    this.#live.clear();
  }
}
