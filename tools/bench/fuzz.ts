/**
 * Fuzz figures for `npm run bench`: 100,000 frames (seed 1) against the
 * firmware on XS (tools/fuzz): crashes, wrong answers, retained heap growth
 * past the warm-up (slots) and computrons per frame.
 */
import { runFuzz } from "../fuzz/run.ts";

export const BENCH_FUZZ_FRAMES = 100_000;

export async function benchFuzz(): Promise<Record<string, number>> {
  const report = await runFuzz({ frames: BENCH_FUZZ_FRAMES, seed: 1 });
  return {
    "fuzz.frames": report.frames,
    "fuzz.crashes": report.crashes,
    "fuzz.wrongAnswers": report.wrongAnswers,
    "fuzz.heapSlotsGrowth": report.heapSlotsGrowth,
    "fuzz.computronsPerFrame": report.computronsPerFrame,
  };
}

if (process.argv[1] && process.argv[1].endsWith("fuzz.ts")) {
  void benchFuzz().then((figures) => console.log(JSON.stringify(figures)));
}
