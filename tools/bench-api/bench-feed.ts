// What every BenchTarget keeps for the bench's viewers (tools/sim, tools/bench-link, the fake):
// the latest OCPP frames, a bounded list, and the listeners of its state and frame events.
import type { BenchEvent, BenchFrame, BenchState } from "./target.ts";

export class BenchFeed {
  readonly #frames: BenchFrame[] = [];
  readonly #listeners = new Set<(event: BenchEvent) => void>();
  readonly #frameLimit: number;
  readonly #onListenerError: ((error: Error) => void) | undefined;
  #lastStateJson = "";

  /**
   * `frameLimit`: frames kept (default 500). `onListenerError`: told when a listener throws, and
   * the other listeners still get the event; without it the error goes to the emitter.
   */
  constructor(frameLimit = 500, onListenerError?: (error: Error) => void) {
    this.#frameLimit = frameLimit;
    this.#onListenerError = onListenerError;
  }

  /** The frames kept, oldest first (a copy). */
  frames(): readonly BenchFrame[] {
    return this.#frames.slice();
  }

  subscribe(listener: (event: BenchEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** A frame passed on the OCPP connection now: kept (the oldest dropped past the limit) and told. */
  frame(direction: BenchFrame["direction"], text: string): void {
    const frame: BenchFrame = { at: new Date().toISOString(), direction, text };
    this.#frames.push(frame);
    if (this.#frames.length > this.#frameLimit) this.#frames.shift();
    this.emit({ type: "frame", frame });
  }

  /**
   * Emits a state event when the state differs from the last one this emitted. `state` is only
   * called when someone listens (building it reads the whole charger).
   */
  stateIfChanged(state: () => BenchState): void {
    if (this.#listeners.size === 0) return;
    const current = state();
    const json = JSON.stringify(current);
    if (json === this.#lastStateJson) return;
    this.#lastStateJson = json;
    this.emit({ type: "state", state: current });
  }

  emit(event: BenchEvent): void {
    for (const listener of this.#listeners) {
      if (!this.#onListenerError) {
        listener(event);
        continue;
      }
      try {
        listener(event);
      } catch (error) {
        this.#onListenerError(error as Error);
      }
    }
  }

  /** Drops the listeners (the target closes). */
  close(): void {
    this.#listeners.clear();
  }
}
