/**
 * Boot memory benchmark on the real XS engine (tests/xs/entry-boot-profile.ts).
 * Heap slots (xsnap's `currentHeapCount`, read after a `gc()`, so retained
 * slots, not garbage); module code and module-level constants are loaded
 * before the first figure (on the board they are preloaded into flash):
 * - firmware.bootSlots: retained by `bootFirmware` (1 connector, offline);
 * - firmware.bootAllocSlots: slots `bootFirmware` allocates (garbage included);
 * - firmware.slotsAfter60s: retained growth over 60 s offline after boot
 *   (reconnect timers, logs); firmware.chargingSlotsAfter60s: over 60 s of
 *   charging online (a CSMS on 127.0.0.1: MeterValues through the journal);
 * - firmware.tickWithEventComputrons: computrons of the control-loop tick in
 *   which a plug-in starts a (free-charging) transaction; the OCPP work it
 *   causes (StatusNotification, the StartTransaction journal write) runs in
 *   the after-tick drain, firmware.tickDrainComputrons
 *   (tests/xs/entry-firmware-tick.ts, hand-stepped loop driver);
 * - boot.<step>: retained slots of each component built as boot.ts does;
 *   bootAlloc.<step>: slots it allocated (garbage included: GC work on the board).
 */
import { XsMachine } from "../xs/runner.ts";
import { TestCsms } from "../../tests/support/csms-harness.ts";

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

interface ProbeState {
  accepted: boolean;
  relayClosed: boolean;
  journal: number;
}

/** Moves virtual time in 100 ms steps, letting bridged socket events in between, until `done`. */
async function advanceUntil(machine: XsMachine, done: (state: ProbeState) => boolean, limitMs = 30_000): Promise<void> {
  for (let t = 0; t < limitMs; t += 100) {
    if (done((await machine.call<ProbeState>("state")).value)) return;
    await machine.advance(100);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error("boot profile: the firmware never reached the expected state");
}

/** Boot offline (nothing listens): retained boot, then two idle minutes of reconnect attempts. */
async function profileOffline(): Promise<Record<string, number>> {
  const machine = await XsMachine.start({ entry: "tests/xs/entry-boot-profile.ts" });
  try {
    const start = await retained(machine);
    const booted = await machine.call("boot", OFFLINE_URL);
    const afterBoot = await retained(machine);
    // Let the first connection attempts and boot-time timers settle, then measure a minute.
    await advance(machine, 60_000);
    const settled = await retained(machine);
    await advance(machine, 60_000);
    const after60 = await retained(machine);
    return {
      "firmware.moduleSlots": start,
      "firmware.bootSlots": afterBoot - start,
      "firmware.bootAllocSlots": booted.meter.currentHeapCount - start,
      "firmware.slotsFirst60s": settled - afterBoot,
      "firmware.slotsAfter60s": after60 - settled,
    };
  } finally {
    await machine.close();
  }
}

/** Boot online (a CSMS on 127.0.0.1), a card session, then a charging minute (MeterValues, journal). */
async function profileCharging(): Promise<Record<string, number>> {
  const csms = new TestCsms();
  await csms.listen();
  const machine = await XsMachine.start({ entry: "tests/xs/entry-boot-profile.ts" });
  try {
    await machine.call("boot", csms.url);
    await advanceUntil(machine, (s) => s.accepted);
    await machine.call("plug");
    await machine.call("card", "BENCH-CARD");
    await advanceUntil(machine, (s) => s.relayClosed && s.journal === 0);
    await advance(machine, 60_000);
    const settled = await retained(machine);
    await advance(machine, 60_000);
    const after60 = await retained(machine);
    const state = (await machine.call<ProbeState>("state")).value;
    if (!state.relayClosed) throw new Error("boot profile: charging stopped");
    return {
      "firmware.chargingSlotsAfter60s": after60 - settled,
      "firmware.chargingMeterValues": csms.calls("MeterValues").length,
    };
  } finally {
    await machine.close();
    await csms.close();
  }
}

/** The tick in which a plug-in starts a transaction, metered apart from the drain that delivers its events. */
async function profileTick(): Promise<Record<string, number>> {
  const machine = await XsMachine.start({ entry: "tests/xs/entry-firmware-tick.ts" });
  try {
    await machine.call("boot", OFFLINE_URL);
    await machine.call("freeCharging");
    await machine.call("plug");
    for (let i = 0; i < 50; i++) {
      await machine.call("advance");
      const tick = await machine.call<number>("tick");
      const drain = await machine.call<number>("drain");
      if (tick.value > 0) {
        return { "firmware.tickWithEventComputrons": tick.meter.compute, "firmware.tickDrainComputrons": drain.meter.compute };
      }
    }
    throw new Error("boot profile: the plug-in never produced a loop event");
  } finally {
    await machine.close();
  }
}

export async function benchBoot(): Promise<Record<string, number>> {
  return { ...(await profileOffline()), ...(await profileCharging()), ...(await profileTick()), ...(await profileSteps()) };
}

if (process.argv[1] && process.argv[1].endsWith("boot.ts")) {
  void benchBoot().then((figures) => console.log(JSON.stringify(figures, null, 1)));
}
