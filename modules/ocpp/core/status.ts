/**
 * StatusNotification [SPEC 4.9, ERR 3.19/3.22]: every change of a
 * connector's status (held MinimumStatusDuration s first), connector 0 and
 * every connector after BootNotification Accepted, and after a reconnect
 * the current status of each connector whose status changed while offline
 * (no replay of intermediate ones).
 */
import type { Timers, TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { StatusNotificationReq } from "ocpp/generated/ocpp16";
import type { OcppConnectorStatus, OcppErrorCode } from "ocpp/charge-point-hw";
import type { ConfigurationRegistry } from "./configuration";
import type { TimeKeeper } from "./timestamps";

interface ConnectorReport {
  status: OcppConnectorStatus;
  errorCode: OcppErrorCode;
  info?: string;
  /** Last status the CSMS got. */
  sentStatus?: OcppConnectorStatus;
  sentErrorCode?: OcppErrorCode;
  timer?: TimerHandle;
  changedAtUtc?: number;
}

const TRIGGERED = { beforeAccepted: true } as const;

export class StatusService {
  readonly #engine: OcppEngine;
  readonly #timers: Timers;
  readonly #config: ConfigurationRegistry;
  readonly #time: TimeKeeper;
  readonly #log: Logger;
  readonly #reports: ConnectorReport[] = [];

  constructor(options: { engine: OcppEngine; timers: Timers; config: ConfigurationRegistry; time: TimeKeeper; log: Logger; connectorCount: number }) {
    this.#engine = options.engine;
    this.#timers = options.timers;
    this.#config = options.config;
    this.#time = options.time;
    this.#log = options.log;
    for (let i = 0; i <= options.connectorCount; i++) this.#reports.push({ status: "Available", errorCode: "NoError" });
  }

  current(connectorId: number): OcppConnectorStatus {
    return this.#reports[connectorId].status;
  }

  /** A connector's status changed (connector 0 = the charge point). */
  update(connectorId: number, status: OcppConnectorStatus, errorCode: OcppErrorCode, info?: string): void {
    const report = this.#reports[connectorId];
    if (!report) return;
    if (report.status === status && report.errorCode === errorCode && report.info === info) return;
    report.status = status;
    report.errorCode = errorCode;
    report.info = info;
    report.changedAtUtc = this.#time.clock.isSynced() ? this.#time.clock.utcMs() : undefined;
    if (report.timer !== undefined) this.#timers.clear(report.timer);
    report.timer = undefined;
    const holdS = this.#config.int("MinimumStatusDuration");
    if (holdS > 0) {
      report.timer = this.#timers.once(() => {
        report.timer = undefined;
        this.#sendIfChanged(connectorId);
      }, holdS * 1000);
    } else this.#sendIfChanged(connectorId);
  }

  /** After BootNotification Accepted: every connector, 0 included [ERR 3.22]. */
  reportAll(): void {
    for (let id = 0; id < this.#reports.length; id++) this.#send(id);
  }

  /** After a reconnect: connectors whose status changed while offline. */
  reportChanged(): void {
    for (let id = 0; id < this.#reports.length; id++) this.#sendIfChanged(id);
  }

  /**
   * A one-off StatusNotification of `connectorId` with its current status and
   * `errorCode` as a warning (LocalListConflict [SPEC 3.5.2]); the kept
   * status and error code stay as they are.
   */
  notifyError(connectorId: number, errorCode: OcppErrorCode, info?: string): void {
    const report = this.#reports[connectorId];
    if (!report) return;
    const request: StatusNotificationReq = { connectorId, errorCode, status: report.status };
    if (info !== undefined) request.info = info.slice(0, 50);
    const iso = this.#time.clock.isSynced() ? this.#time.iso({ u: this.#time.clock.utcMs() }) : undefined;
    if (iso !== undefined) request.timestamp = iso;
    this.#engine.call("StatusNotification", request).catch((error: Error) => {
      this.#log.warn(`StatusNotification ${connectorId} ${errorCode} failed: ${error.message}`);
    });
  }

  #sendIfChanged(connectorId: number): void {
    const report = this.#reports[connectorId];
    if (report.timer !== undefined) return;
    if (report.sentStatus === report.status && report.sentErrorCode === report.errorCode) return;
    this.#send(connectorId);
  }

  /**
   * Sends a StatusNotification of `connectorId` (0 = the charge point) with
   * its current status, error code and info now (TriggerMessage [SPEC 5.17]),
   * also before BootNotification was Accepted. False: no such connector or offline.
   */
  send(connectorId: number): boolean {
    if (!this.#reports[connectorId] || !this.#engine.online) return false;
    this.#send(connectorId, true);
    return true;
  }

  #send(connectorId: number, triggered = false): void {
    const report = this.#reports[connectorId];
    if (!triggered && (!this.#engine.accepted || !this.#engine.online)) return; // sent on (re)connect
    const request: StatusNotificationReq = { connectorId, errorCode: report.errorCode, status: report.status };
    if (report.info !== undefined) request.info = report.info.slice(0, 50);
    const stamp = report.changedAtUtc ?? (this.#time.clock.isSynced() ? this.#time.clock.utcMs() : undefined);
    const iso = stamp === undefined ? undefined : this.#time.iso({ u: stamp });
    if (iso !== undefined) request.timestamp = iso;
    report.sentStatus = report.status;
    report.sentErrorCode = report.errorCode;
    this.#engine.call("StatusNotification", request, triggered ? TRIGGERED : undefined).catch((error: Error) => {
      this.#log.warn(`StatusNotification ${connectorId} failed: ${error.message}`);
      report.sentStatus = undefined; // resend on reconnect
    });
  }
}
