/**
 * Boots the firmware on any platform: the same code on the board (main.ts),
 * on the host (tools/start.ts, the simulator) and on XS under test.
 *
 * `BOOT_STEPS` is the ordered list of steps, as data: `bootFirmware` runs
 * it, and so does the boot memory benchmark (tests/xs/entry-boot-profile.ts,
 * reading the heap after each step) and the lin build's step report. Each
 * step calls one file of this folder: settings (NVS over build defaults) →
 * flash partitions (journal, OCPP frame log) → reboot hook → control loop
 * over the board → Local List and cache → OCPP charge point → the feature
 * profiles with their configuration keys (Local Auth List, Reservation,
 * Smart Charging, Firmware Management when the platform has an HTTP client
 * and a firmware slot, Remote Trigger, Security) → start: the loop on the
 * platform's LoopDriver, the charge point (connection) once the loop has
 * sensed the board.
 */
import type { LogLevel } from "ports/log";
import type { Platform } from "ports/platform";
import type { Board } from "hal/board-description";
import type { ControlLoop } from "connector/loop";
import type { ChargePoint } from "ocpp/charge-point";
import type { OcppFrameLog } from "ocpp/framelog/frame-log";
import type { LocalAuthService } from "ocpp/localauth/local-auth-service";
import type { ReservationService } from "ocpp/reservation/reservation-service";
import type { SmartChargingService } from "ocpp/smartcharging/smart-charging-service";
import type { SmartCharging } from "ocpp/smartcharging/attach";
import type { FirmwareService } from "ocpp/firmware-management/firmware-service";
import type { DiagnosticsService } from "ocpp/firmware-management/diagnostics-service";
import type { Security } from "ocpp/security/attach";
import type { TriggerTargets } from "ocpp/trigger/types";
import type { FirmwareManagement } from "ocpp/firmware-management/attach";
import { FIRMWARE_VERSION } from "boot/version";
import type { ChargerSettings } from "boot/settings";
import type { TrackedTimers } from "boot/tracked-timers";
import { withTrackedTimers } from "boot/tracked-platform";
import { loadBootSettings, type BootSettings } from "boot/boot-settings";
import { openFlashLogs, type FlashLogs } from "boot/flash-logs";
import { securityLoggedReboot, type RebootHook } from "boot/reboot-hook";
import { wireControlLoop, type WiredLoop } from "boot/wire-loop";
import type { LoopHardware } from "boot/hardware-adapter";
import { openLocalAuthStores, type LocalAuthStores } from "boot/local-auth-stores";
import { createChargePoint, type WiredChargePoint } from "boot/wire-charge-point";
import { seedOcppKeys } from "boot/seed-ocpp-keys";
import { wireLocalAuth } from "boot/wire-local-auth";
import { wireReservation } from "boot/wire-reservation";
import { wireSmartCharging } from "boot/wire-smart-charging";
import { wireFirmwareManagement } from "boot/wire-firmware-management";
import { wireTrigger } from "boot/wire-trigger";
import { wireSecurity } from "boot/wire-security";
import { cardReader } from "boot/card-reader";

export interface FirmwareOptions {
  platform: Platform;
  board: Board;
  /** Build-time settings (mc/config on the board, CLI on the host); NVS "settings" wins. */
  defaults: Readonly<Record<string, unknown>>;
  /** Restart of the charger (Reset, firmware update); hard = whole hardware. */
  onReboot?: (hard: boolean) => void;
  /** Overrides the `logLevel` setting. */
  logLevel?: LogLevel;
  /**
   * Version of the running image (default FIRMWARE_VERSION): a simulator
   * booting an installed image gives its version, so UpdateFirmware can tell
   * Installed from InstallationFailed after the reboot.
   */
  firmwareVersion?: string;
}

export interface RunningFirmware {
  readonly loop: ControlLoop;
  /** The loop as the charge point sees it (its event ring: `eventsPending`, `eventOverflows`, `eventErrors`). */
  readonly hardware: LoopHardware;
  readonly chargePoint: ChargePoint;
  readonly frameLog: OcppFrameLog;
  readonly settings: ChargerSettings;
  /** Problems found in the settings at boot (each also logged). */
  readonly settingErrors: readonly string[];
  readonly smartCharging: SmartChargingService;
  readonly localAuth: LocalAuthService;
  readonly reservations: ReservationService;
  /** Firmware Management (UpdateFirmware), when the platform has `http` and `firmwareSlot`. */
  readonly firmware?: FirmwareService;
  /** Firmware Management (GetDiagnostics), when the platform has `http` and `firmwareSlot`. */
  readonly diagnostics?: DiagnosticsService;
  /** Security white paper: events and log, root certificates, SecurityProfile, GetLog. */
  readonly security: Security;
  /**
   * True until the loop has sensed its inputs for the pilot debounce after
   * boot; the charge point starts (statuses, connection) only then, so the
   * boot's StatusNotifications come from the sensed state (issue 10).
   */
  readonly sensing: boolean;
  /** An RFID card at the reader: starts or stops a transaction. */
  presentCard(idTag: string, connectorId?: number): void;
  /**
   * The board's power-fail input (supply gone, running on backup power):
   * transactions stop with reason PowerLoss and are sent while the backup
   * lasts (OCTT TC_032_1). Returns the count of transaction messages not yet
   * answered by the CSMS (`chargePoint.transactions.journalSize` tracks it).
   */
  powerLost(): number;
  /** Stops every timer, the loop and the connection (power cut, Ctrl-C). */
  stop(): void;
}

