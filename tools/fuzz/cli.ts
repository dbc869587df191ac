/**
 * `npm run fuzz -- --frames N --seed S [--batch B]`: feeds N fuzz frames to
 * the firmware on XS and prints ONE JSON line of figures (docs/fuzzing.md).
 * Exits 1 when a frame crashed the firmware or got a wrong answer; the
 * line then carries the first samples.
 */
import { runFuzz } from "./run.ts";

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} needs a whole number\n`);
    process.exit(2);
  }
  return value;
}

const report = await runFuzz({ frames: option("frames", 5000), seed: option("seed", 1), batch: option("batch", 100) || 100 });
const failed = report.crashes > 0 || report.wrongAnswers > 0;
const line: Record<string, unknown> = {
  frames: report.frames,
  seed: report.seed,
  crashes: report.crashes,
  wrongAnswers: report.wrongAnswers,
  heapSlotsGrowth: report.heapSlotsGrowth,
  computronsPerFrame: report.computronsPerFrame,
  answers: report.answers,
};
if (failed) line.samples = report.samples;
process.stdout.write(`${JSON.stringify(line)}\n`);
process.exitCode = failed ? 1 : 0;
