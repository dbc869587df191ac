/**
 * Runs the frame fuzzer against the firmware booted on the real XS engine
 * (tests/xs/entry-fuzz.ts) and returns its figures: frames fed, crashes
 * (exceptions escaping the firmware, or the engine dying), wrong answers,
 * growth of the retained heap (XS slots after a forced collection) past a
 * warm-up, and computrons per frame.
 */
import { XsMachine } from "../xs/runner.ts";
import { AnswerChecker, type WrongAnswer } from "./check.ts";
import { FrameGenerator } from "./frames.ts";

export interface FuzzOptions {
  frames: number;
  seed: number;
  /** Frames per `feed` call. */
  batch?: number;
  /** Virtual time moved after each batch (timers, the control loop). */
  advanceMs?: number;
  /** Batches before the heap baseline is taken. */
  warmupBatches?: number;
  /** A forced collection (and a heap reading) every this many batches. */
  gcEveryBatches?: number;
}

export interface FuzzReport {
  frames: number;
  seed: number;
  crashes: number;
  wrongAnswers: number;
  /** Highest retained heap (slots, after a forced collection) past the warm-up, minus the baseline. */
  heapSlotsGrowth: number;
  heapSlotsBaseline: number;
  computronsPerFrame: number;
  /** First crashes and wrong answers, for a human. */
  samples: { crashes: string[]; wrong: WrongAnswer[] };
  byClass: Record<string, number>;
  answers: number;
}

interface Drained {
  answers: string[];
  crashes: Array<{ index: number; error: string }>;
  error: string | null;
  online: boolean;
  closes: number;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const batch = options.batch ?? 100;
  const advanceMs = options.advanceMs ?? 1000;
  const totalBatches = Math.ceil(options.frames / batch);
  const warmup = options.warmupBatches ?? Math.min(20, Math.floor(totalBatches / 3));
  const generator = new FrameGenerator(options.seed);
  const checker = new AnswerChecker();
  const crashes: string[] = [];
  let crashCount = 0;
  let compute = 0;
  const gcEvery = options.gcEveryBatches ?? 10;
  let baseline = -1;
  let heapMax = -1;
  const machine = await XsMachine.start({ entry: "tests/xs/entry-fuzz.ts" });
  const crash = (text: string): void => {
    crashCount++;
    if (crashes.length < 20) crashes.push(text);
  };
  const drain = async (klassOf: (index: number) => string): Promise<void> => {
    const result = await machine.call<Drained>("drain");
    compute += result.meter.compute;
    if (result.value.error) crash(`drain: ${result.value.error}`);
    for (const c of result.value.crashes) crash(`${klassOf(c.index)}: ${c.error}`);
    for (const text of result.value.answers) checker.answer(text);
  };
  const timers = (): string => "timers";
  try {
    if ((await machine.call<boolean>("boot")).value !== true) throw new Error("the charge point did not come online");
    await drain(timers);
    let fed = 0;
    for (let b = 0; b < totalBatches; b++) {
      const frames = generator.batch(Math.min(batch, options.frames - fed));
      fed += frames.length;
      for (const frame of frames) checker.expect(frame);
      try {
        await machine.call(
          "load",
          frames.map((f) => ({ kind: f.kind, data: f.data, repeat: f.repeat })),
        );
        compute += (await machine.call("feed", advanceMs)).meter.compute;
      } catch (error) {
        crash(`engine died in batch ${b}: ${error instanceof Error ? error.message : String(error)}`);
        break;
      }
      await drain((index) => (index >= 0 && index < frames.length ? frames[index].klass : "timers"));
      // A forced collection every few batches, as the board's small heap would collect often;
      // past the warm-up each one is a heap reading.
      if ((b + 1) % gcEvery === 0 || b + 1 === warmup || b + 1 === totalBatches) {
        const heap = (await machine.call("gc")).meter.currentHeapCount;
        if (b + 1 === warmup) baseline = heap;
        else if (b + 1 > warmup) heapMax = Math.max(heapMax, heap);
      }
    }
    // Let calls still in progress finish: more time, more drains.
    for (let i = 0; i < 5 && checker.unanswered > 0; i++) {
      compute += (await machine.call("feed", advanceMs)).meter.compute;
      await drain(timers);
    }
    checker.finish();
    return {
      frames: fed,
      seed: options.seed,
      crashes: crashCount,
      wrongAnswers: checker.wrongCount,
      heapSlotsGrowth: baseline < 0 || heapMax < 0 ? 0 : heapMax - baseline,
      heapSlotsBaseline: baseline,
      computronsPerFrame: fed > 0 ? Math.round(compute / fed) : 0,
      samples: { crashes, wrong: checker.wrong },
      byClass: Object.fromEntries(checker.byKlass),
      answers: checker.answered,
    };
  } finally {
    await machine.close();
  }
}