/** What the boot steps build, in their order; a step reads what earlier steps left. */
export interface BootParts {
  readonly options: FirmwareOptions;
  /** The options' platform with tracked timers (stopped together by `stop`). */
  readonly platform: Platform;
  readonly timers: TrackedTimers;
  readonly firmwareVersion: string;
  settings?: BootSettings;
  flashLogs?: FlashLogs;
  rebootHook?: RebootHook;
  loop?: WiredLoop;
  authStores?: LocalAuthStores;
  chargePoint?: WiredChargePoint;
  localAuth?: LocalAuthService;
  reservations?: ReservationService;
  smartCharging?: SmartCharging;
  management?: FirmwareManagement;
  triggerTargets?: TriggerTargets;
  security?: Security;
  /** True until the loop has sensed the board (see RunningFirmware.sensing). */
  sensing: boolean;
}

/** One step of the boot: a constant (flash on the board), run with the parts built so far. */
export interface BootStep {
  readonly name: string;
  run(parts: BootParts): void;
}

function need<T>(value: T | undefined, step: string): T {
  if (value === undefined) throw new Error(`boot step ${step} has not run`);
  return value;
}

function frameLogTextOf(parts: BootParts): () => string {
  const frameLog = need(parts.flashLogs, "flashLogs").frameLog;
  return () => frameLog.exportText();
}

/** The steps of the boot, in order. */
export const BOOT_STEPS: readonly BootStep[] = Object.freeze(
  [
    {
      name: "settings",
      run(parts: BootParts): void {
        const options = parts.options;
        parts.settings = loadBootSettings({
          kv: parts.platform.kv,
          logSink: parts.platform.log,
          defaults: options.defaults,
          logLevel: options.logLevel,
          boardConnectors: options.board.connectors.length,
          firmwareVersion: parts.firmwareVersion,
        });
      },
    },
    {
      name: "flashLogs",
      run(parts: BootParts): void {
        const { settings, log } = need(parts.settings, "settings");
        parts.flashLogs = openFlashLogs(parts.platform, settings, log);
      },
    },
    {
      name: "rebootHook",
      run(parts: BootParts): void {
        parts.rebootHook = securityLoggedReboot(parts.options.onReboot, need(parts.settings, "settings").log);
      },
    },
    {
      name: "loop",
      run(parts: BootParts): void {
        parts.loop = wireControlLoop(
          parts.options.board,
          need(parts.settings, "settings").loaded,
          need(parts.rebootHook, "rebootHook").reboot,
        );
      },
    },
    {
      name: "authStores",
      run(parts: BootParts): void {
        parts.authStores = openLocalAuthStores(parts.platform);
      },
    },
    {
      name: "chargePoint",
      run(parts: BootParts): void {
        const { loaded, settings, logLevel, log } = need(parts.settings, "settings");
        const { journal, frameLog } = need(parts.flashLogs, "flashLogs");
        const hardware = need(parts.loop, "loop").hardware;
        const wired = createChargePoint({
          platform: parts.platform,
          hardware,
          journal,
          settings,
          firmwareVersion: parts.firmwareVersion,
          frameLog,
          logLevel,
        });
        parts.chargePoint = wired;
        seedOcppKeys(wired.chargePoint.config, loaded, parts.platform.kv, log);
        hardware.followUnlockKey(wired.chargePoint.config);
        hardware.onEventOverflow((dropped) => log.warn(`control-loop event ring overflowed: ${dropped} events dropped in all`));
      },
    },
    // Feature profiles (their keys are declared in this order).
    {
      name: "localAuth",
      run(parts: BootParts): void {
        parts.localAuth = wireLocalAuth(
          need(parts.chargePoint, "chargePoint").chargePoint,
          need(parts.authStores, "authStores"),
          parts.platform.clock,
        );
      },
    },
    {
      name: "reservations",
      run(parts: BootParts): void {
        parts.reservations = wireReservation(
          need(parts.chargePoint, "chargePoint").chargePoint,
          need(parts.loop, "loop").hardware,
          parts.platform,
        );
      },
    },
    {
      name: "smartCharging",
      run(parts: BootParts): void {
        const { loop, hardware } = need(parts.loop, "loop");
        parts.smartCharging = wireSmartCharging({
          chargePoint: need(parts.chargePoint, "chargePoint").chargePoint,
          hardware,
          loop,
          platform: parts.platform,
          log: need(parts.settings, "settings").log.child("smart"),
        });
      },
    },
    {
      name: "firmwareManagement",
      run(parts: BootParts): void {
        parts.management = wireFirmwareManagement({
          chargePoint: need(parts.chargePoint, "chargePoint").chargePoint,
          connectors: need(parts.loop, "loop").hardware.connectors,
          platform: parts.platform,
          reboot: need(parts.rebootHook, "rebootHook").reboot,
          firmwareVersion: parts.firmwareVersion,
          deviceName: need(parts.settings, "settings").settings.deviceId,
          frameLogText: frameLogTextOf(parts),
        });
      },
    },
    {
      name: "trigger",
      run(parts: BootParts): void {
        const { chargePoint, bootRequest } = need(parts.chargePoint, "chargePoint");
        parts.triggerTargets = wireTrigger(chargePoint, need(parts.loop, "loop").hardware.connectors, bootRequest, parts.management);
      },
    },
    {
      name: "security",
      run(parts: BootParts): void {
        const { chargePoint, connection } = need(parts.chargePoint, "chargePoint");
        const { settings, log } = need(parts.settings, "settings");
        const security = wireSecurity({
          chargePoint,
          connection,
          platform: parts.platform,
          deviceName: settings.deviceId,
          firmwareVersion: parts.firmwareVersion,
          triggerTargets: need(parts.triggerTargets, "trigger"),
          frameLogText: frameLogTextOf(parts),
          log,
          firmware: parts.management?.firmware,
        });
        parts.security = security;
        need(parts.rebootHook, "rebootHook").logTo(security);
      },
    },
    {
      // Run. The persisted Inoperative flags reach the connectors before their first tick; the
      // charge point starts once the loop has sensed the board for the pilot debounce and one tick
      // more, so no boot status is built from the state before sensing (issue 10; OCTT TC_034).
      name: "start",
      run(parts: BootParts): void {
        const chargePoint = need(parts.chargePoint, "chargePoint").chargePoint;
        const { loop, hardware, tickMs } = need(parts.loop, "loop");
        const log = need(parts.settings, "settings").log;
        chargePoint.availability.applyAtBoot();
        hardware.whenSensed(loop.timing.debounceMs + tickMs, () => {
          parts.sensing = false;
          try {
            chargePoint.start();
          } catch (error) {
            log.error(`charge point start failed: ${error instanceof Error ? error.message : String(error)}`);
          }
        });
        loop.start(parts.platform.loopDriver);
        need(parts.smartCharging, "smartCharging").start();
        log.info(`wall clock ${parts.platform.clock.isSynced() ? "synced" : "not synced (waits for the CSMS)"}; loop every ${tickMs} ms`);
      },
    },
  ].map((step) => Object.freeze(step)),
);

