/** The chaos shrinker on a synthetic failure (no firmware): it keeps only what makes it fail. */
import { strict as assert } from "node:assert";
import type { ChaosAction } from "../../tools/chaos/campaign.ts";
import { shrinkActions } from "../../tools/chaos/shrink.ts";

const act = (kind: ChaosAction["kind"], gapMs = 8000): ChaosAction => ({ kind, charger: 0, connector: 1, a: 0, b: 0, gapMs });

describe("chaos: shrinking a failing sequence", function () {
  it("keeps the two actions the failure needs, in order, with shorter gaps", async function () {
    const actions = [act("plug"), act("idle"), act("card"), act("netDrop"), act("idle"), act("powerCut"), act("clockJump"), act("unplug")];
    // Fails when a card comes before a power cut, and the gap after the card is at least 1 s.
    const fails = async (candidate: readonly ChaosAction[]): Promise<boolean> => {
      const card = candidate.findIndex((a) => a.kind === "card");
      const cut = candidate.findIndex((a) => a.kind === "powerCut");
      return card >= 0 && cut > card && candidate[card].gapMs >= 1000;
    };
    const { actions: shrunk, runs } = await shrinkActions(actions, fails);
    assert.deepEqual(
      shrunk.map((a) => a.kind),
      ["card", "powerCut"],
    );
    assert.ok(shrunk[0].gapMs >= 1000 && shrunk[0].gapMs < 8000, `gap ${shrunk[0].gapMs}`);
    assert.ok(await fails(shrunk));
    assert.ok(runs <= 200);
  });
});
