/**
 * Benchmark of the connector control loop on the real XS engine: the
 * scripted 2-connector session of tests/xs/entry-loop.ts. Figures are per
 * connector per tick, from xsnap's deterministic meter:
 * - loop.slotsPerTick: heap slots left behind per tick (0 = fixed allocation);
 * - loop.computronsPerTick: XS computrons per tick.
 */
import { XsMachine } from "../xs/runner.ts";

const CONNECTORS = 2;
const TICKS = 10_000;

export async function benchLoop(): Promise<Record<string, number>> {
  const machine = await XsMachine.start({ entry: "tests/xs/entry-loop.ts" });
  try {
    await machine.call("run", 3000);
    await machine.call("run", TICKS + 100);
    // `run` calls gc() first; the difference between two runs cancels the command's own cost.
    const small = await machine.call("run", 100);
    const large = await machine.call("run", TICKS + 100);
    const perTick = TICKS * CONNECTORS;
    return {
      "loop.slotsPerTick": Math.max(0, large.meter.currentHeapCount - small.meter.currentHeapCount) / perTick,
      "loop.computronsPerTick": Math.round((large.meter.compute - small.meter.compute) / perTick),
    };
  } finally {
    await machine.close();
  }
}
