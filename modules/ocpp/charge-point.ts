/**
 * The OCPP 1.6J charge point: wires the RPC engine, the connection and the
 * Core services to the platform and the connectors. Other profiles plug in
 * through `engine.handle`, `engine.call`, `config.declare` and the
 * hooks (`auth.localAuth`, `sessions.reservations`,
 * `remoteStartProfile`, `dataTransfer`, `registration.onAccepted` with
 * `first` for a report that must precede the boot's StatusNotifications).
 */
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";
import type { Platform } from "ports/platform";
import { Logger, type LogLevel } from "ports/log";
import type { BootNotificationReq } from "ocpp/generated/ocpp16";
import type { ChargePointHardware, ConnectorEvents } from "./charge-point-hw";
import type { TransactionJournal } from "./journal";
import { OcppEngine, type FrameRecorder } from "./rpc/engine";
import { ConfigurationRegistry } from "./core/configuration";
import { CORE_KEYS, coreKeyDefaults } from "./core/core-keys";
import { ConnectionService, type ConnectionCallbacks } from "./core/connection-service";
import { resolveConnection, type ConnectionSettings } from "./core/connection-settings";
import { AuthKeyRecovery } from "./core/auth-key-recovery";
import { RegistrationService } from "./core/registration-service";
import { StatusService } from "./core/status-service";
import { AuthorizationService } from "./core/authorization-service";
import { AvailabilityService } from "./core/availability-service";
import { TransactionService } from "./core/transaction-service";
import { SessionService } from "./core/session-service";
import { TimeKeeper } from "./core/timestamps";
import { rebootWithRetries } from "./core/reboot";
import { attachCoreActions } from "./core/actions";
import type { CoreContext, CoreServicePorts, DataTransferHandler, RemoteStartChargingProfile } from "./core/context";

export interface ChargePointOptions {
  platform: Platform;
  hardware: ChargePointHardware;
  journal: TransactionJournal;
  settings: ConnectionSettings;
  boot: BootNotificationReq;
  supportedProfiles?: readonly string[];
  frameLog?: FrameRecorder;
  logLevel?: LogLevel;
  maxFrameBytes?: number;
}

const SOFT_RESET_WAIT_STEPS = 20;
const SOFT_RESET_STEP_MS = 500;
/** Hard reset: at most this long for the answer of a transaction message already on the wire. */
const HARD_RESET_WAIT_STEPS = 10;
const HARD_RESET_STEP_MS = 200;

export class ChargePoint {
  readonly engine: OcppEngine;
  readonly config: ConfigurationRegistry;
  readonly connection: ConnectionService;
  /** Keeps the previous AuthorizationKey until the new one logged in (issue 10, TC_073). */
  readonly authKey: AuthKeyRecovery;
  readonly registration: RegistrationService;
  readonly status: StatusService;
  readonly auth: AuthorizationService;
  readonly availability: AvailabilityService;
  readonly transactions: TransactionService;
  readonly sessions: SessionService;
  readonly time: TimeKeeper;
  readonly dataTransfer = new Map<string, DataTransferHandler>();
  readonly log: Logger;
  readonly #options: ChargePointOptions;
  readonly #context: CoreContext;
  #resetting = false;

