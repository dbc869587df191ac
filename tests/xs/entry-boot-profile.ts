/**
 * XS entry for the boot memory profile (tools/bench/boot.ts): runs the steps
 * of `bootFirmware` one exposed step at a time, calling the same step
 * functions boot.ts calls (modules/firmware/*: loadBootSettings,
 * openFlashLogs, wireControlLoop, createChargePoint, wire*), so the heap
 * slot count after each step (read after `gc`) shows what each component
 * keeps. `boot` runs the real `bootFirmware` instead (a fresh machine per
 * mode); `plug`/`card` start a charge; time moves with the runner's `advance`.
 *
 * The step list follows boot.ts; when boot.ts gains a step, add it here.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "firmware/boot";
import { withTrackedTimers } from "firmware/tracked-platform";
import { loadBootSettings, type BootSettings } from "firmware/boot-settings";
import { openFlashLogs, type FlashLogs } from "firmware/flash-logs";
import { securityLoggedReboot, type RebootHook } from "firmware/reboot-hook";
import { wireControlLoop, type WiredLoop } from "firmware/wire-loop";
import { openLocalAuthStores, type LocalAuthStores } from "firmware/local-auth-stores";
import { createChargePoint, type WiredChargePoint } from "firmware/wire-charge-point";
import { seedOcppKeys } from "firmware/seed-ocpp-keys";
import { wireLocalAuth } from "firmware/wire-local-auth";
import { wireReservation } from "firmware/wire-reservation";
import { wireSmartCharging, type WiredSmartCharging } from "firmware/wire-smart-charging";
import { wireFirmwareManagement } from "firmware/wire-firmware-management";
import { wireTrigger } from "firmware/wire-trigger";
import { wireSecurity } from "firmware/wire-security";
import type { LocalAuthService } from "ocpp/localauth/local-auth-service";
import type { ReservationService } from "ocpp/reservation/reservation-service";
import type { FirmwareManagement } from "ocpp/firmware/charge-point-wiring";
import type { TriggerTargets } from "ocpp/trigger/types";
import type { Security } from "ocpp/security/charge-point-wiring";
import type { HttpClient } from "ports/http";
import type { FirmwareSlot } from "ports/firmware-update";

const xsGlobals = globalThis as unknown as { gc?: () => void };
const base = createXsnapPlatform();
const sim = createSimulatedBoard({ connectors: 1 });
/** Stand-ins so Firmware Management is built as on the board (nothing is downloaded). */
const http: HttpClient = {
  get: () => Promise.resolve({ status: 404, bytes: 0 }),
  put: () => Promise.resolve({ status: 404, bytes: 0 }),
};
const slot: FirmwareSlot = { begin: () => undefined, write: () => undefined, finish: () => undefined, abort: () => undefined };
const { platform } = withTrackedTimers({
  clock: base.clock,
  timers: base.timers,
  loopDriver: base.loopDriver,
  kv: base.kv,
  openFlash: (name) => base.openFlash(name),
  websocket: base.websocket,
  log: base.log,
  http,
  firmwareSlot: slot,
});
const firmwareVersion = "0";

interface Parts {
  boot?: BootSettings;
  flashLogs?: FlashLogs;
  rebootHook?: RebootHook;
  loop?: WiredLoop;
  authStores?: LocalAuthStores;
  chargePoint?: WiredChargePoint;
  localAuth?: LocalAuthService;
  reservations?: ReservationService;
  smartCharging?: WiredSmartCharging;
  management?: FirmwareManagement;
  triggerTargets?: TriggerTargets;
  security?: Security;
}
const parts: Parts = {};
let firmware: RunningFirmware | undefined;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`step ${what} has not run`);
  return value;
}

const frameLogText = (): string => need(parts.flashLogs, "flashLogs").frameLog.exportText();