/** The parts before the first step: the platform with tracked timers. */
export function prepareBoot(options: FirmwareOptions): BootParts {
  const { platform, timers } = withTrackedTimers(options.platform);
  return { options, platform, timers, firmwareVersion: options.firmwareVersion ?? FIRMWARE_VERSION, sensing: true };
}

/** The running firmware once every step has run. */
export function finishBoot(parts: BootParts): RunningFirmware {
  const { loop, hardware } = need(parts.loop, "loop");
  const chargePoint = need(parts.chargePoint, "chargePoint").chargePoint;
  const boot = need(parts.settings, "settings");
  const smart = need(parts.smartCharging, "smartCharging");
  const security = need(parts.security, "security");
  const management = parts.management;
  const presentCard = cardReader(chargePoint, hardware.connectors, boot.log);
  let stopped = false;
  return {
    loop,
    hardware,
    chargePoint,
    frameLog: need(parts.flashLogs, "flashLogs").frameLog,
    settings: boot.settings,
    settingErrors: boot.loaded.errors,
    smartCharging: smart.service,
    localAuth: need(parts.localAuth, "localAuth"),
    reservations: need(parts.reservations, "reservations"),
    firmware: management?.firmware,
    diagnostics: management?.diagnostics,
    security,
    get sensing(): boolean {
      return parts.sensing;
    },
    presentCard(idTag: string, connectorId?: number): void {
      if (stopped) return;
      presentCard(idTag, connectorId);
    },
    powerLost(): number {
      if (!stopped) chargePoint.powerLost();
      return chargePoint.transactions.journalSize;
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      smart.stop();
      loop.stop();
      chargePoint.stop();
      security.stop();
      parts.timers.stopAll();
    },
  };
}

/** Boots the firmware: every step of BOOT_STEPS in order; `afterStep` hears each step's name (memory reports). */
export function bootFirmware(options: FirmwareOptions, afterStep?: (name: string) => void): RunningFirmware {
  const parts = prepareBoot(options);
  for (const step of BOOT_STEPS) {
    step.run(parts);
    if (afterStep) afterStep(step.name);
  }
  return finishBoot(parts);
}
