/**
 * StatusNotification [SPEC 4.9, ERR 3.19/3.22]: every change of a
 * connector's status (held MinimumStatusDuration s first), connector 0 and
 * every connector after BootNotification Accepted, and after a reconnect
 * the current status of each connector whose status changed while offline
 * (no replay of intermediate ones).
 *
 * Chronological order with transaction messages [SPEC 4.9, 3.7]: a change
 * is sent only once the transaction messages journaled before it were
 * delivered (`holdBehind`): no Charging before its StartTransaction, no
 * Available before the StopTransaction; the statuses after
 * BootNotification Accepted wait for the journal found at boot. A change
 * that comes while the one before it still waits does not replace it (up to
 * MAX_HELD_STATUSES): the CSMS sees every step, e.g. Available, Charging,
 * Finishing, not Available → Finishing, which the table forbids. The
 * message itself: ./StatusNotification.ts.
 */
import type { CoreServicePorts } from "./context";
import type { TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";
import { ORDERED_STATUS_CALL, TRIGGERED_STATUS_CALL, buildStatusNotificationRequest, sendStatusNotification } from "./StatusNotification";

/** A status as sent: the current one or one held behind transaction messages. */
interface StatusStep {
  status: ConnectorStatus;
  errorCode: ConnectorErrorCode;
  info?: string;
  changedAtUtc?: number;
  /** Transaction messages journaled before this change (see TransactionOrder). */
  mark: number;
}

/** Changes held behind transaction messages per connector (a session's steps fit). */
export const MAX_HELD_STATUSES = 4;

interface ConnectorReport {
  /** Earlier changes not sent yet, oldest first. */
  held: StatusStep[];
  status: ConnectorStatus;
  errorCode: ConnectorErrorCode;
  info?: string;
  /** Last status the CSMS got. */
  sentStatus?: ConnectorStatus;
  sentErrorCode?: ConnectorErrorCode;
  timer?: TimerHandle;
  changedAtUtc?: number;
  /** Transaction messages journaled before this change (see TransactionOrder). */
  mark: number;
  /** Must be sent even if the CSMS has this status (after BootNotification Accepted). */
  due: boolean;
}

/** What the transaction journal tells: how many messages so far, and whether they were delivered. */
export interface TransactionOrder {
  eventMark(): number;
  delivered(mark: number): boolean;
}

export class StatusService {
  readonly #ports: CoreServicePorts;
  readonly #log: Logger;
  readonly #reports: ConnectorReport[] = [];
  #order: TransactionOrder | undefined;

  constructor(options: { ports: CoreServicePorts; log: Logger; connectorCount: number }) {
    this.#ports = options.ports;
    this.#log = options.log;
    for (let i = 0; i <= options.connectorCount; i++)
      this.#reports.push({ held: [], status: "Available", errorCode: "NoError", mark: 0, due: false });
  }

  /** Statuses wait for the transaction messages that happened before them. */
  holdBehind(order: TransactionOrder): void {
    this.#order = order;
  }

  current(connectorId: number): ConnectorStatus {
    return this.#reports[connectorId].status;
  }

  /** A connector's status changed (connector 0 = the charge point). */
  update(connectorId: number, status: ConnectorStatus, errorCode: ConnectorErrorCode, info?: string): void {
    const report = this.#reports[connectorId];
    if (!report) return;
    if (report.status === status && report.errorCode === errorCode && report.info === info) return;
    const unsent = report.due || report.sentStatus !== report.status || report.sentErrorCode !== report.errorCode;
    if (unsent && report.timer === undefined && this.#ports.engine.online && this.#ports.engine.accepted && !this.#passed(report.mark)) {
      // Still waiting behind a transaction message: kept as a step of its own.
      if (report.held.length >= MAX_HELD_STATUSES) report.held.shift();
      const step: StatusStep = { status: report.status, errorCode: report.errorCode, mark: report.mark };
      if (report.info !== undefined) step.info = report.info;
      if (report.changedAtUtc !== undefined) step.changedAtUtc = report.changedAtUtc;
      report.held.push(step);
      report.due = false;
    } else if (!this.#ports.engine.online || !this.#ports.engine.accepted) {
      // A change while offline: the statuses of this offline period are not replayed [SPEC 4.9], and
      // neither are the steps held before it (the new connection starts afresh; chaos seed 5083).
      report.held.length = 0;
    }
    report.status = status;
    report.errorCode = errorCode;
    report.info = info;
    report.changedAtUtc = this.#ports.time.clock.isSynced() ? this.#ports.time.clock.utcMs() : undefined;
    report.mark = this.#order ? this.#order.eventMark() : 0;
    if (report.timer !== undefined) this.#ports.timers.clear(report.timer);
    report.timer = undefined;
    const holdS = this.#ports.config.int("MinimumStatusDuration");
    if (holdS > 0) {
      report.timer = this.#ports.timers.once(() => {
        report.timer = undefined;
        this.#sendIfChanged(connectorId);
      }, holdS * 1000);
    } else this.#sendIfChanged(connectorId);
  }

  /** After BootNotification Accepted: every connector, 0 included [ERR 3.22]. */
  reportAll(): void {
    // What the connectors show now follows every transaction message journaled so far (a stop after a power cut).
    const mark = this.#order ? this.#order.eventMark() : 0;
    for (const report of this.#reports) {
      report.due = true;
      if (report.mark < mark) report.mark = mark;
    }
    for (let id = 0; id < this.#reports.length; id++) this.#sendIfChanged(id);
  }

  /** After a reconnect, and after each delivered transaction message: changes not sent yet. */
  reportChanged(): void {
    for (let id = 0; id < this.#reports.length; id++) this.#sendIfChanged(id);
  }

  /**
   * A one-off StatusNotification of `connectorId` with its current status and
   * `errorCode` as a warning (LocalListConflict [SPEC 3.5.2]); the kept
   * status and error code stay as they are.
   */
  notifyError(connectorId: number, errorCode: ConnectorErrorCode, info?: string): void {
    const report = this.#reports[connectorId];
    if (!report) return;
    const request = buildStatusNotificationRequest(connectorId, report.status, errorCode, info, undefined, this.#ports.time);
    sendStatusNotification(this.#ports.engine, request).catch((error: Error) => {
      this.#log.warn(`StatusNotification ${connectorId} ${errorCode} failed: ${error.message}`);
    });
  }

  /** True when the transaction messages journaled before `mark` were delivered. */
  #passed(mark: number): boolean {
    return !this.#order || this.#order.delivered(mark);
  }

  #sendIfChanged(connectorId: number): void {
    const report = this.#reports[connectorId];
    if (report.timer !== undefined) return;
    while (report.held.length > 0) {
      const step = report.held[0];
      if (!this.#ports.engine.accepted || !this.#ports.engine.online || !this.#passed(step.mark)) return; // the current one waits too
      report.held.shift();
      this.#transmit(connectorId, report, step, false);
    }
    if (!report.due && report.sentStatus === report.status && report.sentErrorCode === report.errorCode) return;
    this.#send(connectorId);
  }

  /**
   * Sends a StatusNotification of `connectorId` (0 = the charge point) with
   * its current status, error code and info now (TriggerMessage [SPEC 5.17]),
   * also before BootNotification was Accepted. False: no such connector or offline.
   */
  send(connectorId: number): boolean {
    if (!this.#reports[connectorId] || !this.#ports.engine.online) return false;
    this.#send(connectorId, true);
    return true;
  }

  #send(connectorId: number, triggered = false): void {
    const report = this.#reports[connectorId];
    if (!triggered && (!this.#ports.engine.accepted || !this.#ports.engine.online)) return; // sent on (re)connect
    if (!triggered && !this.#passed(report.mark)) return; // sent after those messages
    if (triggered) report.held.length = 0; // the CSMS gets the current status now
    report.due = false;
    this.#transmit(connectorId, report, report, triggered);
  }

  #transmit(connectorId: number, report: ConnectorReport, step: StatusStep, triggered: boolean): void {
    const request = buildStatusNotificationRequest(
      connectorId,
      step.status,
      step.errorCode,
      step.info,
      step.changedAtUtc,
      this.#ports.time,
    );
    report.sentStatus = step.status;
    report.sentErrorCode = step.errorCode;
    sendStatusNotification(this.#ports.engine, request, triggered ? TRIGGERED_STATUS_CALL : ORDERED_STATUS_CALL).catch((error: Error) => {
      this.#log.warn(`StatusNotification ${connectorId} failed: ${error.message}`);
      report.sentStatus = undefined; // resend on reconnect
    });
  }
}
