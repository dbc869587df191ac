/**
 * GetLog [SEC N01, reference §2.8]: the SecurityLog or the DiagnosticsLog
 * as one text file, uploaded by the Firmware Management's DiagnosticsService
 * (same file building, HTTP(S) PUT, retries and — when it gets one — FTP),
 * one instance per request, its DiagnosticsStatusNotifications turned into
 * LogStatusNotifications carrying the GetLog requestId (UploadFailed →
 * UploadFailure; ./LogStatusNotification.ts). A GetLog while an upload runs cancels it: its retries
 * stop, its late notifications are dropped, the answer is AcceptedCanceled.
 */
import type { Timers } from "ports/timers";
import type { Logger } from "ports/log";
import type { HttpClient } from "ports/http";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { GetLogConf, GetLogReq } from "ocpp/generated/ocpp16";
import { DiagnosticsService, type DiagnosticsSource } from "ocpp/firmware-management/diagnostics-service";
import { TRIGGERED_LOG_STATUS_CALL, logStatusOf, sendLogStatusNotification } from "./LogStatusNotification";

export type LogType = GetLogReq["logType"];

export interface LogServiceOptions {
  engine: Pick<OcppEngine, "call">;
  timers: Timers;
  clock: { utcMs(): number };
  http: HttpClient;
  log: Logger;
  deviceName: string;
  sources: Readonly<Record<LogType, readonly DiagnosticsSource[]>>;
  caCertificates?: () => string[];
}

export interface PreparedLog {
  conf: GetLogConf;
  /** Starts the upload; call after the answer went out. */
  start?: () => void;
}

const FILE_TAG: Readonly<Record<LogType, string>> = Object.freeze({ SecurityLog: "securitylog", DiagnosticsLog: "diagnosticslog" });

export class LogService {
  readonly #o: LogServiceOptions;
  #active: DiagnosticsService | undefined;
  #activeRequestId: number | undefined;

  constructor(options: LogServiceOptions) {
    this.#o = options;
  }

  get uploading(): boolean {
    return this.#active !== undefined && this.#active.uploading;
  }

  prepare(request: GetLogReq): PreparedLog {
    let canceled = false;
    if (this.#active !== undefined) {
      canceled = this.#active.uploading;
      this.#active.stop();
      this.#active = undefined;
      this.#activeRequestId = undefined;
    }
    const requestId = request.requestId;
    const service: DiagnosticsService = new DiagnosticsService({
      // The upload's statuses as LogStatusNotifications of this request; a canceled upload stays silent.
      reportStatus: (diagnosticsStatus, triggered) => {
        if (this.#active !== service) return;
        const status = logStatusOf(diagnosticsStatus);
        if (status !== "Uploading") {
          this.#active = undefined;
          this.#activeRequestId = undefined;
        }
        sendLogStatusNotification(this.#o.engine, status, requestId, { beforeAccepted: triggered }).catch((error: Error) => {
          this.#o.log.warn(`LogStatusNotification ${status} failed: ${error.message}`);
        });
      },
      timers: this.#o.timers,
      clock: this.#o.clock,
      http: this.#o.http,
      log: this.#o.log,
      deviceName: `${this.#o.deviceName}-${FILE_TAG[request.logType]}`,
      caCertificates: this.#o.caCertificates?.(),
    });
    // A heading line, so that an empty log still makes a file (the CSMS asked for one).
    service.addSource({
      name: request.logType,
      text: () => `${request.logType} of ${this.#o.deviceName}, ${new Date(this.#o.clock.utcMs()).toISOString()}\n`,
    });
    const sources = this.#o.sources[request.logType];
    for (let i = 0; i < sources.length; i++) service.addSource(sources[i]);
    const prepared = service.prepare({
      location: request.log.remoteLocation,
      retries: request.retries,
      retryInterval: request.retryInterval,
      startTime: request.log.oldestTimestamp,
      stopTime: request.log.latestTimestamp,
    });
    if (prepared === undefined) return { conf: { status: "Rejected" } };
    this.#active = service;
    this.#activeRequestId = requestId;
    return { conf: { status: canceled ? "AcceptedCanceled" : "Accepted", filename: prepared.fileName }, start: prepared.startUpload };
  }

  /** LogStatusNotification for ExtendedTriggerMessage: Uploading with its requestId, else Idle. */
  sendTriggeredStatus(): void {
    const uploading = this.uploading && this.#activeRequestId !== undefined;
    const status = uploading ? "Uploading" : "Idle";
    sendLogStatusNotification(this.#o.engine, status, uploading ? this.#activeRequestId : undefined, TRIGGERED_LOG_STATUS_CALL).catch(
      (error: Error) => {
        this.#o.log.warn(`LogStatusNotification ${status} failed: ${error.message}`);
      },
    );
  }

  stop(): void {
    if (this.#active !== undefined) this.#active.stop();
    this.#active = undefined;
  }
}
