/**
 * Boots the firmware on any platform: the same code on the board (main.ts),
 * on the host (tools/start.ts, the simulator) and on XS under test.
 *
 * `bootFirmware` is the ordered list of steps; each step is one file of
 * this folder: settings (NVS over build defaults) → flash partitions
 * (journal, OCPP frame log) → control loop over the board → Local List and
 * cache → OCPP charge point → the feature profiles with their configuration
 * keys (Local Auth List, Reservation, Smart Charging, Firmware Management
 * when the platform has an HTTP client and a firmware slot, Remote Trigger,
 * Security) → loop started on the platform's LoopDriver → connection.
 */
import type { LogLevel } from "ports/log";
import type { Platform } from "ports/platform";
import type { Board } from "hal/board-description";
import type { ControlLoop } from "connector/loop";
import type { ChargePoint } from "ocpp/charge-point";
import type { OcppFrameLog } from "ocpp/framelog/frame-log";
import type { LocalAuthService } from "ocpp/localauth/local-auth-service";
import type { ReservationService } from "ocpp/reservation/reservation-service";
import type { SmartChargingService } from "ocpp/smartcharging/service";
import type { FirmwareService } from "ocpp/firmware/firmware-service";
import type { DiagnosticsService } from "ocpp/firmware/diagnostics-service";
import type { Security } from "ocpp/security/charge-point-wiring";
import { FIRMWARE_VERSION } from "firmware/version";
import type { ChargerSettings } from "firmware/settings";
import { withTrackedTimers } from "firmware/tracked-platform";
import { loadBootSettings } from "firmware/boot-settings";
import { openFlashLogs } from "firmware/flash-logs";
import { securityLoggedReboot } from "firmware/reboot-hook";
import { wireControlLoop } from "firmware/wire-loop";
import type { LoopHardware } from "firmware/hardware-adapter";
import { openLocalAuthStores } from "firmware/local-auth-stores";
import { createChargePoint } from "firmware/wire-charge-point";
import { seedOcppKeys } from "firmware/seed-ocpp-keys";
import { wireLocalAuth } from "firmware/wire-local-auth";
import { wireReservation } from "firmware/wire-reservation";
import { wireSmartCharging } from "firmware/wire-smart-charging";
import { wireFirmwareManagement } from "firmware/wire-firmware-management";
import { wireTrigger } from "firmware/wire-trigger";
import { wireSecurity } from "firmware/wire-security";
import { cardReader } from "firmware/card-reader";

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

export function bootFirmware(options: FirmwareOptions): RunningFirmware {
  const { platform, timers } = withTrackedTimers(options.platform);
  const firmwareVersion = options.firmwareVersion ?? FIRMWARE_VERSION;
  const { loaded, settings, logLevel, log } = loadBootSettings({
    kv: platform.kv,
    logSink: platform.log,
    defaults: options.defaults,
    logLevel: options.logLevel,
    boardConnectors: options.board.connectors.length,
    firmwareVersion,
  });
  const { journal, frameLog } = openFlashLogs(platform, settings, log);
  const rebootHook = securityLoggedReboot(options.onReboot, log);
  const { loop, hardware, tickMs } = wireControlLoop(options.board, loaded, rebootHook.reboot);
  const authStores = openLocalAuthStores(platform);
  const { chargePoint, bootRequest, connection } = createChargePoint({
    platform,
    hardware,
    journal,
    settings,
    firmwareVersion,
    frameLog,
    logLevel,
  });
  seedOcppKeys(chargePoint.config, loaded, platform.kv, log);
  hardware.followUnlockKey(chargePoint.config);
  hardware.onEventOverflow((dropped) => log.warn(`control-loop event ring overflowed: ${dropped} events dropped in all`));
  const frameLogText = (): string => frameLog.exportText();

  // Feature profiles (their keys are declared in this order).
  const localAuth = wireLocalAuth(chargePoint, authStores, platform.clock);
  const reservations = wireReservation(chargePoint, hardware, platform);
  const smart = wireSmartCharging({ chargePoint, hardware, loop, platform, log: log.child("smart") });
  const management = wireFirmwareManagement({
    chargePoint,
    connectors: hardware.connectors,
    platform,
    reboot: rebootHook.reboot,
    firmwareVersion,
    deviceName: settings.deviceId,
    frameLogText,
  });
  const triggerTargets = wireTrigger(chargePoint, hardware.connectors, bootRequest, management);
  const security = wireSecurity({
    chargePoint,
    connection,
    platform,
    deviceName: settings.deviceId,
    firmwareVersion,
    triggerTargets,
    frameLogText,
    log,
    firmware: management?.firmware,
  });
  rebootHook.logTo(security);

  // Run. The persisted Inoperative flags reach the connectors before their first tick; the
  // charge point starts once the loop has sensed the board for the pilot debounce and one tick
  // more, so no boot status is built from the state before sensing (issue 10; OCTT TC_034).
  chargePoint.availability.applyAtBoot();
  let sensing = true;
  hardware.whenSensed(loop.timing.debounceMs + tickMs, () => {
    sensing = false;
    try {
      chargePoint.start();
    } catch (error) {
      log.error(`charge point start failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  loop.start(platform.loopDriver);
  smart.start();
  log.info(`wall clock ${platform.clock.isSynced() ? "synced" : "not synced (waits for the CSMS)"}; loop every ${tickMs} ms`);

  const presentCard = cardReader(chargePoint, hardware.connectors, log);
  let stopped = false;
  return {
    loop,
    hardware,
    chargePoint,
    frameLog,
    settings,
    settingErrors: loaded.errors,
    smartCharging: smart.service,
    localAuth,
    reservations,
    firmware: management?.firmware,
    diagnostics: management?.diagnostics,
    security,
    get sensing(): boolean {
      return sensing;
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
      timers.stopAll();
    },
  };
}
