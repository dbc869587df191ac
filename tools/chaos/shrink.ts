/**
 * Shrinks a failing chaos sequence: delta debugging (ddmin) over its recorded actions, keeping
 * a subset only when it still fails, then shorter gaps. `fails` replays a candidate (the
 * campaign's `runChaos({ replay })`); every loop is bounded by `maxRuns`.
 */
import type { ChaosAction } from "./campaign.ts";

export async function shrinkActions(
  actions: readonly ChaosAction[],
  fails: (candidate: readonly ChaosAction[]) => Promise<boolean>,
  maxRuns = 200,
): Promise<{ actions: ChaosAction[]; runs: number }> {
  let current = [...actions];
  let runs = 0;
  let chunks = 2;
  while (current.length >= 2 && runs < maxRuns) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let start = 0; start < current.length && runs < maxRuns; start += size) {
      const candidate = [...current.slice(0, start), ...current.slice(start + size)];
      runs++;
      if (candidate.length > 0 && (await fails(candidate))) {
        current = candidate;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size <= 1) break;
      chunks = Math.min(chunks * 2, current.length);
    }
  }
  // Shorter gaps: halve each while the sequence still fails.
  for (let i = 0; i < current.length && runs < maxRuns; i++) {
    for (let k = 0; k < 4 && runs < maxRuns && current[i].gapMs > 100; k++) {
      const candidate = current.slice();
      candidate[i] = { ...current[i], gapMs: Math.round(current[i].gapMs / 2) };
      runs++;
      if (!(await fails(candidate))) break;
      current = candidate;
    }
  }
  return { actions: current, runs };
}
