/**
 * Safety sweep figures for `npm run bench`: the control loop's random walk over 32 seeds of
 * 40,000 steps (1,280,000 steps, every walk board) with the interlock invariant checked every
 * tick. `npm run safety` runs the long sweeps; this keeps a sweep in every benchmark run.
 */
import { PATH_NAMES } from "../safety/interlock.ts";
import { sweep } from "../safety/sweep.ts";

const SEEDS = 32;
const STEPS_PER_SEED = 40_000;

export async function benchSafety(): Promise<Record<string, number>> {
  const startedMs = Date.now();
  const seeds = Array.from({ length: SEEDS }, (_, k) => 1_000_001 + k);
  const tally = sweep({ seeds, steps: STEPS_PER_SEED });
  let pathsReached = 0;
  for (const p of PATH_NAMES) if (tally.seedsReaching[p] > 0) pathsReached++;
  return {
    "safety.seeds": tally.seeds,
    "safety.steps": tally.steps,
    "safety.violations": tally.violations,
    "safety.pathsReached": pathsReached,
    "safety.paths": PATH_NAMES.length,
    "safety.stepsPerSecond": Math.round(tally.steps / ((Date.now() - startedMs) / 1000)),
  };
}
