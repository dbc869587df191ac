/**
 * Shrinks a failing walk to a short action sequence that still breaks the invariant the same
 * way: delta debugging over the recorded actions (drop halves, quarters, ... then single
 * actions), each candidate replayed up to the step of the failure. Bounded by `maxReplays`.
 */
import { runWalk, type WalkAction, type WalkResult } from "./walk.ts";
import type { WalkBoard } from "./boards.ts";

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

export function shrinkWalk(failure: WalkResult, board: WalkBoard, maxReplays = 3000): ShrinkResult {
  if (!failure.violation) throw new Error("shrinkWalk needs a failing walk");
  const kind = violationKind(failure.violation.message);
  let best: readonly WalkAction[] = failure.actions;
  let bestStep = failure.violation.step;
  let bestMessage = failure.violation.message;
  let replays = 0;

  const stillFails = (candidate: readonly WalkAction[]): boolean => {
    replays++;
    const r = runWalk({ seed: failure.seed, steps: bestStep + 1, board, actions: candidate });
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
  return { actions: best, step: bestStep, message: bestMessage, replays };
}