  constructor(options: ChargePointOptions) {
    this.#options = options;
    const { platform, hardware } = options;
    this.log = new Logger(platform.log, "ocpp", options.logLevel ?? "info");
    const kv = platform.kv;
    const bootCount = kv.get("ocpptx", "boots");
    const bootNumber = (typeof bootCount === "number" ? bootCount : 0) + 1;
    kv.set("ocpptx", "boots", bootNumber);
    this.time = new TimeKeeper(platform.clock, bootNumber);
    this.config = new ConfigurationRegistry(kv);
    this.config.declareAll(CORE_KEYS, coreKeyDefaults(hardware.connectors.length, options.supportedProfiles ?? ["Core"]));
    this.engine = new OcppEngine({
      timers: platform.timers,
      log: this.log.child("rpc"),
      messageTimeoutS: () => this.config.int("MessageTimeout"),
      frameLog: options.frameLog,
      maxFrameBytes: options.maxFrameBytes,
      bootNumber,
    });
    const ports: CoreServicePorts = { engine: this.engine, timers: platform.timers, config: this.config, time: this.time };
    this.authKey = new AuthKeyRecovery({ kv, config: this.config, log: this.log.child("ws") });
    this.connection = new ConnectionService({
      factory: platform.websocket,
      timers: platform.timers,
      log: this.log.child("ws"),
      pingIntervalS: this.config.int("WebSocketPingInterval"),
      resolve: () =>
        resolveConnection(options.settings, this.config.string("AuthorizationKey"), this.config.bool("UseAuthorizationKeyWithoutDecoding")),
      callbacks: new ConnectionEvents(this),
    });
    this.config.onChange("WebSocketPingInterval", (value) => this.connection.setPingInterval(Number(value)));
    this.registration = new RegistrationService({
      ports,
      log: this.log.child("boot"),
      bootRequest: options.boot,
    });
    this.status = new StatusService({
      ports,
      log: this.log,
      connectorCount: hardware.connectors.length,
    });
    this.auth = new AuthorizationService({
      ports,
      log: this.log,
      // On connector 0, with the charge point's status [SPEC 3.5.2, reference §4.4]. Sent once the
      // answer that revealed it is fully handled, so the statuses and transaction messages that answer
      // releases keep their order (a Charging step before the StopTransaction an Invalid answer causes).
      onListConflict: (_idTag, csmsStatus) => {
        platform.timers.once(() => this.status.notifyError(0, "LocalListConflict", `CSMS: ${csmsStatus}, Local List differs`), 0);
      },
    });
    this.transactions = new TransactionService({
      ports,
      kv,
      log: this.log.child("tx"),
      journal: options.journal,
      connectors: hardware.connectors,
      auth: this.auth,
      onStalled: () => this.connection.reconnect(),
    });
    this.status.holdBehind(this.transactions);
    this.transactions.onDelivered(() => this.status.reportChanged());
    this.availability = new AvailabilityService(kv, hardware.connectors, (id) => this.transactions.hasTransaction(id));
    this.sessions = new SessionService({
      ports,
      log: this.log,
      connectors: hardware.connectors,
      auth: this.auth,
      availability: this.availability,
      transactions: this.transactions,
    });
    this.transactions.onTransactionEnded((id) => this.availability.transactionEnded(id));
    this.availability.onChange((id, operative) => {
      if (id === 0) this.status.update(0, operative ? "Available" : "Unavailable", "NoError");
    });
    this.registration.onAccepted(() => {
      this.status.reportAll();
      this.transactions.armAligned();
      this.transactions.pump();
    });
    this.#context = {
      log: this.log,
      hardware,
      config: this.config,
      auth: this.auth,
      availability: this.availability,
      sessions: this.sessions,
      transactions: this.transactions,
      connection: this.connection,
      authKey: this.authKey,
      dataTransfer: this.dataTransfer,
      reset: (hard) => this.reset(hard),
    };
    attachCoreActions(this.engine, this.#context);
    hardware.subscribe(new HardwareEvents(this.sessions, this.status));
  }

  /** Hook for Smart Charging: a TxProfile in RemoteStartTransaction. */
  set remoteStartProfile(hook: ((connectorId: number, profile: RemoteStartChargingProfile) => boolean) | undefined) {
    this.#context.remoteStartProfile = hook;
  }

  /** Boots the engine: persisted availability, interrupted transactions, connection. */
  start(): void {
    this.availability.applyAtBoot();
    for (const connector of this.#options.hardware.connectors) {
      this.status.update(connector.id, connector.status(), connector.errorCode());
    }
    this.status.update(0, this.availability.operative(0) ? "Available" : "Unavailable", "NoError");
    this.transactions.recoverAfterBoot();
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
  }

