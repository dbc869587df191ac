/**
 * GetDiagnostics [SPEC 5.9, reference §2.3/§4.11]: one text file made of
 * the registered sources (the OCPP frame log and whatever else the firmware
 * adds), cut to startTime..stopTime where lines carry a time, uploaded to
 * `location` (a directory) with HTTP(S) PUT, with retries.
 * DiagnosticsStatusNotification (./DiagnosticsStatusNotification.ts):
 * Uploading → Uploaded | UploadFailed; Idle only in answer to a
 * TriggerMessage when nothing is uploading.
 *
 * ftp:// locations go to the same client: the boot wraps it with the FTP
 * client (ocpp/firmware-management/ftp-transfer) when the platform has TCP; without it
 * they fail as a bad URL. A bad URL is not retried. FTPS is not served.
 */
import type { Timers, TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import { HttpError, type HttpClient } from "ports/http";
import { encodeUtf8 } from "util/utf8";
import { parseIsoUtcMsLenient } from "util/iso8601";
import type { DiagnosticsStatus } from "./DiagnosticsStatusNotification";

export type { DiagnosticsStatus } from "./DiagnosticsStatusNotification";

/** A part of the diagnostics file. */
export interface DiagnosticsSource {
  /** Heading of its section in the file. */
  readonly name: string;
  /** Its text between the two UTC times (each undefined = unbounded); "" when it has nothing. */
  text(fromUtcMs: number | undefined, toUtcMs: number | undefined): string;
}

export interface DiagnosticsRequest {
  location: string;
  retries?: number;
  retryInterval?: number;
  startTime?: string;
  stopTime?: string;
}

export interface DiagnosticsServiceOptions {
  /**
   * Where the upload's statuses go: DiagnosticsStatusNotification
   * (./DiagnosticsStatusNotification.ts) for GetDiagnostics, LogStatusNotification for GetLog.
   * `triggered`: the answer to a TriggerMessage (allowed before BootNotification was Accepted).
   */
  reportStatus(status: DiagnosticsStatus, triggered: boolean): void;
  timers: Timers;
  clock: { utcMs(): number };
  http: HttpClient;
  log: Logger;
  /** Part of the file name, e.g. the charge point identity. */
  deviceName: string;
  defaultRetries?: number;
  defaultRetryIntervalS?: number;
  caCertificates?: string[];
}

const MAX_RETRIES = 10;

/** Keeps the lines of `text` whose leading ISO time lies in [from, to]; lines without a readable time are kept. */
export function filterLinesByTime(text: string, fromUtcMs: number | undefined, toUtcMs: number | undefined): string {
  if (fromUtcMs === undefined && toUtcMs === undefined) return text;
  const lines = text.split("\n");
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue;
    const space = line.indexOf(" ");
    const stamp = space > 0 ? line.slice(0, space) : "";
    // A "?" after the time marks an unsynced clock: not a real time, keep the line.
    const utc = stamp.endsWith("?") ? Number.NaN : parseIsoUtcMsLenient(stamp);
    if (Number.isFinite(utc) && ((fromUtcMs !== undefined && utc < fromUtcMs) || (toUtcMs !== undefined && utc > toUtcMs))) continue;
    kept.push(line);
  }
  return kept.length > 0 ? kept.join("\n") + "\n" : "";
}

/** A source over anything that lists time-stamped lines (the frame log's `exportText`). */
export function textSource(name: string, exportText: () => string): DiagnosticsSource {
  return { name, text: (from, to) => filterLinesByTime(exportText(), from, to) };
}

