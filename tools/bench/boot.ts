/**
 * Boot memory benchmark on the real XS engine (tests/xs/entry-boot-profile.ts).
 * Heap slots (xsnap's `currentHeapCount`, read after a `gc()`, so retained
 * slots, not garbage); module code and module-level constants are loaded
 * before the first figure (on the board they are preloaded into flash):
 * - firmware.bootSlots: retained by `bootFirmware` (1 connector, offline);
 * - firmware.bootPeakSlots: growth during `bootFirmware` before any gc;
 * - firmware.slotsAfter60s: retained growth over 60 s offline after boot
 *   (reconnect timers, logs); firmware.chargingSlotsAfter60s: over 60 s of
 *   offline free charging (MeterValues into the journal);
 * - boot.<step>: retained slots of each component built as boot.ts does;
 *   bootAlloc.<step>: slots it allocated (garbage included: GC work on the board).
 */
import { XsMachine } from "../xs/runner.ts";

/** Nothing listens here: the connection fails and retries (offline). */
const OFFLINE_URL = "ws://127.0.0.1:9/ocpp/{deviceId}";

async function retained(machine: XsMachine): Promise<number> {
  return (await machine.call("gc")).meter.currentHeapCount;
}

/** Advances `totalMs` of virtual time in `stepMs` steps (timers fire as on the board). */
async function advance(machine: XsMachine, totalMs: number, stepMs = 100): Promise<void> {
  for (let t = 0; t < totalMs; t += stepMs) await machine.advance(stepMs);
}

async function profileSteps(): Promise<Record<string, number>> {
  const machine = await XsMachine.start({ entry: "tests/xs/entry-boot-profile.ts" });
  try {
    const figures: Record<string, number> = {};
    const names = (await machine.call<string[]>("stepNames")).value;
    let before = await retained(machine);
    for (const name of names) {
      const step = await machine.call("step", name, OFFLINE_URL);
      const after = await retained(machine);
      figures[`boot.${name}`] = after - before;
      figures[`bootAlloc.${name}`] = step.meter.currentHeapCount - before;
      before = after;
    }
    // What one bridged kv read or flash read allocates on xsnap (the board calls native code).
    for (const kind of ["kv", "flash"]) {
      const start = await retained(machine);
      const meter = (await machine.call("bridge", kind, 100)).meter;
      figures[`xsnap.${kind}ReadAlloc`] = Math.round((meter.currentHeapCount - start) / 100);
    }
    return figures;
  } finally {
    await machine.close();
  }
}

async function profileBoot(freeCharging: boolean): Promise<Record<string, number>> {
  const machine = await XsMachine.start({ entry: "tests/xs/entry-boot-profile.ts" });
  try {
    const start = await retained(machine);
    const booted = await machine.call("boot", OFFLINE_URL, freeCharging);
    const afterBoot = await retained(machine);
    const prefix = freeCharging ? "firmware.charging" : "firmware.";
    if (!freeCharging) {
      // Let the first connection attempts and boot-time timers settle, then measure a minute.
      await advance(machine, 60_000);
      const settled = await retained(machine);
      await advance(machine, 60_000);
      const after60 = await retained(machine);
      return {
        "firmware.moduleSlots": start,
        "firmware.bootSlots": afterBoot - start,
        "firmware.bootPeakSlots": booted.meter.currentHeapCount - start,
        "firmware.slotsFirst60s": settled - afterBoot,
        "firmware.slotsAfter60s": after60 - settled,
      };
    }
    await machine.call("plug");
    await advance(machine, 60_000);
    const settled = await retained(machine);
    await advance(machine, 60_000);
    const after60 = await retained(machine);
    const state = (await machine.call<{ relayClosed: boolean; journal: number }>("state")).value;
    return {
      [`${prefix}SlotsFirst60s`]: settled - afterBoot,
      [`${prefix}SlotsAfter60s`]: after60 - settled,
      [`${prefix}RelayClosed`]: state.relayClosed ? 1 : 0,
      [`${prefix}Journal`]: state.journal,
    };
  } finally {
    await machine.close();
  }
}

export async function benchBoot(): Promise<Record<string, number>> {
  return { ...(await profileBoot(false)), ...(await profileBoot(true)), ...(await profileSteps()) };
}

if (process.argv[1] && process.argv[1].endsWith("boot.ts")) {
  benchBoot().then((figures) => console.log(JSON.stringify(figures, null, 1)));
}
