/**
 * One sweep job: runs the walk for a range of seeds and sums what it saw. Used in-process by
 * `npm test` and `npm run bench`, and by each worker of `npm run safety`.
 */
import { PATH_NAMES, type InterlockPaths } from "./interlock.ts";
import { boardForSeed, type WalkBoard } from "./boards.ts";
import { runWalk, v1Board, type ActionMix, type WalkAction } from "./walk.ts";
import { shrinkWalk } from "./shrink.ts";

export interface SweepFailure {
  readonly seed: number;
  readonly board: string;
  readonly step: number;
  readonly message: string;
  /** The shortest action sequence found that still fails the same way, and the step it fails at. */
  readonly shrunk: { readonly step: number; readonly message: string; readonly actions: readonly WalkAction[] } | null;
}

export interface SweepTally {
  seeds: number;
  steps: number;
  violations: number;
  /** Per path: how many seeds reached it. */
  seedsReaching: Record<keyof InterlockPaths, number>;
  /** Per path: how many seeds ran on a board where the path exists. */
  seedsApplicable: Record<keyof InterlockPaths, number>;
  /** Seeds per board. */
  boards: Record<string, number>;
  failures: SweepFailure[];
}

export function emptyTally(): SweepTally {
  const zero = (): Record<keyof InterlockPaths, number> => {
    const r = {} as Record<keyof InterlockPaths, number>;
    for (const p of PATH_NAMES) r[p] = 0;
    return r;
  };
  return { seeds: 0, steps: 0, violations: 0, seedsReaching: zero(), seedsApplicable: zero(), boards: {}, failures: [] };
}

/** Whether a path can happen on a board (a lock fault needs a lock; sharing needs two connectors). */
export function pathApplies(path: keyof InterlockPaths, board: WalkBoard): boolean {
  if (path === "lockFault") {
    const lock = board.options.withLock;
    return lock === true || (Array.isArray(lock) && lock.some((l) => l));
  }
  return true;
}

export interface SweepOptions {
  readonly seeds: readonly number[];
  readonly steps: number;
  readonly connectors?: number;
  readonly mix?: ActionMix;
  /** Shrink failures (default true). */
  readonly shrink?: boolean;
}

export function sweep(options: SweepOptions): SweepTally {
  const tally = emptyTally();
  for (const seed of options.seeds) addSeed(tally, seed, options);
  return tally;
}

export function addSeed(tally: SweepTally, seed: number, options: Omit<SweepOptions, "seeds">): void {
  const mix = options.mix ?? "weighted";
  const board = mix === "v1" ? v1Board(seed) : boardForSeed(seed, options.connectors);
  const shrink = options.shrink ?? true;
  const result = runWalk({ seed, steps: options.steps, mix, board, record: shrink });
  tally.seeds++;
  tally.steps += result.steps;
  tally.boards[board.name] = (tally.boards[board.name] ?? 0) + 1;
  for (const p of PATH_NAMES) {
    if (!pathApplies(p, board)) continue;
    tally.seedsApplicable[p]++;
    if (result.paths[p] > 0) tally.seedsReaching[p]++;
  }
  if (result.violation) {
    tally.violations++;
    const shrunk = shrink ? shrinkWalk(result, board) : null;
    tally.failures.push({
      seed,
      board: board.name,
      step: result.violation.step,
      message: result.violation.message,
      shrunk: shrunk ? { step: shrunk.step, message: shrunk.message, actions: shrunk.actions } : null,
    });
  }
}

/** Adds `b` into `a`. */
export function mergeTally(a: SweepTally, b: SweepTally): void {
  a.seeds += b.seeds;
  a.steps += b.steps;
  a.violations += b.violations;
  for (const p of PATH_NAMES) {
    a.seedsReaching[p] += b.seedsReaching[p];
    a.seedsApplicable[p] += b.seedsApplicable[p];
  }
  for (const [name, n] of Object.entries(b.boards)) a.boards[name] = (a.boards[name] ?? 0) + n;
  a.failures.push(...b.failures);
}
