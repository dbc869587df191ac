/**
 * Boots the firmware on any platform: the same code on the board (main.ts),
 * on the host (tools/start.ts, the simulator) and on XS under test.
 *
 * Order: settings (NVS over build defaults) → flash partitions (journal,
 * OCPP frame log, Local List) → control loop over the board → OCPP charge
 * point with the feature profiles (Smart Charging, Local Auth List +
 * cache, Reservation, Remote Trigger, and Firmware Management when the
 * platform has an HTTP client and a firmware slot) and their configuration
 * keys → loop started on the platform's LoopDriver → connection.
 */
import { Logger, type LogLevel } from "ports/log";
import type { Platform } from "ports/platform";
import type { Board } from "connector/board";
import { ControlLoop } from "connector/loop";
import { ChargePoint } from "ocpp/charge-point";
import type { ConfigKeyDefinition, ConfigurationRegistry } from "ocpp/core/configuration";
import { OcppFrameLog } from "ocpp/framelog/frame-log";
import { FlashQueue } from "storage/flash-queue";
import { FlashRing } from "storage/flash-ring";
import {
  validateCancelReservationReq,
  validateClearCacheReq,
  validateGetLocalListVersionReq,
  validateReserveNowReq,
  validateSendLocalListReq,
} from "ocpp/generated/ocpp16";
import { AuthorizationCache } from "ocpp/localauth/auth-cache";
import { LOCAL_AUTH_LIST_KEYS, type ConfigKeyDeclaration, type LocalAuthSettings } from "ocpp/localauth/config-keys";
import { LocalAuthService } from "ocpp/localauth/local-auth-service";
import { LocalListStore } from "ocpp/localauth/local-list-store";
import { createSendLocalListHandler } from "ocpp/localauth/SendLocalList";
import { createGetLocalListVersionHandler } from "ocpp/localauth/GetLocalListVersion";
import { createClearCacheHandler } from "ocpp/localauth/ClearCache";
import { ReservationService, type ConnectorAvailability } from "ocpp/reservation/reservation-service";
import { createReserveNowHandler } from "ocpp/reservation/ReserveNow";
import { createCancelReservationHandler } from "ocpp/reservation/CancelReservation";
import { RESERVATION_KEYS } from "ocpp/reservation/config-keys";
import { SmartChargingService, type ActiveTransaction } from "ocpp/smartcharging/service";
import { smartChargingKeys } from "ocpp/smartcharging/config-keys";
import { registerSmartChargingActions } from "ocpp/smartcharging/register";
import { acceptRemoteStartChargingProfile } from "ocpp/smartcharging/remote-start-profile";
import type { ChargingProfile } from "ocpp/smartcharging/types";
import { attachFirmwareManagement } from "ocpp/firmware/charge-point-wiring";
import type { FirmwareService } from "ocpp/firmware/firmware-service";
import type { DiagnosticsService } from "ocpp/firmware/diagnostics-service";
import { FtpClient } from "ocpp/firmware/ftp-client";
import { FtpAndHttpClient } from "ocpp/firmware/ftp-transfer";
import { PROTOCOLS_WITH_FTP } from "ocpp/firmware/config-keys";
import { registerTriggerActions } from "ocpp/trigger/register";
import { chargePointTriggerTargets } from "ocpp/trigger/charge-point-targets";
import { attachSecurity, type Security } from "ocpp/security/charge-point-wiring";
import type { FlashPartition } from "ports/flash";
import { CHARGE_POINT_MODEL, CHARGE_POINT_VENDOR, FIRMWARE_VERSION } from "firmware/version";
import { connectionSettingsOf, loadSettings, SETTINGS_NAMESPACE, type ChargerSettings } from "firmware/settings";
import { LoopHardware } from "firmware/hardware-adapter";
import { TrackedTimers } from "firmware/tracked-timers";

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

const SUPPORTED_PROFILES = ["Core", "SmartCharging", "LocalAuthListManagement", "Reservation", "RemoteTrigger"];
/** Longest wait between two smart-charging evaluations (the wall clock may be set meanwhile). */
const SMART_RECHECK_MAX_MS = 60_000;