function compactStamp(utcMs: number): string {
  return new Date(utcMs)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

export class DiagnosticsService {
  readonly #o: DiagnosticsServiceOptions;
  readonly #sources: DiagnosticsSource[] = [];
  #uploading = false;
  #timer: TimerHandle | undefined;
  /** Bumped by stop(): a PUT still in flight then belongs to a canceled upload and its outcome is dropped (no retry). */
  #run = 0;

  constructor(options: DiagnosticsServiceOptions) {
    this.#o = options;
  }

  addSource(source: DiagnosticsSource): void {
    this.#sources.push(source);
  }

  /** Cancels the upload: a waiting retry, an attempt in flight, or one not started yet (shutdown, GetLog cancel). */
  stop(): void {
    this.#run++;
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
    this.#uploading = false;
  }

  get uploading(): boolean {
    return this.#uploading;
  }

  /** The status a triggered DiagnosticsStatusNotification carries. */
  triggeredStatus(): DiagnosticsStatus {
    return this.#uploading ? "Uploading" : "Idle";
  }

  sendTriggeredStatus(): void {
    this.#notify(this.triggeredStatus(), true);
  }

  /**
   * GetDiagnostics.req: builds the file now and returns its name, or
   * undefined when there is nothing to send (no fileName, no upload) or an
   * upload is still running. `startUpload` is called after the answer went out.
   */
  prepare(request: DiagnosticsRequest): { fileName: string; startUpload: () => void } | undefined {
    if (this.#uploading) {
      this.#o.log.warn("GetDiagnostics while an upload runs: no second file");
      return undefined;
    }
    const from = request.startTime === undefined ? undefined : parseIsoUtcMsLenient(request.startTime);
    const to = request.stopTime === undefined ? undefined : parseIsoUtcMsLenient(request.stopTime);
    const parts: string[] = [];
    for (let i = 0; i < this.#sources.length; i++) {
      const source = this.#sources[i];
      let text: string;
      try {
        text = source.text(Number.isFinite(from) ? from : undefined, Number.isFinite(to) ? to : undefined);
      } catch (error) {
        text = `(not readable: ${(error as Error).message})\n`;
      }
      if (text.length > 0) parts.push(`== ${source.name} ==\n${text}`);
    }
    if (parts.length === 0) return undefined;
    const fileName = `${this.#o.deviceName.replace(/[^A-Za-z0-9_-]/g, "_")}-diagnostics-${compactStamp(this.#o.clock.utcMs())}.txt`;
    const body = encodeUtf8(parts.join("\n"));
    const retries = request.retries === undefined ? (this.#o.defaultRetries ?? 2) : Math.max(0, Math.min(MAX_RETRIES, request.retries));
    const intervalS = Math.max(0, request.retryInterval ?? this.#o.defaultRetryIntervalS ?? 60);
    this.#uploading = true;
    const url = request.location + (request.location.endsWith("/") ? "" : "/") + fileName;
    const run = this.#run;
    return {
      fileName,
      startUpload: () => {
        if (run !== this.#run) return; // stopped before it started
        this.#notify("Uploading");
        this.#attempt(url, body, 1 + retries, intervalS);
      },
    };
  }

  #attempt(url: string, body: Uint8Array, attemptsLeft: number, intervalS: number): void {
    const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
    if (scheme !== "http" && scheme !== "https" && scheme !== "ftp") {
      this.#done(false, `${scheme} uploads are not supported`);
      return;
    }
    const run = this.#run;
    this.#o.http.put(url, body, { caCertificates: this.#o.caCertificates, headers: { "content-type": "text/plain; charset=utf-8" } }).then(
      (result) => {
        if (run !== this.#run) {
          this.#o.log.info(`canceled diagnostics upload answered HTTP ${result.status}: dropped`);
          return;
        }
        if (result.status >= 200 && result.status <= 299) this.#done(true, `${result.bytes} bytes`);
        else this.#retry(url, body, attemptsLeft - 1, intervalS, `HTTP status ${result.status}`);
      },
      (error: Error) => {
        if (run !== this.#run) {
          this.#o.log.info(`canceled diagnostics upload failed (${error.message}): dropped`);
          return;
        }
        // A URL the client cannot use does not get better with retries.
        if (error instanceof HttpError && error.code === "bad-url") this.#done(false, error.message);
        else this.#retry(url, body, attemptsLeft - 1, intervalS, error.message);
      },
    );
  }

  #retry(url: string, body: Uint8Array, attemptsLeft: number, intervalS: number, reason: string): void {
    this.#o.log.warn(`diagnostics upload failed: ${reason}; ${attemptsLeft} attempts left`);
    if (attemptsLeft <= 0) {
      this.#done(false, reason);
      return;
    }
    this.#timer = this.#o.timers.once(() => {
      this.#timer = undefined;
      this.#attempt(url, body, attemptsLeft, intervalS);
    }, intervalS * 1000);
  }

  #done(ok: boolean, detail: string): void {
    this.#uploading = false;
    this.#o.log.info(`diagnostics upload ${ok ? "done" : "failed"}: ${detail}`);
    this.#notify(ok ? "Uploaded" : "UploadFailed");
  }

  #notify(status: DiagnosticsStatus, triggered = false): void {
    this.#o.reportStatus(status, triggered);
  }
}
