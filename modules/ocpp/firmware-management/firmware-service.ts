/**
 * UpdateFirmware [SPEC 5.19, reference §4.11]: wait for retrieveDate, then
 * Downloading → Downloaded (or DownloadFailed after `retries` retries
 * `retryInterval` s apart) → wait until no transaction runs → Installing →
 * image verified and set to boot → reboot → after the next BootNotification
 * Accepted: Installed. A failed verification gives InstallationFailed.
 *
 * Kept in the key-value store (NVS: key <= 15 chars, integers only) so a
 * reboot does not lose the outcome:
 * - `stage`: 1 = an update was planned or downloading (a reboot lost it:
 *   DownloadFailed is reported after the boot); 2 = the new image was set to
 *   boot (Installed is reported after the boot);
 * - `oldVer`: a 32-bit hash of the version that installed the image; when
 *   the same version boots again the new image did not take (InstallationFailed);
 * - `sigReq`: the requestId of a SignedUpdateFirmware [SEC L01] (absent for
 *   a plain UpdateFirmware): its statuses go out as
 *   SignedFirmwareStatusNotification with that requestId, Installed too.
 *
 * A signed update hashes the image chunk by chunk as it is written to the
 * slot (never whole in RAM) and after the download checks the signature
 * over the digest: SignatureVerified follows Downloaded, or InvalidSignature
 * ends it (the slot is dropped).
 *
 * Scheduling of a signed update [SEC L01]: DownloadScheduled goes out when
 * retrieveDateTime is still in the future (the download waits for it), and
 * InstallScheduled after SignatureVerified when installDateTime is in the
 * future (the install waits for it, then for the transactions to end). A
 * reboot while an install is scheduled loses the update (DownloadFailed after
 * the boot, like a reboot during the download).
 */
import type { Clock } from "ports/clock";
import type { Timers, TimerHandle } from "ports/timers";
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import type { HttpClient } from "ports/http";
import type { FirmwareSlot } from "ports/firmware-update";
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import { sendSignedFirmwareStatusNotification, type SignedFirmwareStatus } from "ocpp/security/SignedFirmwareStatusNotification";
import { parseIsoUtcMsLenient } from "util/iso8601";
import { Sha256 } from "util/sha256";
import { isFirmwareStatus, sendFirmwareStatusNotification, type FirmwareStatus } from "./FirmwareStatusNotification";

export type { FirmwareStatus } from "./FirmwareStatusNotification";
export type { SignedFirmwareStatus } from "ocpp/security/SignedFirmwareStatusNotification";

/** What makes an update a signed one (SignedUpdateFirmware) [SEC L01]. */
export interface SignedUpdate {
  requestId: number;
  /** True when the signature is good for the SHA-256 `digest` of the whole image. */
  verify(digest: Uint8Array): boolean;
  /** The signature did not match (the security event goes out from here). */
  onInvalidSignature(): void;
}

/** What the service needs from the rest of the charger. */
export interface FirmwareHost {
  /** True while any transaction runs (installing waits for none). */
  transactionsRunning(): boolean;
  /** Called whenever a transaction ended. */
  onTransactionEnded(listener: () => void): void;
  /** Restarts the charger into the new image. */
  reboot(): void;
}

export interface FirmwareServiceOptions {
  engine: Pick<OcppEngine, "call">;
  timers: Timers;
  clock: Pick<Clock, "utcMs">;
  kv: KeyValueStore;
  http: HttpClient;
  slot: FirmwareSlot;
  log: Logger;
  host: FirmwareHost;
  /** The running firmware's version (to tell after a reboot whether the new image runs). */
  firmwareVersion?: string;
  /** Retries when UpdateFirmware gives none (default 2). */
  defaultRetries?: number;
  /** Seconds between attempts when UpdateFirmware gives none (default 60). */
  defaultRetryIntervalS?: number;
  caCertificates?: string[];
}

