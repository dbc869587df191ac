/**
 * Timers and loop driver over a virtual clock that only moves when told to:
 * deterministic tests on Node and the XS bridge (xsnap has no setTimeout).
 */
import type { LoopDriver, TickFunction, TimerHandle, Timers } from "ports/timers";

interface TimerEntry {
  handle: TimerHandle;
  dueMs: number;
  periodMs: number; // 0 for one-shot
  callback: () => void;
}

export class VirtualTime implements Timers {
  #nowMs: number;
  #nextHandle = 1;
  #entries: TimerEntry[] = [];

  constructor(startMs = 0) {
    this.#nowMs = startMs;
  }

  /** The virtual monotonic time in milliseconds. */
  nowMs(): number {
    return this.#nowMs;
  }

  once(callback: () => void, delayMs: number): TimerHandle {
    return this.#add(callback, delayMs, 0);
  }

  every(callback: () => void, periodMs: number): TimerHandle {
    return this.#add(callback, periodMs, Math.max(1, periodMs));
  }

  clear(handle: TimerHandle): void {
    const index = this.#entries.findIndex((entry) => entry.handle === handle);
    if (index >= 0) this.#entries.splice(index, 1);
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.#entries.length;
  }

  /** Due time of the next timer, or undefined when none waits. */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const entry of this.#entries) if (next === undefined || entry.dueMs < next) next = entry.dueMs;
    return next;
  }

  /** Moves time forward to `targetMs`, firing every timer due on the way in order. */
  advanceTo(targetMs: number): void {
    for (;;) {
      const entry = this.#earliestDueBy(targetMs);
      if (!entry) break;
      this.#nowMs = Math.max(this.#nowMs, entry.dueMs);
      if (entry.periodMs > 0) entry.dueMs += entry.periodMs;
      else this.clear(entry.handle);
      entry.callback();
    }
    if (targetMs > this.#nowMs) this.#nowMs = targetMs;
  }

  /** Moves time forward by `deltaMs`. */
  advance(deltaMs: number): void {
    this.advanceTo(this.#nowMs + deltaMs);
  }

  #add(callback: () => void, delayMs: number, periodMs: number): TimerHandle {
    const handle = this.#nextHandle++;
    this.#entries.push({ handle, dueMs: this.#nowMs + Math.max(0, delayMs), periodMs, callback });
    return handle;
  }

  #earliestDueBy(limitMs: number): TimerEntry | undefined {
    let best: TimerEntry | undefined;
    for (const entry of this.#entries) {
      if (entry.dueMs <= limitMs && (!best || entry.dueMs < best.dueMs)) best = entry;
    }
    return best;
  }
}

/** A loop driver on any Timers: `every(period)` calling tick with the clock's time. */
export class TimersLoopDriver implements LoopDriver {
  #timers: Timers;
  #monotonicMs: () => number;
  #handle: TimerHandle | undefined;
  #tick: TickFunction | undefined;
  #afterTick: (() => void) | undefined;
  #boundTick = (): void => {
    if (this.#tick) this.#tick(this.#monotonicMs());
    if (this.#afterTick) this.#afterTick();
  };

  constructor(timers: Timers, monotonicMs: () => number) {
    this.#timers = timers;
    this.#monotonicMs = monotonicMs;
  }

  get running(): boolean {
    return this.#handle !== undefined;
  }

  start(tick: TickFunction, periodMs: number, afterTick?: () => void): void {
    this.stop();
    this.#tick = tick;
    this.#afterTick = afterTick;
    this.#handle = this.#timers.every(this.#boundTick, periodMs);
  }

  stop(): void {
    if (this.#handle !== undefined) this.#timers.clear(this.#handle);
    this.#handle = undefined;
  }
}
