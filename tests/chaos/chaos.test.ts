/**
 * The chaos campaign against the booted firmware (tools/chaos/): seeded random sequences of
 * bench actions — plug, unplug, EV ready/not, cards, RemoteStart/Stop, power cuts at a flash
 * write, network drops, CSMS restarts, ChangeAvailability, Reset, MeterValueSampleInterval,
 * clock jumps, EVs drawing less or stopping — with the protocol monitor on every frame and the
 * interlock invariant after every control-loop tick, then the end checks: every journaled
 * StartTransaction reached the CSMS, every transaction stopped exactly once, meterStop ≥
 * meterStart. `npm run soak` runs the same with any number of sessions.
 */
import { strict as assert } from "node:assert";
import { describeFailure, passed, runChaos, type ChaosResult } from "../../tools/chaos/campaign.ts";
import { CHAOS_REGRESSIONS } from "./regressions.ts";

/** Fixed seeds: 200 sequences of 16 actions; every fourth with two chargers on the CSMS. */
const SEQUENCES = 200;
const FIRST_SEED = 1;
const ACTIONS = 16;

function check(result: ChaosResult): void {
  assert.ok(passed(result), describeFailure(result));
  assert.ok(result.ticksChecked > 0, "the interlock monitor saw ticks");
  assert.ok(result.framesChecked > 0, "the protocol monitor saw frames");
}

describe("chaos: booted firmware under random bench actions (both monitors on)", function () {
  this.timeout(60_000);
  const totals = { transactions: 0, powerCuts: 0, drops: 0, csmsRestarts: 0, ticks: 0 };

  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEQUENCES; seed++) {
    const chargers = seed % 4 === 0 ? 2 : 1;
    it(`seed ${seed}${chargers > 1 ? " (2 chargers)" : ""}`, async function () {
      const result = await runChaos({ seed, actions: ACTIONS, chargers });
      totals.transactions += result.transactions;
      totals.powerCuts += result.powerCuts;
      totals.drops += result.drops;
      totals.csmsRestarts += result.csmsRestarts;
      totals.ticks += result.ticksChecked;
      check(result);
    });
  }

  it("the fixed seeds reached every kind of chaos", function () {
    assert.ok(totals.transactions >= 100, `transactions ${totals.transactions}`);
    assert.ok(totals.powerCuts >= 20, `power cuts ${totals.powerCuts}`);
    assert.ok(totals.drops >= 50, `network drops ${totals.drops}`);
    assert.ok(totals.csmsRestarts >= 50, `CSMS restarts ${totals.csmsRestarts}`);
  });
});

describe("chaos: every sequence that ever failed, replayed", function () {
  this.timeout(60_000);
  for (const regression of CHAOS_REGRESSIONS) {
    it(`seed ${regression.seed}: ${regression.rule} — ${regression.finding}`, async function () {
      check(
        await runChaos({
          seed: regression.seed,
          connectors: regression.connectors,
          chargers: regression.chargers,
          replay: regression.actions,
        }),
      );
    });
  }
});
