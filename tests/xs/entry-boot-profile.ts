/**
 * XS entry for the boot memory profile (tools/bench/boot.ts): builds the
 * pieces of `bootFirmware` one exposed step at a time, the same way boot.ts
 * wires them, so the heap slot count after each step (read after `gc`)
 * shows what each component keeps. `boot` runs the real `bootFirmware`
 * instead (a fresh machine per mode); `plug`/`card` start a charge; time
 * moves with the runner's `advance`.
 *
 * The step list mirrors boot.ts; when boot.ts gains a component, add a step.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "firmware/boot";
import { loadSettings, connectionSettingsOf, type ChargerSettings } from "firmware/settings";
import { LoopHardware } from "firmware/hardware-adapter";
import { TrackedTimers } from "firmware/tracked-timers";
import { ControlLoop } from "connector/loop";
import type { Board } from "connector/board";
import { ChargePoint } from "ocpp/charge-point";
import { OcppFrameLog } from "ocpp/framelog/frame-log";
import { FlashQueue } from "storage/flash-queue";
import { FlashRing } from "storage/flash-ring";
import { LocalListStore } from "ocpp/localauth/local-list-store";
import { AuthorizationCache } from "ocpp/localauth/auth-cache";
import { LocalAuthService } from "ocpp/localauth/local-auth-service";
import { ReservationService } from "ocpp/reservation/reservation-service";
import { SmartChargingService } from "ocpp/smartcharging/service";
import { registerSmartChargingActions } from "ocpp/smartcharging/register";
import { attachFirmwareManagement, type FirmwareManagement } from "ocpp/firmware/charge-point-wiring";
import { registerTriggerActions } from "ocpp/trigger/register";
import { chargePointTriggerTargets } from "ocpp/trigger/charge-point-targets";
import type { TriggerTargets } from "ocpp/trigger/types";
import { attachSecurity } from "ocpp/security/charge-point-wiring";
import type { Platform } from "ports/platform";
import type { HttpClient } from "ports/http";
import type { FirmwareSlot } from "ports/firmware-update";

const xsGlobals = globalThis as unknown as { gc?: () => void };
const base = createXsnapPlatform();
const sim = createSimulatedBoard({ connectors: 1 });
const timers = new TrackedTimers(base.timers);
/** Stand-ins so Firmware Management is built as on the board (nothing is downloaded). */
const http: HttpClient = {
  get: () => Promise.resolve({ status: 404, bytes: 0 }),
  put: () => Promise.resolve({ status: 404, bytes: 0 }),
};
const slot: FirmwareSlot = { begin: () => undefined, write: () => undefined, finish: () => undefined, abort: () => undefined };
const platform: Platform = {
  clock: base.clock,
  timers,
  loopDriver: base.loopDriver,
  kv: base.kv,
  openFlash: (name) => base.openFlash(name),
  websocket: base.websocket,
  log: base.log,
  http,
  firmwareSlot: slot,
};
const boot = { chargePointVendor: "Probe", chargePointModel: "Probe", chargePointSerialNumber: "XSPROBE", firmwareVersion: "0" };

interface Parts {
  settings?: ChargerSettings;
  journal?: FlashQueue;
  frameLog?: OcppFrameLog;
  hardware?: LoopHardware;
  loop?: ControlLoop;
  chargePoint?: ChargePoint;
  localAuth?: LocalAuthService;
  reservations?: ReservationService;
  smartCharging?: SmartChargingService;
  management?: FirmwareManagement;
  triggerTargets?: TriggerTargets;
  security?: ReturnType<typeof attachSecurity>;
}
const parts: Parts = {};
let firmware: RunningFirmware | undefined;

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`step ${what} has not run`);
  return value;
}

