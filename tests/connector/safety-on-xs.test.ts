import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";
import { runWalk } from "../../tools/safety/walk.ts";
import { WALK_BOARDS } from "../../tools/safety/boards.ts";
import type { InterlockPaths } from "../../tools/safety/interlock.ts";

interface XsWalk {
  board: string;
  steps: number;
  violation: { step: number; message: string } | null;
  paths: InterlockPaths;
}

describe("the interlock invariant on the real XS engine (a subset of seeds)", function () {
  this.timeout(120_000);
  let machine: XsMachine;
  before(async function () {
    machine = await XsMachine.start({ entry: "tests/xs/entry-safety.ts" });
  });
  after(async function () {
    await machine.close();
  });

  // One seed per walk board (seed % boards picks the board), 6,000 steps (1 min of charger time) each.
  const STEPS = 6000;
  for (let seed = 1; seed <= WALK_BOARDS.length; seed++) {
    it(`seed ${seed} on ${WALK_BOARDS[seed % WALK_BOARDS.length].name}: no violation, and the same walk as on Node`, async function () {
      const { value } = await machine.call<XsWalk>("walk", seed, STEPS);
      assert.equal(value.violation, null, JSON.stringify(value.violation));
      assert.equal(value.steps, STEPS);
      assert.ok(value.paths.charged > 0 || value.paths.faultOpen > 0, "the walk did something");
      // XS and Node run the same code on the same seed: every path count must agree exactly.
      const node = runWalk({ seed, steps: STEPS });
      assert.deepEqual(value.paths, node.paths);
    });
  }
});
