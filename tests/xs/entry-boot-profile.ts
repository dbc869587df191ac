/**
 * XS entry for the boot memory profile (tools/bench/boot.ts): runs boot.ts's
 * own list of steps (`BOOT_STEPS`) one exposed step at a time, so the heap
 * slot count after each step (read after `gc`) shows what each component
 * keeps. `boot` runs the real `bootFirmware` instead (a fresh machine per
 * mode); `plug`/`card` start a charge; time moves with the runner's `advance`.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { createSimulatedBoard } from "hal/sim/charger";
import { BOOT_STEPS, bootFirmware, prepareBoot, type BootParts, type RunningFirmware } from "boot/boot";
import type { HttpClient } from "ports/http";
import type { FirmwareSlot } from "ports/firmware-update";
import type { Platform } from "ports/platform";

const xsGlobals = globalThis as unknown as { gc?: () => void };
const base = createXsnapPlatform();
const sim = createSimulatedBoard({ connectors: 1 });
/** Stand-ins so Firmware Management is built as on the board (nothing is downloaded). */
const http: HttpClient = {
  get: () => Promise.resolve({ status: 404, bytes: 0 }),
  put: () => Promise.resolve({ status: 404, bytes: 0 }),
};
const slot: FirmwareSlot = { begin: () => undefined, write: () => undefined, finish: () => undefined, abort: () => undefined };
const platform: Platform = {
  clock: base.clock,
  timers: base.timers,
  loopDriver: base.loopDriver,
  kv: base.kv,
  openFlash: (name) => base.openFlash(name),
  websocket: base.websocket,
  log: base.log,
  http,
  firmwareSlot: slot,
};
let parts: BootParts | undefined;
let firmware: RunningFirmware | undefined;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`step ${what} has not run`);
  return value;
}

base.expose("gc", () => {
  if (xsGlobals.gc) xsGlobals.gc();
  return typeof xsGlobals.gc === "function";
});

/** Runs one step of boot.ts's own list (the first one prepares the parts, as bootFirmware does). */
base.expose("step", (name: unknown, url: unknown) => {
  const step = BOOT_STEPS.find((candidate) => candidate.name === String(name));
  if (!step) throw new Error(`no step ${String(name)}`);
  if (!parts)
    parts = prepareBoot({ platform, board: sim.board, defaults: { deviceId: "XSPROBE", csmsUrlTemplate: String(url), loopPeriodMs: 10 } });
  step.run(parts);
  return true;
});

base.expose("stepNames", () => BOOT_STEPS.map((step) => step.name));

base.expose("boot", (url: unknown, freeCharging: unknown) => {
  firmware = bootFirmware({
    platform: base,
    board: sim.board,
    defaults: { deviceId: "XSPROBE", csmsUrlTemplate: String(url), loopPeriodMs: 10, freeCharging: freeCharging === true },
  });
  return firmware.settingErrors.length;
});

base.expose("plug", () => {
  sim.sims[0].ev.plug();
  sim.sims[0].ev.ready = true;
  return true;
});

base.expose("card", (idTag: unknown) => {
  need(firmware, "boot").presentCard(String(idTag));
  return true;
});

base.expose("state", () => {
  const fw = need(firmware, "boot");
  const snapshot = fw.loop.connector(1).snapshot;
  return {
    accepted: fw.chargePoint.engine.accepted,
    status: snapshot.status,
    relayClosed: snapshot.relayClosed,
    energyWh: snapshot.energyWh,
    journal: fw.chargePoint.transactions.journalSize,
  };
});

base.expose("stop", () => {
  need(firmware, "boot").stop();
  return true;
});

/** Cost of the xsnap bridge itself (not on the board): `count` kv reads or 256-byte flash reads. */
base.expose("bridge", (kind: unknown, count: unknown) => {
  const n = Number(count);
  if (kind === "kv") for (let i = 0; i < n; i++) base.kv.get("settings", "deviceId");
  else {
    const flash = base.openFlash("journal");
    const buffer = new Uint8Array(256);
    for (let i = 0; i < n; i++) flash.read(0, buffer);
  }
  return n;
});
