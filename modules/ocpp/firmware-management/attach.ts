/**
 * Builds Firmware Management for a ChargePoint: the two services, the
 * SupportedFileTransferProtocols key, the actions, the frame log as a
 * diagnostics source, and the report of an update that spanned a reboot
 * once BootNotification is Accepted.
 */
import type { Timers } from "ports/timers";
import type { KeyValueStore } from "ports/kv";
import type { HttpClient } from "ports/http";
import type { FirmwareSlot } from "ports/firmware-update";
import type { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import { FIRMWARE_KEYS } from "./config-keys";
import { DiagnosticsService, textSource, type DiagnosticsSource } from "./diagnostics-service";
import { FirmwareService } from "./firmware-service";
import { sendDiagnosticsStatusNotification } from "./DiagnosticsStatusNotification";
import { attachFirmwareActions } from "./actions";

export interface FirmwareManagementDeps {
  connectors: readonly ChargePointConnector[];
  timers: Timers;
  kv: KeyValueStore;
  http: HttpClient;
  slot: FirmwareSlot;
  /** Restarts into the new image (the board: a hard reboot). */
  reboot: () => void;
  firmwareVersion?: string;
  deviceName: string;
  /** The OCPP frame log (`OcppFrameLog.exportText`). */
  frameLogText?: () => string;
  extraSources?: DiagnosticsSource[];
  caCertificates?: string[];
  defaultRetries?: number;
  defaultRetryIntervalS?: number;
}

/** The profile's two services; also the context its action handlers are registered with. */
export interface FirmwareManagement {
  firmware: FirmwareService;
  diagnostics: DiagnosticsService;
}

export function attachFirmwareManagement(
  cp: Pick<ChargePoint, "engine" | "registration" | "config" | "time" | "transactions" | "log">,
  deps: FirmwareManagementDeps,
): FirmwareManagement {
  for (const key of FIRMWARE_KEYS) cp.config.declare(key);
  const endedListeners: Array<() => void> = [];
  cp.transactions.onTransactionEnded(() => {
    for (const listener of endedListeners) listener();
  });
  const firmware = new FirmwareService({
    engine: cp.engine,
    timers: deps.timers,
    clock: cp.time.clock,
    kv: deps.kv,
    http: deps.http,
    slot: deps.slot,
    log: cp.log.child("fw"),
    firmwareVersion: deps.firmwareVersion,
    caCertificates: deps.caCertificates,
    defaultRetries: deps.defaultRetries,
    defaultRetryIntervalS: deps.defaultRetryIntervalS,
    host: {
      transactionsRunning: () => deps.connectors.some((c) => cp.transactions.hasTransaction(c.id)),
      onTransactionEnded: (listener) => endedListeners.push(listener),
      reboot: deps.reboot,
    },
  });
  const diagnosticsLog = cp.log.child("diag");
  const diagnostics = new DiagnosticsService({
    reportStatus: (status, triggered) => sendDiagnosticsStatusNotification(cp.engine, status, triggered, diagnosticsLog),
    timers: deps.timers,
    clock: cp.time.clock,
    http: deps.http,
    log: diagnosticsLog,
    deviceName: deps.deviceName,
    caCertificates: deps.caCertificates,
    defaultRetries: deps.defaultRetries,
    defaultRetryIntervalS: deps.defaultRetryIntervalS,
  });
  if (deps.frameLogText) diagnostics.addSource(textSource("OCPP frames", deps.frameLogText));
  for (const source of deps.extraSources ?? []) diagnostics.addSource(source);
  const management: FirmwareManagement = { firmware, diagnostics };
  attachFirmwareActions(cp.engine, management);
  // Before the Core listener's StatusNotifications: Installed follows the boot [reference §4.11].
  cp.registration.onAccepted(() => firmware.bootAccepted(), { first: true });
  return management;
}
