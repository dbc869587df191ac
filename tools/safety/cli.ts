/**
 * `npm run safety -- --seeds N --steps M [--connectors K] [--first S] [--jobs J] [--mix v1]`:
 * runs the control loop's random walk (tools/safety/walk.ts) for N seeds of M steps each, spread
 * over J worker processes (default: the cores, at most N), and prints one JSON line: seeds, steps,
 * violations, per path how many seeds reached it, and for each violation the seed, the step and
 * the shortest action sequence found that reproduces it. Exits 1 on a violation.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import os from "node:os";
import { emptyTally, mergeTally, type SweepOptions, type SweepTally } from "./sweep.ts";
import { PATH_NAMES } from "./interlock.ts";
import type { ActionMix } from "./walk.ts";

interface CliOptions {
  seeds: number;
  steps: number;
  first: number;
  jobs: number;
  connectors: number | undefined;
  mix: ActionMix;
}

function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    seeds: 64,
    steps: 100_000,
    first: 1,
    jobs: os.availableParallelism(),
    connectors: undefined,
    mix: "weighted",
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const int = (): number => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got ${value}`);
      i++;
      return n;
    };
    if (flag === "--seeds") options.seeds = int();
    else if (flag === "--steps") options.steps = int();
    else if (flag === "--first") options.first = int();
    else if (flag === "--jobs") options.jobs = Math.max(1, int());
    else if (flag === "--connectors") options.connectors = int();
    else if (flag === "--mix") {
      if (value !== "v1" && value !== "weighted") throw new Error(`--mix is v1 or weighted, got ${value}`);
      options.mix = value;
      i++;
    } else throw new Error(`unknown option ${flag} (--seeds N --steps M [--connectors K] [--first S] [--jobs J] [--mix v1|weighted])`);
  }
  return options;
}

function runWorker(options: SweepOptions): Promise<SweepTally> {
  return new Promise((resolve, reject) => {
    // One process per job (TypeScript through tsx, like this one); it sends back one tally.
    const child = fork(fileURLToPath(new URL("./worker.ts", import.meta.url)), [JSON.stringify(options)], {
      execArgv: ["--import", "tsx"],
    });
    let tally: SweepTally | null = null;
    child.once("message", (message) => {
      tally = message as SweepTally;
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0 && tally) resolve(tally);
      else reject(new Error(`safety job exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const startedMs = Date.now();
  const jobs = Math.min(options.jobs, Math.max(1, options.seeds));
  // Seeds dealt round-robin so every worker gets a similar mix of 2- and 4-connector boards.
  const perJob: number[][] = Array.from({ length: jobs }, () => []);
  for (let k = 0; k < options.seeds; k++) perJob[k % jobs].push(options.first + k);
  const tallies = await Promise.all(
    perJob.map((seeds) => runWorker({ seeds, steps: options.steps, connectors: options.connectors, mix: options.mix })),
  );
  const total = emptyTally();
  for (const t of tallies) mergeTally(total, t);
  const seedsReaching: Record<string, string> = {};
  for (const p of PATH_NAMES) seedsReaching[p] = `${total.seedsReaching[p]}/${total.seedsApplicable[p]}`;
  const line = {
    seeds: total.seeds,
    stepsPerSeed: options.steps,
    steps: total.steps,
    connectors: options.connectors ?? "2 and 4",
    mix: options.mix,
    violations: total.violations,
    seedsReaching,
    boards: total.boards,
    failures: total.failures,
    jobs,
    seconds: Math.round((Date.now() - startedMs) / 100) / 10,
  };
  process.stdout.write(JSON.stringify(line) + "\n");
  if (total.violations > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`safety: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
