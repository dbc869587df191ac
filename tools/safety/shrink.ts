/**
 * Shrinks a failing walk to a short action sequence that still breaks the invariant the same
 * way: delta debugging over the recorded actions (drop halves, quarters, ... then single
 * actions), then shorter gaps between them, each candidate replayed up to the step of the
 * failure. Bounded by `maxReplays`.
 */
import { runWalk, type WalkAction, type WalkResult } from "./walk.ts";
import type { WalkBoard } from "./boards.ts";
import type { InterlockBounds } from "./interlock.ts";

/** The kind of a violation: its message without numbers (so "closed 6010 ms" and "closed 6020 ms" match). */
export function violationKind(message: string): string {
  return message.replace(/-?\d+(\.\d+)?/g, "#");
}

export interface ShrinkResult {
  readonly actions: readonly WalkAction[];
  readonly step: number;
  readonly message: string;
  readonly replays: number;
}

export function shrinkWalk(failure: WalkResult, board: WalkBoard, maxReplays = 3000, bounds: Partial<InterlockBounds> = {}): ShrinkResult {
  if (!failure.violation) throw new Error("shrinkWalk needs a failing walk");
  const kind = violationKind(failure.violation.message);
  let best: readonly WalkAction[] = failure.actions;
  let bestStep = failure.violation.step;
  let bestMessage = failure.violation.message;
  let replays = 0;

  const stillFails = (candidate: readonly WalkAction[]): boolean => {
    replays++;
    const r = runWalk({ seed: failure.seed, steps: bestStep + 1, board, actions: candidate, bounds });
    if (!r.violation || violationKind(r.violation.message) !== kind) return false;
    bestStep = r.violation.step;
    bestMessage = r.violation.message;
    return true;
  };

  let chunks = 2;
  while (best.length > 0 && replays < maxReplays) {
    const size = Math.ceil(best.length / chunks);
    let removed = false;
    for (let start = 0; start < best.length && replays < maxReplays; start += size) {
      const candidate = best.slice(0, start).concat(best.slice(start + size));
      if (stillFails(candidate)) {
        best = candidate;
        removed = true;
        break;
      }
    }
    if (removed) chunks = Math.max(chunks - 1, 2);
    else if (size === 1) break;
    else chunks = Math.min(chunks * 2, best.length);
  }
  // Drop the actions after the failure (they never ran).
  best = best.filter((a) => a.step <= bestStep);
  // Then pull the actions earlier: shorten each gap (and the lead-in) while it still fails.
  for (let k = 0; k < best.length && replays < maxReplays; k++) {
    const gap = best[k].step - (k === 0 ? 0 : best[k - 1].step);
    for (const target of [k === 0 ? 0 : 1, Math.floor(gap / 4), Math.floor(gap / 2)]) {
      if (target >= gap || replays >= maxReplays) continue;
      const delta = gap - target;
      const candidate = best.map((a, j) => (j >= k ? { step: a.step - delta, connector: a.connector, kind: a.kind, value: a.value } : a));
      if (stillFails(candidate)) {
        best = candidate;
        break;
      }
    }
  }
  return { actions: best, step: bestStep, message: bestMessage, replays };
}
