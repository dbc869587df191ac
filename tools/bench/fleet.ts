/**
 * Fleet benchmark: how many simulated chargers (the real firmware core, one connector each,
 * 10 ms control loop) one Node process sustains against the dev CSMS, each charging with
 * MeterValues every 10 s and heartbeats, and the heap each one costs.
 *
 * Bounded search from the top (400, 200, 100, 50 chargers; the first size that keeps up wins):
 * a size keeps up when, over one 10.5 s window after every charger started its transaction,
 * - the loops ran at least 90 % of their ticks (10 ms each), and
 * - every charger's MeterValues reached the CSMS (each sends one per 10 s).
 * Each charger authorizes its own tag with the dev CSMS, plugs in and charges.
 * - fleet.maxChargers: the largest size that kept up (0: none);
 * - fleet.heapBytesPerCharger: heap growth per charger at that size (after GC), dev CSMS records included.
 * The whole run stays under about 60 s (sizes that would not fit are not tried).
 */
import { rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { LogSink } from "ports/log";
import { startSimStack, type SimStack } from "../sim/stack.ts";

const SIZES = [400, 200, 100, 50];
const WINDOW_MS = 10_500;
const TOTAL_BUDGET_MS = 55_000;
const TICK_MS = 10;

const quiet: LogSink = { write: () => undefined };

function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitAll(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  for (let i = 0; i < timeoutMs / 100; i++) {
    if (check()) return;
    await sleep(100);
  }
  throw new Error(`fleet: timed out waiting for ${what}`);
}

interface SizeResult {
  keptUp: boolean;
  heapBytesPerCharger: number;
  tickRatio: number;
  meterValuesRatio: number;
}

async function trySize(count: number, deadline: number): Promise<SizeResult> {
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  const stateDir = mkdtempSync(join(tmpdir(), "oxs-fleet-"));
  let stack: SimStack | undefined;
  // A tag per charger: the dev CSMS answers ConcurrentTx to a tag already in a transaction.
  const idTags: Record<string, { status: "Accepted" }> = {};
  for (let i = 0; i < count; i++) idTags[`FLEET-${i}`] = { status: "Accepted" };
  try {
    stack = await startSimStack({
      chargers: count,
      stateDir,
      benchPort: null,
      flash: "memory",
      devCsms: { heartbeatIntervalS: 30, logLimit: 20, idTags },
      log: () => quiet,
      logLevel: "warn",
    });
    const chargers = stack.chargers;
    const budget = (): number => Math.max(1000, deadline - Date.now() - WINDOW_MS);
    await waitAll("every charger online", () => chargers.every((c) => c.firmware?.chargePoint.engine.accepted === true), budget());
    chargers.forEach((charger, i) => {
      charger.firmware!.chargePoint.config.setLocal("MeterValueSampleInterval", 10);
      charger.setEv(1, "C");
      charger.presentCard(`FLEET-${i}`, 1);
    });
    const txTimeout = Math.min(10_000, budget());
    await waitAll("every transaction started", () => chargers.every((c) => c.getState().connectors[0].transactionId !== null), txTimeout);

    const csms = stack.csms!;
    const sentMeterValues = new Set<string>();
    const onFrame = (frame: { identity: string; direction: string; text: string }): void => {
      if (frame.direction === "cp-to-csms" && frame.text.includes('"MeterValues"')) sentMeterValues.add(frame.identity);
    };
    csms.on("frame", onFrame);
    const ticksBefore = chargers.map((c) => c.firmware!.loop.ticks);
    const started = performance.now();
    await sleep(WINDOW_MS);
    const elapsed = performance.now() - started;
    csms.off("frame", onFrame);
    let ticks = 0;
    chargers.forEach((c, i) => {
      ticks += (c.firmware?.loop.ticks ?? 0) - ticksBefore[i];
    });
    const tickRatio = ticks / (count * (elapsed / TICK_MS));
    const meterValuesRatio = sentMeterValues.size / count;
    collectGarbage();
    const heapBytesPerCharger = Math.round((process.memoryUsage().heapUsed - heapBefore) / count);
    return { keptUp: tickRatio >= 0.9 && meterValuesRatio >= 1, heapBytesPerCharger, tickRatio, meterValuesRatio };
  } finally {
    await stack?.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export async function benchFleet(): Promise<Record<string, number>> {
  const deadline = Date.now() + TOTAL_BUDGET_MS;
  for (const size of SIZES) {
    // A size needs its start-up plus the window; do not start one that cannot finish in time.
    if (Date.now() + WINDOW_MS + 3000 > deadline) break;
    const begun = Date.now();
    let result: SizeResult;
    try {
      result = await trySize(size, deadline);
    } catch (error) {
      process.stderr.write(`fleet: ${size} chargers: ${(error as Error).message}\n`);
      result = { keptUp: false, heapBytesPerCharger: 0, tickRatio: 0, meterValuesRatio: 0 };
    }
    process.stderr.write(
      `fleet: ${size} chargers: tick ratio ${result.tickRatio.toFixed(3)}, MeterValues from ${(result.meterValuesRatio * 100).toFixed(0)} % (${((Date.now() - begun) / 1000).toFixed(1)} s)\n`,
    );
    if (result.keptUp) {
      return {
        "fleet.maxChargers": size,
        "fleet.heapBytesPerCharger": result.heapBytesPerCharger,
        "fleet.tickRatio": Math.round(result.tickRatio * 1000) / 1000,
      };
    }
  }
  return { "fleet.maxChargers": 0, "fleet.heapBytesPerCharger": 0, "fleet.tickRatio": 0 };
}

// Run directly: npx tsx tools/bench/fleet.ts
if (import.meta.url === `file://${process.argv[1]}`) {
  benchFleet().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