/** Short NVS names of the profile keys declared as data by their modules. */
const NVS_KEYS: Readonly<Record<string, string>> = {
  LocalAuthListEnabled: "LocalListOn",
  LocalAuthListMaxLength: "LocalListMax",
  SendLocalListMaxLength: "SendListMax",
  ReserveConnectorZeroSupported: "ResvConnZero",
};

function definitionOf(declaration: ConfigKeyDeclaration, value: boolean | number): ConfigKeyDefinition {
  const nvsKey = NVS_KEYS[declaration.key] ?? declaration.key.slice(0, 15);
  const definition: ConfigKeyDefinition = {
    name: declaration.key,
    nvsKey,
    type: declaration.type,
    access: declaration.access,
    default: value,
  };
  if (declaration.access === "R") definition.volatile = true;
  if (declaration.min !== undefined) definition.min = declaration.min;
  return definition;
}

/** The authorization settings as the configuration registry holds them. */
class RegistryLocalAuthSettings implements LocalAuthSettings {
  readonly #config: ConfigurationRegistry;
  constructor(config: ConfigurationRegistry) {
    this.#config = config;
  }
  localAuthListEnabled(): boolean {
    return this.#config.bool("LocalAuthListEnabled");
  }
  authorizationCacheEnabled(): boolean {
    return this.#config.bool("AuthorizationCacheEnabled");
  }
  localPreAuthorize(): boolean {
    return this.#config.bool("LocalPreAuthorize");
  }
  localAuthorizeOffline(): boolean {
    return this.#config.bool("LocalAuthorizeOffline");
  }
  allowOfflineTxForUnknownId(): boolean {
    return this.#config.bool("AllowOfflineTxForUnknownId");
  }
}