export interface UpdateRequest {
  location: string;
  retrieveDate: string;
  /** SignedUpdateFirmware installDateTime: do not install before it. */
  installDate?: string;
  retries?: number;
  retryInterval?: number;
}

export const FIRMWARE_KV_NAMESPACE = "fwupdate";
const KEY_STAGE = "stage";
const KEY_OLD_VERSION = "oldVer";
const KEY_SIGNED_REQUEST = "sigReq";
const STAGE_PLANNED = 1;
const STAGE_SET_TO_BOOT = 2;
/** Long waits are re-checked at least this often (the wall clock may be set meanwhile). */
const MAX_WAIT_MS = 60 * 60 * 1000;
/** Most retries honoured, whatever the CSMS asks. */
const MAX_RETRIES = 10;

type Phase = "idle" | "scheduled" | "downloading" | "installScheduled" | "waitingForTransactions" | "installing";

/** FNV-1a of a string as a signed 32-bit integer (fits NVS). */
export function versionHash(version: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < version.length; i++) {
    hash ^= version.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

export class FirmwareService {
  readonly #o: FirmwareServiceOptions;
  #phase: Phase = "idle";
  /** Last status reported in this boot (for TriggerMessage). */
  #status: FirmwareStatus | SignedFirmwareStatus = "Idle";
  #timer: TimerHandle | undefined;
  #request: UpdateRequest | undefined;
  #signed: SignedUpdate | undefined;
  /** Digest of the image being downloaded (signed updates only). */
  #hash: Sha256 | undefined;
  #attemptsLeft = 0;
  #bootReported = false;
  /** Bumped by stop(): a download still in flight then belongs to a canceled update; its bytes and outcome are dropped (no retry). */
  #run = 0;

  constructor(options: FirmwareServiceOptions) {
    this.#o = options;
    options.host.onTransactionEnded(() => {
      if (this.#phase === "waitingForTransactions" && !options.host.transactionsRunning()) this.#install();
    });
  }

  /** Where the update is: "idle" when none. */
  get phase(): Phase {
    return this.#phase;
  }

  /** The status a triggered FirmwareStatusNotification carries: Idle unless busy [SPEC 4.5]. */
  triggeredStatus(): FirmwareStatus {
    switch (this.#phase) {
      case "downloading":
        return "Downloading";
      case "installScheduled":
      case "waitingForTransactions":
        return "Downloaded";
      case "installing":
        return "Installing";
      default:
        return "Idle";
    }
  }

  /** Sends FirmwareStatusNotification with the triggered status now. */
  sendTriggeredStatus(): void {
    void this.#notify(this.triggeredStatus(), { beforeAccepted: true });
  }

  /**
   * UpdateFirmware.req: plans the download (replacing a planned one). While a
   * download or install runs the new request is ignored (logged): one image at a time.
   * `signed`: a SignedUpdateFirmware (signature checked, Signed… notifications).
   */
  update(request: UpdateRequest, signed?: SignedUpdate): void {
    if (this.#phase !== "idle" && this.#phase !== "scheduled") {
      this.#o.log.warn(`UpdateFirmware ignored: an update is ${this.#phase}`);
      return;
    }
    this.#clearTimer();
    this.#signed = signed;
    if (signed) this.#kvSet(KEY_SIGNED_REQUEST, signed.requestId | 0);
    else this.#kvDelete(KEY_SIGNED_REQUEST);
    const retries = request.retries === undefined ? (this.#o.defaultRetries ?? 2) : Math.max(0, Math.min(MAX_RETRIES, request.retries));
    this.#request = request;
    this.#attemptsLeft = 1 + retries;
    this.#phase = "scheduled";
    this.#setStage(STAGE_PLANNED);
    this.#o.log.info(`firmware update from ${request.location} at ${request.retrieveDate}, ${retries} retries`);
    if (signed && this.#msUntil(request.retrieveDate) > 0) void this.#notify("DownloadScheduled");
    this.#waitForRetrieveDate();
  }

  /**
   * BootNotification was Accepted: reports the outcome of an update that
   * spanned a reboot (once per boot).
   */
  bootAccepted(): void {
    if (this.#bootReported) return;
    this.#bootReported = true;
    const stage = this.#o.kv.get(FIRMWARE_KV_NAMESPACE, KEY_STAGE);
    const signed = this.#o.kv.get(FIRMWARE_KV_NAMESPACE, KEY_SIGNED_REQUEST);
    const requestId = typeof signed === "number" ? signed : undefined;
    if (stage === STAGE_SET_TO_BOOT) {
      const old = this.#o.kv.get(FIRMWARE_KV_NAMESPACE, KEY_OLD_VERSION);
      const sameVersion = typeof old === "number" && this.#o.firmwareVersion !== undefined && versionHash(this.#o.firmwareVersion) === old;
      this.#clearStage();
      // Ahead of queued ordinary calls (the statuses of the boot): the outcome follows the boot [reference §4.11].
      void this.#notify(sameVersion ? "InstallationFailed" : "Installed", { priority: true }, requestId);
    } else if (stage === STAGE_PLANNED && this.#phase === "idle") {
      // Rebooted before the image was downloaded and set: that update is lost.
      this.#clearStage();
      void this.#notify("DownloadFailed", { priority: true }, requestId);
    }
  }

  #waitForRetrieveDate(): void {
    const request = this.#request;
    if (request === undefined) return;
    const waitMs = this.#msUntil(request.retrieveDate);
    if (waitMs <= 0) {
      this.#timer = this.#o.timers.once(() => {
        this.#timer = undefined;
        this.#startDownload();
      }, 0);
      return;
    }
    this.#timer = this.#o.timers.once(
      () => {
        this.#timer = undefined;
        this.#waitForRetrieveDate();
      },
      Math.min(waitMs, MAX_WAIT_MS),
    );
  }

  /** Milliseconds until an ISO date (0 or less: due; an unparsable date is due). */
  #msUntil(date: string | undefined): number {
    if (date === undefined) return 0;
    const due = parseIsoUtcMsLenient(date);
    return Number.isFinite(due) ? due - this.#o.clock.utcMs() : 0;
  }

  /** Waits for installDateTime (re-checked at least hourly: the wall clock may be set meanwhile). */
  #waitForInstallDate(): void {
    const waitMs = this.#msUntil(this.#request?.installDate);
    if (waitMs <= 0) {
      this.#phase = "waitingForTransactions";
      this.#installWhenNoTransaction();
      return;
    }
    this.#timer = this.#o.timers.once(
      () => {
        this.#timer = undefined;
        this.#waitForInstallDate();
      },
      Math.min(waitMs, MAX_WAIT_MS),
    );
  }

  #installWhenNoTransaction(): void {
    // Installing waits for running transactions to end [reference §4.11].
    if (!this.#o.host.transactionsRunning()) this.#install();
    else this.#o.log.info("firmware install waits for running transactions to end");
  }

  #startDownload(): void {
    this.#phase = "downloading";
    void this.#notify("Downloading");
    this.#attempt();
  }

  #attempt(): void {
    const request = this.#request;
    if (request === undefined) return;
    this.#attemptsLeft--;
    const slot = this.#o.slot;
    slot.abort();
    let begun = false;
    const run = this.#run;
    const sink = {
      start: (status: number, contentLength: number | undefined): void => {
        if (run !== this.#run || status < 200 || status > 299) return;
        slot.begin(contentLength);
        begun = true;
        this.#hash = this.#signed ? new Sha256() : undefined;
      },
      // A canceled download writes nothing more: the slot may already hold the next update's image.
      chunk: (bytes: Uint8Array): void => {
        if (run !== this.#run) return;
        slot.write(bytes);
        this.#hash?.update(bytes);
      },
    };
    this.#o.http.get(request.location, sink, { caCertificates: this.#o.caCertificates }).then(
      (result) => {
        if (run !== this.#run) {
          this.#o.log.info(`canceled firmware download answered HTTP ${result.status}: dropped`);
          return;
        }
        if (result.status < 200 || result.status > 299 || !begun) this.#attemptFailed(`HTTP status ${result.status}`);
        else this.#downloaded(result.bytes);
      },
      (error: Error) => {
        if (run !== this.#run) {
          this.#o.log.info(`canceled firmware download failed (${error.message}): dropped`);
          return;
        }
        this.#attemptFailed(error.message);
      },
    );
  }

  #attemptFailed(reason: string): void {
    this.#o.slot.abort();
    const request = this.#request;
    this.#o.log.warn(`firmware download failed: ${reason}; ${this.#attemptsLeft} attempts left`);
    if (this.#attemptsLeft <= 0 || request === undefined) {
      this.#finished("DownloadFailed");
      return;
    }
    const intervalS = request.retryInterval ?? this.#o.defaultRetryIntervalS ?? 60;
    this.#timer = this.#o.timers.once(
      () => {
        this.#timer = undefined;
        this.#attempt();
      },
      Math.max(0, intervalS) * 1000,
    );
  }

  #downloaded(bytes: number): void {
    this.#o.log.info(`firmware downloaded, ${bytes} bytes`);
    this.#phase = "waitingForTransactions";
    void this.#notify("Downloaded");
    const signed = this.#signed;
    const hash = this.#hash;
    this.#hash = undefined;
    if (signed) {
      if (hash === undefined || !signed.verify(hash.digest())) {
        this.#o.log.warn("firmware signature does not match the image: dropped");
        this.#o.slot.abort();
        signed.onInvalidSignature();
        this.#finished("InvalidSignature");
        return;
      }
      void this.#notify("SignatureVerified");
      // installDateTime in the future: InstallScheduled, then install at that time [SEC L01].
      if (this.#msUntil(this.#request?.installDate) > 0) {
        this.#phase = "installScheduled";
        this.#o.log.info(`firmware install scheduled at ${this.#request?.installDate}`);
        void this.#notify("InstallScheduled");
        this.#waitForInstallDate();
        return;
      }
    }
    this.#installWhenNoTransaction();
  }

  #install(): void {
    this.#phase = "installing";
    const installing = this.#notify("Installing");
    try {
      this.#o.slot.finish();
    } catch (error) {
      this.#o.log.error(`firmware install failed: ${(error as Error).message}`);
      this.#finished("InstallationFailed");
      return;
    }
    this.#setStage(STAGE_SET_TO_BOOT);
    if (this.#o.firmwareVersion !== undefined) this.#kvSet(KEY_OLD_VERSION, versionHash(this.#o.firmwareVersion));
    // Reboot once Installing went out (or failed to): the CSMS sees the sequence in order.
    void installing.then(() => this.#o.host.reboot()); // #notify never rejects
  }

  #finished(status: FirmwareStatus | SignedFirmwareStatus): void {
    const requestId = this.#signed?.requestId;
    this.#phase = "idle";
    this.#request = undefined;
    this.#signed = undefined;
    this.#clearStage();
    void this.#notify(status, {}, requestId);
  }

  /**
   * FirmwareStatusNotification, or SignedFirmwareStatusNotification with the
   * requestId of a signed update (the current one, or `requestId` given).
   */
  /** Never rejects (a failed notification is logged), so callers may leave the promise with `void`. */
  #notify(status: FirmwareStatus | SignedFirmwareStatus, options: CallOptions = {}, requestId = this.#signed?.requestId): Promise<void> {
    this.#status = status;
    if (requestId !== undefined) {
      return sendSignedFirmwareStatusNotification(this.#o.engine, status, requestId, options).then(
        () => undefined,
        (error: Error) => this.#o.log.warn(`SignedFirmwareStatusNotification ${status} failed: ${error.message}`),
      );
    }
    // The signed-only statuses (DownloadScheduled, SignatureVerified, ...) come with a requestId.
    if (!isFirmwareStatus(status)) {
      this.#o.log.error(`FirmwareStatusNotification has no status ${status}: not sent`);
      return Promise.resolve();
    }
    return sendFirmwareStatusNotification(this.#o.engine, status, options).then(
      () => undefined,
      (error: Error) => this.#o.log.warn(`FirmwareStatusNotification ${status} failed: ${error.message}`),
    );
  }

  /** Sends SignedFirmwareStatusNotification with the triggered status (ExtendedTriggerMessage) [SEC L01]. */
  sendTriggeredSignedStatus(): void {
    const status = this.#triggeredSignedStatus();
    const requestId = status === "Idle" ? undefined : this.#signed?.requestId;
    sendSignedFirmwareStatusNotification(this.#o.engine, status, requestId, { beforeAccepted: true }).then(
      () => undefined,
      (error: Error) => this.#o.log.warn(`SignedFirmwareStatusNotification ${status} failed: ${error.message}`),
    );
  }

  #triggeredSignedStatus(): SignedFirmwareStatus {
    if (this.#signed !== undefined && this.#phase === "scheduled") return "DownloadScheduled";
    if (this.#phase === "installScheduled") return "InstallScheduled";
    return this.triggeredStatus();
  }

  /**
   * Cancels a planned or running update before its install, for a new
   * SignedUpdateFirmware (AcceptedCanceled); false when there was none.
   */
  cancelForNewRequest(): boolean {
    if (
      this.#phase !== "scheduled" &&
      this.#phase !== "downloading" &&
      this.#phase !== "installScheduled" &&
      this.#phase !== "waitingForTransactions"
    )
      return false;
    this.#o.log.info(`firmware update ${this.#phase} canceled by a new request`);
    this.stop();
    this.#signed = undefined;
    this.#hash = undefined;
    return true;
  }

  /** Last status sent in this boot. */
  get lastStatus(): FirmwareStatus | SignedFirmwareStatus {
    return this.#status;
  }

  /**
   * Cancels the update up to its install (shutdown): a waiting retrieveDate or retry, a download
   * in flight (its outcome is dropped, no retry follows) or a downloaded image waiting for the
   * transactions to end. The persisted stage stays: the next boot reports DownloadFailed.
   * An install already under way (image set to boot) is left to finish.
   */
  stop(): void {
    this.#run++;
    this.#clearTimer();
    if (
      this.#phase === "scheduled" ||
      this.#phase === "downloading" ||
      this.#phase === "installScheduled" ||
      this.#phase === "waitingForTransactions"
    ) {
      this.#o.slot.abort();
      this.#phase = "idle";
      this.#request = undefined;
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
  }

  #setStage(stage: number): void {
    this.#kvSet(KEY_STAGE, stage);
  }

  #clearStage(): void {
    try {
      this.#o.kv.delete(FIRMWARE_KV_NAMESPACE, KEY_STAGE);
      this.#o.kv.delete(FIRMWARE_KV_NAMESPACE, KEY_OLD_VERSION);
      this.#o.kv.delete(FIRMWARE_KV_NAMESPACE, KEY_SIGNED_REQUEST);
    } catch (error) {
      this.#o.log.warn(`firmware state not cleared: ${(error as Error).message}`);
    }
  }

  #kvDelete(key: string): void {
    try {
      this.#o.kv.delete(FIRMWARE_KV_NAMESPACE, key);
    } catch (error) {
      this.#o.log.warn(`firmware state not cleared: ${(error as Error).message}`);
    }
  }

  #kvSet(key: string, value: number): void {
    try {
      this.#o.kv.set(FIRMWARE_KV_NAMESPACE, key, value);
    } catch (error) {
      this.#o.log.warn(`firmware state not saved: ${(error as Error).message}`);
    }
  }
}
