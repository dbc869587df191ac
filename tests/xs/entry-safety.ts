/**
 * XS entry for the safety walk: runs tools/safety/walk.ts (the same walk and the same interlock
 * invariant as `npm test` and `npm run safety`) on the real XS engine, one seed per call.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { runWalk } from "../../tools/safety/walk.ts";

const platform = createXsnapPlatform();

platform.expose("walk", (seed: unknown, steps: unknown) => {
  const result = runWalk({ seed: Number(seed), steps: Number(steps) });
  return { board: result.board, steps: result.steps, violation: result.violation, paths: result.paths };
});