  /**
   * The board signals imminent power loss while on backup power (OCTT
   * TC_032_1): transactions stop with reason PowerLoss, journaled before
   * this returns and sent at once when online; no new transaction starts.
   * The caller may wait for `transactions.journalSize === 0` (delivered)
   * before it lets the charger go down. Without backup power the journaled
   * transaction is stopped with PowerLoss after the next boot (TC_032_2).
   */
  powerLost(): void {
    this.log.warn("power loss signalled: stopping transactions");
    this.transactions.powerLost();
  }

  /**
   * Reset [SPEC 5.14]: transactions stop with SoftReset/HardReset; soft waits for their delivery,
   * hard only for the answer of a transaction message already sent (at most 2 s).
   */
  reset(hard: boolean): void {
    if (this.#resetting) return;
    this.#resetting = true;
    this.transactions.stopAll(hard ? "HardReset" : "SoftReset");
    const timers = this.#options.platform.timers;
    let steps = 0;
    const reboot = (): void =>
      rebootWithRetries({
        reboot: () => this.#options.hardware.reboot(hard),
        timers,
        log: this.log,
        retries: () => this.config.int("ResetRetries"),
        onFailed: () => {
          this.#resetting = false;
          this.status.update(0, this.availability.operative(0) ? "Available" : "Unavailable", "ResetFailure");
        },
      });
    if (hard) {
      // Not in the middle of a transaction message: rebooting before its answer arrives sends it again
      // after the boot, and the CSMS gets the StopTransaction twice (issue 10).
      const waitInFlight = (): void => {
        if (!this.transactions.inFlight || ++steps >= HARD_RESET_WAIT_STEPS) reboot();
        else timers.once(waitInFlight, HARD_RESET_STEP_MS);
      };
      timers.once(waitInFlight, 0);
      return;
    }
    const wait = (): void => {
      if (this.transactions.journalSize === 0 || ++steps >= SOFT_RESET_WAIT_STEPS) reboot();
      else timers.once(wait, SOFT_RESET_STEP_MS);
    };
    timers.once(wait, 0);
  }
}

/**
 * The connection's events as the charge point handles them. A class, not an object of arrow
 * functions: its methods live on the prototype (flash on the board), so the instance costs a few
 * heap slots instead of a closure and its environment per callback (docs/memory.md).
 */
class ConnectionEvents implements ConnectionCallbacks {
  readonly #chargePoint: ChargePoint;

  constructor(chargePoint: ChargePoint) {
    this.#chargePoint = chargePoint;
  }

  onConnected(send: (text: string) => boolean): void {
    const cp = this.#chargePoint;
    cp.authKey.loggedIn();
    cp.engine.connected(send);
    cp.transactions.connectionOpened();
    cp.registration.connected();
    if (cp.engine.accepted) {
      cp.status.reportChanged();
      cp.transactions.pump();
    }
  }

  onText(text: string): void {
    this.#chargePoint.engine.receive(text);
  }

  onDisconnected(): void {
    this.#chargePoint.engine.disconnected();
    this.#chargePoint.registration.disconnected();
  }

  onRefused(httpStatus: number): void {
    this.#chargePoint.authKey.refused(httpStatus);
  }
}

/** The connectors' events for the sessions and the status service (a class for the same reason). */
class HardwareEvents implements ConnectorEvents {
  readonly #sessions: SessionService;
  readonly #status: StatusService;

  constructor(sessions: SessionService, status: StatusService) {
    this.#sessions = sessions;
    this.#status = status;
  }

  onPlugged(connectorId: number): void {
    this.#sessions.plugged(connectorId);
  }

  onUnplugged(connectorId: number): void {
    this.#sessions.unplugged(connectorId);
  }

  onStatusChanged(connectorId: number, status: ConnectorStatus, errorCode: ConnectorErrorCode, info?: string): void {
    this.#status.update(connectorId, status, errorCode, info);
  }

  onLocked(connectorId: number): void {
    this.#sessions.locked(connectorId);
  }

  onLockFailure(connectorId: number): void {
    this.#sessions.lockFailed(connectorId);
  }
}
