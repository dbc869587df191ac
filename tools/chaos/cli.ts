/**
 * `npm run soak -- --sessions N [--seed S] [--chargers K] [--actions A]`: runs chaos sequences
 * (`./campaign.ts`) of K chargers each on one CSMS, seeds S, S+1, ..., until N charger sessions
 * ran, and prints one JSON line: sessions, power cuts, network drops, CSMS restarts, protocol and
 * interlock violations, transactions lost and duplicated (these must be 0), seconds. The seeds
 * that failed are listed with their first finding; replay one with `runChaos({ seed, chargers })`.
 * `--shrink`: the first three failing sequences are shrunk (`./shrink.ts`) and listed as replayable
 * action lists (`runChaos({ seed, chargers, replay })`).
 * Exit code 1 when any sequence failed.
 */
import { describeFailure, passed, runChaos, type ChaosAction } from "./campaign.ts";
import { shrinkActions } from "./shrink.ts";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} needs a whole number`);
  return value;
}

const sessions = option("sessions", 100);
const firstSeed = option("seed", 1);
const chargers = Math.max(1, option("chargers", 1));
const actions = option("actions", 12);
const started = Date.now();
const totals = {
  sessions: 0,
  sequences: 0,
  transactions: 0,
  powerCuts: 0,
  drops: 0,
  csmsRestarts: 0,
  lostAnswers: 0,
  protocolViolations: 0,
  interlockViolations: 0,
  transactionsLost: 0,
  transactionsDuplicated: 0,
  problems: 0,
  virtualHours: 0,
};
const failed: Array<{ seed: number; finding: string; shrunk?: ChaosAction[] }> = [];
for (let seed = firstSeed; totals.sessions < sessions; seed++) {
  const result = await runChaos({ seed, chargers, actions });
  totals.sessions += result.sessions;
  totals.sequences++;
  totals.transactions += result.transactions;
  totals.powerCuts += result.powerCuts;
  totals.drops += result.drops;
  totals.csmsRestarts += result.csmsRestarts;
  totals.lostAnswers += result.lostAnswers;
  totals.protocolViolations += result.protocolViolations.length;
  totals.interlockViolations += result.interlockViolations.length;
  totals.transactionsLost += result.transactionsLost;
  totals.transactionsDuplicated += result.transactionsDuplicated;
  totals.problems += result.problems.length;
  totals.virtualHours += result.virtualMs / 3_600_000;
  if (!passed(result)) {
    const entry: { seed: number; finding: string; shrunk?: ChaosAction[] } = {
      seed,
      finding: describeFailure(result).split("\n").slice(0, 3).join(" | "),
    };
    if (process.argv.includes("--shrink") && failed.length < 3) {
      const fails = async (replay: readonly ChaosAction[]): Promise<boolean> => !passed(await runChaos({ seed, chargers, replay }));
      entry.shrunk = (await shrinkActions(result.actions, fails, 120)).actions;
    }
    failed.push(entry);
    if (process.argv.includes("--progress")) console.error(`seed ${seed} failed: ${entry.finding}`);
    if (process.argv.includes("--verbose")) console.error(describeFailure(result));
  }
  if (process.argv.includes("--progress") && totals.sequences % 100 === 0)
    console.error(`${totals.sessions} sessions, ${failed.length} failed, ${Math.round((Date.now() - started) / 1000)} s`);
}
totals.virtualHours = Math.round(totals.virtualHours * 10) / 10;
console.log(
  JSON.stringify({
    ...totals,
    firstSeed,
    chargers,
    actionsPerSequence: actions,
    failedSeeds: failed,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }),
);
process.exit(failed.length > 0 ? 1 : 0);