export function bootFirmware(options: FirmwareOptions): RunningFirmware {
  const base = options.platform;
  const timers = new TrackedTimers(base.timers);
  const platform: Platform = {
    clock: base.clock,
    timers,
    loopDriver: base.loopDriver,
    kv: base.kv,
    openFlash: (name) => base.openFlash(name),
    websocket: base.websocket,
    log: base.log,
    http: base.http,
    firmwareSlot: base.firmwareSlot,
    tcp: base.tcp,
  };
  const firmwareVersion = options.firmwareVersion ?? FIRMWARE_VERSION;
  const loaded = loadSettings(platform.kv, options.defaults);
  const settings = loaded.settings;
  const logLevel = options.logLevel ?? settings.logLevel;
  const log = new Logger(platform.log, "boot", logLevel);
  log.info(`${CHARGE_POINT_VENDOR} ${CHARGE_POINT_MODEL} firmware ${firmwareVersion}, device ${settings.deviceId}`);
  for (const error of loaded.errors) log.warn(error);
  if (settings.connectors !== options.board.connectors.length && loaded.sources.connectors !== "built-in") {
    log.warn(`settings.connectors is ${settings.connectors} but the board has ${options.board.connectors.length}; using the board`);
  }

  // Flash: transaction journal, OCPP frame log, Local Authorization List.
  const journal = new FlashQueue(platform.openFlash("journal"));
  const frameLog = new OcppFrameLog(new FlashRing(platform.openFlash("ocpplog")), platform.clock, platform.kv);
  const verboseStored = platform.kv.get(SETTINGS_NAMESPACE, "verboseLog");
  if (settings.verboseLogging) {
    // The NVS switch is one-shot (24 h from now, then off); a build default turns it on at every boot.
    frameLog.setVerboseFor(24);
    if (verboseStored !== undefined) platform.kv.delete(SETTINGS_NAMESPACE, "verboseLog");
    log.info("verbose OCPP logging on for 24 h");
  }

  // Control loop over the board.
  const board = options.board;
  const tickMs = loaded.sources.loopPeriodMs !== "built-in" ? settings.loopPeriodMs : board.timing?.tickMs ?? settings.loopPeriodMs;
  const loopBoard: Board = { ...board, timing: { ...board.timing, tickMs } };
  const rebootNow = options.onReboot ?? ((hard: boolean): void => log.warn(`reboot (${hard ? "hard" : "soft"}) requested; no reboot handler`));
  let security: Security | undefined;
  // ResetOrReboot goes to the security log only; the next boot sends it [SEC A04].
  const reboot = (hard: boolean): void => {
    security?.events.record("ResetOrReboot", hard ? "hard reset" : "soft reset", true);
    rebootNow(hard);
  };
  const hardware = new LoopHardware(loopBoard, reboot);
  const loop = new ControlLoop(loopBoard, hardware.handleEvent);
  hardware.attach(loop);
  if (loaded.sources.circuitLimitA !== "built-in") loop.setCircuitLimitA(Math.min(settings.circuitLimitA, board.circuitLimitA));

  // Local Authorization List and cache.
  const listStore = new LocalListStore(platform.openFlash("authlist"));
  const cache = new AuthorizationCache(platform.kv, { nowUtcMs: () => platform.clock.utcMs() });
  let listEnabled = (): boolean => true;
  const http = platform.http;
  const firmwareSlot = platform.firmwareSlot;
  const supportedProfiles = http && firmwareSlot ? [...SUPPORTED_PROFILES, "FirmwareManagement"] : SUPPORTED_PROFILES;
  const bootRequest = {
    chargePointVendor: CHARGE_POINT_VENDOR,
    chargePointModel: CHARGE_POINT_MODEL,
    chargePointSerialNumber: settings.deviceId,
    firmwareVersion,
  };
  const connection = connectionSettingsOf(settings);
  const chargePoint = new ChargePoint({
    platform,
    hardware,
    journal,
    settings: connection,
    boot: bootRequest,
    supportedProfiles,
    frameLog,
    localList: { lookup: (idTag) => (listEnabled() ? listStore.lookup(idTag) : undefined) },
    cache: {
      get: (idTag) => cache.get(idTag),
      put: (idTag, info) => {
        cache.put(idTag, info);
      },
      clear: () => cache.clear(),
    },
    logLevel,
  });
  const config = chargePoint.config;
  for (const key of LOCAL_AUTH_LIST_KEYS) {
    const value = key.key === "LocalAuthListMaxLength" ? listStore.maxEntries : key.defaultValue;
    if (!config.has(key.key)) config.declare(definitionOf(key, value));
  }
  for (const key of RESERVATION_KEYS) if (!config.has(key.key)) config.declare(definitionOf(key, key.defaultValue));
  for (const key of smartChargingKeys()) if (!config.has(key.name)) config.declare(key);
  listEnabled = () => config.bool("LocalAuthListEnabled");

  // Maker settings seed the OCPP keys they correspond to until the CSMS owns them (first write wins).
  const seed = (key: string, nvsKey: string, setting: keyof ChargerSettings): void => {
    if (loaded.sources[setting] === "built-in" || platform.kv.get("ocppcfg", nvsKey) !== undefined) return;
    if (!config.setLocal(key, settings[setting] as boolean | number | string)) log.warn(`settings.${setting} could not seed ${key}`);
  };
  seed("FreeCharging", "FreeCharging", "freeCharging");
  seed("FreeChargingIdTag", "FreeChargingTag", "freeChargingIdTag");
  seed("WebSocketPingInterval", "WsPingIntvl", "webSocketPingIntervalS");

  const localAuth = new LocalAuthService({
    list: listStore,
    cache,
    settings: new RegistryLocalAuthSettings(config),
    clock: platform.clock,
  });
  const engine = chargePoint.engine;
  engine.registerAction("SendLocalList", validateSendLocalListReq, createSendLocalListHandler(localAuth));
  engine.registerAction("GetLocalListVersion", validateGetLocalListVersionReq, createGetLocalListVersionHandler(localAuth));
  engine.registerAction("ClearCache", validateClearCacheReq, createClearCacheHandler(localAuth));

  // Reservation: Reserved status goes to the connector; starts check and consume reservations.
  const connectorState = (connectorId: number): ConnectorAvailability => {
    if (connectorId === 0) return chargePoint.availability.operative(0) ? "Available" : "Unavailable";
    const status = hardware.connectors[connectorId - 1].status();
    if (status === "Available" || status === "Reserved") return "Available";
    if (status === "Faulted" || status === "Unavailable") return status;
    return "Occupied";
  };
  const reservations = new ReservationService({
    kv: platform.kv,
    clock: platform.clock,
    timers,
    connectors: { connectorCount: () => hardware.connectors.length, state: connectorState },
    sink: { setReserved: (connectorId, reserved) => hardware.connectors[connectorId - 1].setReserved(reserved) },
    reserveConnectorZeroSupported: () => config.bool("ReserveConnectorZeroSupported"),
  });
  chargePoint.sessions.reservations = {
    check: (connectorId, idTag, parentIdTag) => {
      const check = reservations.checkStart(connectorId, idTag, parentIdTag);
      return check.allowed && check.reservationId === undefined ? undefined : check;
    },
    consumed: (_connectorId, reservationId) => {
      reservations.cancelReservation(reservationId);
    },
  };
  engine.registerAction("ReserveNow", validateReserveNowReq, createReserveNowHandler(reservations));
  engine.registerAction("CancelReservation", validateCancelReservationReq, createCancelReservationHandler(reservations));
  hardware.onStatus(() => reservations.refresh());

  // Smart Charging: the composite limit of each connector goes to the loop.
  const startedAt = new Map<number, number>();
  let smartReady = false;
  let smartTimer: number | undefined;
  let maxConnectorA = 0;
  for (const connector of loop.connectors) if (connector.hardwareMaxA > maxConnectorA) maxConnectorA = connector.hardwareMaxA;
  const applyLimits = (): void => {
    if (!smartReady) return;
    if (smartTimer !== undefined) timers.clear(smartTimer);
    smartTimer = undefined;
    const now = platform.clock.utcMs();
    let next = now + SMART_RECHECK_MAX_MS;
    for (const connector of hardware.connectors) {
      const limitA = smartCharging.currentLimitA(connector.id, now);
      connector.setOcppLimitA(Number.isFinite(limitA) ? limitA : undefined);
      const change = smartCharging.nextChangeUtcMs(connector.id, now);
      if (change < next) next = change;
    }
    smartTimer = timers.once(() => {
      smartTimer = undefined;
      applyLimits();
    }, Math.max(1, next - now));
  };
  const smartCharging = new SmartChargingService({
    numberOfConnectors: hardware.connectors.length,
    kv: platform.kv,
    transactions: {
      activeTransaction: (connectorId): ActiveTransaction | undefined => {
        const tx = chargePoint.transactions.transactionOn(connectorId);
        if (!tx) return undefined;
        return { transactionId: tx.transactionId, startUtcMs: startedAt.get(connectorId) ?? platform.clock.utcMs() };
      },
    },
    connectorMaxCurrentA: maxConnectorA,
    onLimitChanged: () => applyLimits(),
    log: log.child("smart"),
  });
  registerSmartChargingActions(engine, smartCharging, platform.clock);
  chargePoint.remoteStartProfile = (connectorId, profile) =>
    acceptRemoteStartChargingProfile(smartCharging, connectorId, profile as ChargingProfile, platform.clock.utcMs()) === "Accepted";
  hardware.onPermission((connectorId, permitted) => {
    if (!permitted || startedAt.has(connectorId) || !chargePoint.transactions.hasTransaction(connectorId)) return;
    const now = platform.clock.utcMs();
    startedAt.set(connectorId, now);
    smartCharging.onTransactionStarted(connectorId, now);
  });
  chargePoint.transactions.onTransactionEnded((connectorId) => {
    startedAt.delete(connectorId);
    smartCharging.onTransactionEnded(connectorId);
  });

  // Firmware Management (when the platform can download and store an image) and Remote Trigger.
  const management =
    http && firmwareSlot
      ? attachFirmwareManagement({
          chargePoint,
          connectors: hardware.connectors,
          timers,
          kv: platform.kv,
          // ftp:// locations too when the platform has TCP.
          http: platform.tcp ? new FtpAndHttpClient(http, new FtpClient({ tcp: platform.tcp, timers })) : http,
          slot: firmwareSlot,
          reboot: () => reboot(true),
          firmwareVersion,
          deviceName: settings.deviceId,
          frameLogText: () => frameLog.exportText(),
        })
      : undefined;
  if (management && platform.tcp) chargePoint.config.setLocal("SupportedFileTransferProtocols", PROTOCOLS_WITH_FTP);
  const triggerTargets = chargePointTriggerTargets({
    chargePoint,
    connectors: hardware.connectors,
    boot: bootRequest,
    bootNow: () => chargePoint.registration.bootNow(),
    firmware: management?.firmware,
    diagnostics: management?.diagnostics,
  });
  registerTriggerActions(engine, triggerTargets);

  // Security white paper; the security log has its own partition ("seclog"), RAM when the board has none.
  let seclog: FlashPartition | undefined;
  try {
    seclog = platform.openFlash("seclog");
  } catch (error) {
    log.warn(`no seclog partition: ${(error as Error).message}`);
  }
  const running = attachSecurity({
    chargePoint,
    connectionSettings: connection,
    kv: platform.kv,
    timers,
    logFlash: seclog,
    http,
    deviceName: settings.deviceId,
    firmwareVersion,
    triggerTargets,
    frameLogText: () => frameLog.exportText(),
  });
  security = running;

  // Run.
  loop.start(platform.loopDriver);
  chargePoint.start();
  smartCharging.pruneTxProfiles();
  smartReady = true;
  applyLimits();
  log.info(`wall clock ${platform.clock.isSynced() ? "synced" : "not synced (waits for the CSMS)"}; loop every ${tickMs} ms`);

  const chooseConnector = (idTag: string): number => {
    const lower = idTag.toLowerCase();
    const count = hardware.connectors.length;
    // The transaction this tag started (or a pending start it made) comes first.
    for (let id = 1; id <= count; id++) {
      const tx = chargePoint.transactions.transactionOn(id);
      if (tx && tx.idTag.toLowerCase() === lower) return id;
    }
    for (let id = 1; id <= count; id++) if (chargePoint.sessions.hasPending(id)) return id;
    // The only plugged connector without a transaction (Preparing).
    let plugged = 0;
    let pluggedCount = 0;
    for (let id = 1; id <= count; id++) {
      if (hardware.connectors[id - 1].plugged() && !chargePoint.transactions.hasTransaction(id)) {
        plugged = id;
        pluggedCount++;
      }
    }
    if (pluggedCount === 1) return plugged;
    if (count === 1) return 1;
    // A running transaction a parent id may stop.
    for (let id = 1; id <= count; id++) if (chargePoint.transactions.hasTransaction(id)) return id;
    for (let id = 1; id <= count; id++) if (chargePoint.sessions.canBegin(id)) return id;
    return 1;
  };

  let stopped = false;
  return {
    loop,
    chargePoint,
    frameLog,
    settings,
    settingErrors: loaded.errors,
    smartCharging,
    localAuth,
    reservations,
    firmware: management?.firmware,
    diagnostics: management?.diagnostics,
    security: running,
    presentCard(idTag: string, connectorId?: number): void {
      if (stopped) return;
      const id = connectorId ?? chooseConnector(idTag);
      chargePoint.sessions.presentIdTag(id, idTag).then(
        (done) => log.info(`card ${idTag} on connector ${id}: ${done ? "accepted" : "refused"}`),
        (error: unknown) => log.warn(`card ${idTag} on connector ${id} failed: ${String(error)}`),
      );
    },
    powerLost(): number {
      if (!stopped) chargePoint.powerLost();
      return chargePoint.transactions.journalSize;
    },
    stop(): void {
      if (stopped) return;
      stopped = true;
      smartReady = false;
      loop.stop();
      chargePoint.stop();
      running.stop();
      timers.stopAll();
    },
  };
}
