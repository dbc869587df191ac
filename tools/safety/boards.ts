/**
 * The boards the safety walk runs on: two and four connectors, with and without locks,
 * three-phase and single-phase supplies and EVs, and the part timings of the ESP32 boards in
 * `hal/esp32/boards/` (dev-1: contactor feedback settling in 1 s, RCD self-test within 1 s, the
 * NTC sampled every 100 ms; duo-2: a lock pulsed 300 ms and confirmed within 600 ms, feedback
 * settling in 30 ms). A seed picks its board (`seed % WALK_BOARDS.length`), so a sweep covers
 * all of them.
 *
 * The loop timings are shortened where the walk would otherwise wait minutes for a path (the RCD
 * retry delay) or hours for heat; the bounds the invariant asserts do not depend on them.
 */
import type { SimulatedChargerOptions } from "hal/sim/charger";

export interface WalkBoard {
  readonly name: string;
  readonly options: SimulatedChargerOptions;
}

const WALK_TIMING = { rcdRetryDelayMs: 2000, limitIncreaseHoldMs: 1000, reclaimHoldMs: 3000 } as const;
/** Terminals heat and cool in seconds, so an injected over-temperature reaches the trip inside a walk. */
const FAST_THERMAL = { thermalTauMs: 5000 } as const;

export const WALK_BOARDS: readonly WalkBoard[] = [
  {
    // duo-2 timings: connector 1 a socket with a lock, connector 2 tethered.
    name: "duo-2-3ph",
    options: {
      connectors: 2,
      circuitLimitA: 32,
      withLock: [true, false],
      cableMaxA: 32,
      timing: WALK_TIMING,
      partTiming: { ...FAST_THERMAL, contactorSettleMs: 30, lockMoveMs: 300, lockTimeoutMs: 600 },
    },
  },
  {
    name: "pair-1ph",
    options: { connectors: 2, phases: 1, circuitLimitA: 32, withLock: false, evPhases: 1, timing: WALK_TIMING, partTiming: FAST_THERMAL },
  },
  {
    name: "quad-3ph-mixed-ev",
    options: {
      connectors: 4,
      circuitLimitA: 32,
      withLock: [true, false, true, false],
      evPhases: [3, 1, 1, 3],
      timing: WALK_TIMING,
      partTiming: FAST_THERMAL,
    },
  },
  {
    name: "quad-1ph-lock",
    options: { connectors: 4, phases: 1, circuitLimitA: 40, withLock: true, evPhases: 1, timing: WALK_TIMING, partTiming: FAST_THERMAL },
  },
  {
    // dev-1-ntc timings on two connectors: slow feedback, slow self-test, NTC sampled every 100 ms.
    name: "dev-1-ntc-pair",
    options: {
      connectors: 2,
      circuitLimitA: 16,
      withLock: false,
      ratingA: 16,
      cableMaxA: 16,
      timing: WALK_TIMING,
      partTiming: { ...FAST_THERMAL, contactorSettleMs: 1000, rcdSelfTestTimeoutMs: 1000, temperatureSampleMs: 100 },
    },
  },
  {
    name: "pair-lock-3ph",
    options: { connectors: 2, circuitLimitA: 20, withLock: true, evPhases: [3, 1], timing: WALK_TIMING, partTiming: FAST_THERMAL },
  },
];

/** The board of a seed; `connectors` keeps only the boards with that many connectors. */
export function boardForSeed(seed: number, connectors?: number): WalkBoard {
  const boards = connectors === undefined ? WALK_BOARDS : WALK_BOARDS.filter((b) => b.options.connectors === connectors);
  if (boards.length === 0) throw new RangeError(`no walk board with ${connectors} connectors (there are 2 and 4)`);
  return boards[(seed >>> 0) % boards.length];
}