/** The steps of bootFirmware, in its order, each calling the function boot.ts calls. */
const steps: Record<string, (url: string) => void> = {
  settings(url) {
    parts.boot = loadBootSettings({
      kv: platform.kv,
      logSink: platform.log,
      defaults: { deviceId: "XSPROBE", csmsUrlTemplate: url, loopPeriodMs: 10 },
      boardConnectors: sim.board.connectors.length,
      firmwareVersion,
    });
  },
  flashLogs() {
    const { settings, log } = need(parts.boot, "settings");
    parts.flashLogs = openFlashLogs(platform, settings, log);
  },
  rebootHook() {
    parts.rebootHook = securityLoggedReboot(undefined, need(parts.boot, "settings").log);
  },
  loop() {
    parts.loop = wireControlLoop(sim.board, need(parts.boot, "settings").loaded, need(parts.rebootHook, "rebootHook").reboot);
  },
  authStores() {
    parts.authStores = openLocalAuthStores(platform);
  },
  chargePoint() {
    const { loaded, settings, logLevel, log } = need(parts.boot, "settings");
    const { journal, frameLog } = need(parts.flashLogs, "flashLogs");
    const { hardware } = need(parts.loop, "loop");
    parts.chargePoint = createChargePoint({
      platform,
      hardware,
      journal,
      settings,
      firmwareVersion,
      frameLog,
      logLevel,
    });
    seedOcppKeys(parts.chargePoint.chargePoint.config, loaded, platform.kv, log);
    hardware.followUnlockKey(parts.chargePoint.chargePoint.config);
  },
  localAuth() {
    parts.localAuth = wireLocalAuth(
      need(parts.chargePoint, "chargePoint").chargePoint,
      need(parts.authStores, "authStores"),
      platform.clock,
    );
  },
  reservations() {
    parts.reservations = wireReservation(need(parts.chargePoint, "chargePoint").chargePoint, need(parts.loop, "loop").hardware, platform);
  },
  smartCharging() {
    const { loop, hardware } = need(parts.loop, "loop");
    const log = need(parts.boot, "settings").log;
    parts.smartCharging = wireSmartCharging({
      chargePoint: need(parts.chargePoint, "chargePoint").chargePoint,
      hardware,
      loop,
      platform,
      log: log.child("smart"),
    });
  },
  firmware() {
    parts.management = wireFirmwareManagement({
      chargePoint: need(parts.chargePoint, "chargePoint").chargePoint,
      connectors: need(parts.loop, "loop").hardware.connectors,
      platform,
      reboot: need(parts.rebootHook, "rebootHook").reboot,
      firmwareVersion,
      deviceName: need(parts.boot, "settings").settings.deviceId,
      frameLogText,
    });
  },
  trigger() {
    const { chargePoint, bootRequest } = need(parts.chargePoint, "chargePoint");
    parts.triggerTargets = wireTrigger(chargePoint, need(parts.loop, "loop").hardware.connectors, bootRequest, parts.management);
  },
  security() {
    const { chargePoint, connection } = need(parts.chargePoint, "chargePoint");
    const { settings, log } = need(parts.boot, "settings");
    parts.security = wireSecurity({
      chargePoint,
      connection,
      platform,
      deviceName: settings.deviceId,
      firmwareVersion,
      triggerTargets: need(parts.triggerTargets, "trigger"),
      frameLogText,
      log,
      firmware: parts.management?.firmware,
    });
    need(parts.rebootHook, "rebootHook").logTo(parts.security);
  },
  start() {
    need(parts.loop, "loop").loop.start(platform.loopDriver);
    need(parts.chargePoint, "chargePoint").chargePoint.start();
    need(parts.smartCharging, "smartCharging").start();
  },
};

base.expose("gc", () => {
  if (xsGlobals.gc) xsGlobals.gc();
  return typeof xsGlobals.gc === "function";
});

base.expose("step", (name: unknown, url: unknown) => {
  const step = steps[String(name)];
  if (!step) throw new Error(`no step ${String(name)}`);
  step(String(url));
  return true;
});

base.expose("stepNames", () => Object.keys(steps));

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