const steps: Record<string, (url: string) => void> = {
  settings(url) {
    parts.settings = loadSettings(platform.kv, { deviceId: "XSPROBE", csmsUrlTemplate: url, loopPeriodMs: 10 }).settings;
  },
  journal() {
    parts.journal = new FlashQueue(platform.openFlash("journal"));
  },
  frameLog() {
    parts.frameLog = new OcppFrameLog(new FlashRing(platform.openFlash("ocpplog")), platform.clock, platform.kv);
  },
  loop() {
    const board: Board = { ...sim.board, timing: { ...sim.board.timing, tickMs: 10 } };
    parts.hardware = new LoopHardware(board, () => undefined);
    parts.loop = new ControlLoop(board, parts.hardware.handleEvent);
    parts.hardware.attach(parts.loop);
  },
  chargePoint() {
    parts.chargePoint = new ChargePoint({
      platform,
      hardware: need(parts.hardware, "loop"),
      journal: need(parts.journal, "journal"),
      settings: connectionSettingsOf(need(parts.settings, "settings")),
      boot,
      supportedProfiles: ["Core", "SmartCharging", "LocalAuthListManagement", "Reservation", "RemoteTrigger", "FirmwareManagement"],
      frameLog: parts.frameLog,
    });
  },
  localAuth() {
    const cp = need(parts.chargePoint, "chargePoint");
    const list = new LocalListStore(platform.openFlash("authlist"));
    const cache = new AuthorizationCache(platform.kv, { nowUtcMs: () => platform.clock.utcMs() });
    parts.localAuth = new LocalAuthService({
      list,
      cache,
      settings: {
        localAuthListEnabled: () => cp.config.bool("LocalAuthListEnabled"),
        authorizationCacheEnabled: () => cp.config.bool("AuthorizationCacheEnabled"),
        localPreAuthorize: () => cp.config.bool("LocalPreAuthorize"),
        localAuthorizeOffline: () => cp.config.bool("LocalAuthorizeOffline"),
        allowOfflineTxForUnknownId: () => cp.config.bool("AllowOfflineTxForUnknownId"),
      },
      clock: platform.clock,
    });
  },
  reservations() {
    const hardware = need(parts.hardware, "loop");
    parts.reservations = new ReservationService({
      kv: platform.kv,
      clock: platform.clock,
      timers,
      connectors: { connectorCount: () => hardware.connectors.length, state: () => "Available" },
      sink: { setReserved: (connectorId, reserved) => hardware.connectors[connectorId - 1].setReserved(reserved) },
      reserveConnectorZeroSupported: () => false,
    });
  },
  smartCharging() {
    const cp = need(parts.chargePoint, "chargePoint");
    parts.smartCharging = new SmartChargingService({
      numberOfConnectors: 1,
      kv: platform.kv,
      transactions: { activeTransaction: () => undefined },
      connectorMaxCurrentA: 32,
      onLimitChanged: () => undefined,
      log: cp.log.child("smart"),
    });
    registerSmartChargingActions(cp.engine, parts.smartCharging, platform.clock);
  },
  firmware() {
    const cp = need(parts.chargePoint, "chargePoint");
    parts.management = attachFirmwareManagement({
      chargePoint: cp,
      connectors: need(parts.hardware, "loop").connectors,
      timers,
      kv: platform.kv,
      http,
      slot,
      reboot: () => undefined,
      deviceName: "XSPROBE",
      frameLogText: () => need(parts.frameLog, "frameLog").exportText(),
    });
  },
  trigger() {
    const cp = need(parts.chargePoint, "chargePoint");
    parts.triggerTargets = chargePointTriggerTargets({
      chargePoint: cp,
      connectors: need(parts.hardware, "loop").connectors,
      boot,
      bootNow: () => cp.registration.bootNow(),
      firmware: parts.management?.firmware,
      diagnostics: parts.management?.diagnostics,
    });
    registerTriggerActions(cp.engine, parts.triggerTargets);
  },
  security() {
    const cp = need(parts.chargePoint, "chargePoint");
    parts.security = attachSecurity({
      chargePoint: cp,
      connectionSettings: connectionSettingsOf(need(parts.settings, "settings")),
      kv: platform.kv,
      timers,
      logFlash: platform.openFlash("seclog"),
      http,
      deviceName: "XSPROBE",
      firmwareVersion: "0",
      triggerTargets: need(parts.triggerTargets, "trigger"),
    });
  },
  start() {
    need(parts.loop, "loop").start(platform.loopDriver);
    need(parts.chargePoint, "chargePoint").start();
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
  return { accepted: fw.chargePoint.engine.accepted, status: snapshot.status, relayClosed: snapshot.relayClosed, energyWh: snapshot.energyWh, journal: fw.chargePoint.transactions.journalSize };
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
