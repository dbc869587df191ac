import type { ConnectorEvent } from "connector/types";
import { createSimulatedBoardLoop, type SimulatedBoardLoop, type SimulatedChargerOptions } from "../../tools/sim/simulated-board-loop.ts";

export interface Rig extends SimulatedBoardLoop {
  nowMs: number;
  events: string[];
  /** Runs ticks of 10 ms for `ms`. */
  run(ms: number): void;
  /** Runs ticks until `predicate` holds (at most `maxMs`); returns the elapsed ms or -1. */
  runUntil(predicate: () => boolean, maxMs: number): number;
}

export function makeRig(options: SimulatedChargerOptions = {}): Rig {
  const events: string[] = [];
  const charger = createSimulatedBoardLoop(options, (id: number, event: ConnectorEvent) => {
    events.push(`${id}:${event}`);
  });
  const tickMs = charger.loop.timing.tickMs;
  const rig: Rig = {
    ...charger,
    nowMs: 0,
    events,
    run(ms: number): void {
      const end = rig.nowMs + ms;
      while (rig.nowMs < end) {
        rig.nowMs += tickMs;
        charger.loop.tick(rig.nowMs);
      }
    },
    runUntil(predicate: () => boolean, maxMs: number): number {
      const start = rig.nowMs;
      for (let i = 0; i * tickMs <= maxMs; i++) {
        if (predicate()) return rig.nowMs - start;
        rig.nowMs += tickMs;
        charger.loop.tick(rig.nowMs);
      }
      return predicate() ? rig.nowMs - start : -1;
    },
  };
  return rig;
}
