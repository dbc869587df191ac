/**
 * Registration and heartbeat [SPEC 4.2, 4.6]: BootNotification first and
 * alone; Accepted → HeartbeatInterval := interval, clock set, traffic
 * released; Pending → CS calls answered, BootNotification again after
 * interval; Rejected → silence (CS calls unanswered) until interval passed.
 * Heartbeat after HeartbeatInterval s without any exchange; its
 * currentTime sets the clock. The messages themselves: ./BootNotification.ts
 * and ./Heartbeat.ts.
 */
import type { CoreServicePorts } from "./context";
import type { TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { BootNotificationConf, BootNotificationReq } from "ocpp/generated/ocpp16";
import { BOOT_RETRY_DEFAULT_S, applyBootNotificationResult, sendBootNotification } from "./BootNotification";
import { HEARTBEAT_CALL, sendHeartbeat } from "./Heartbeat";

export type RegistrationStatus = BootNotificationConf["status"] | "Unknown";

export class RegistrationService {
  readonly #ports: CoreServicePorts;
  readonly #log: Logger;
  readonly #bootRequest: BootNotificationReq;
  #status: RegistrationStatus = "Unknown";
  #retryTimer: TimerHandle | undefined;
  #heartbeatTimer: TimerHandle | undefined;
  #lastActivityMs = 0;
  #inFlight = false;
  #acceptedListeners: Array<() => void> = [];

  constructor(options: { ports: CoreServicePorts; log: Logger; bootRequest: BootNotificationReq }) {
    this.#ports = options.ports;
    this.#log = options.log;
    this.#bootRequest = options.bootRequest;
    this.#ports.engine.onActivity(() => {
      this.#lastActivityMs = this.#ports.time.clock.monotonicMs();
    });
    this.#ports.config.onChange("HeartbeatInterval", () => this.#armHeartbeat());
  }

  get status(): RegistrationStatus {
    return this.#status;
  }

  /**
   * Runs each time BootNotification gets Accepted. `first` puts the listener
   * ahead of those registered so far (a profile whose report must precede the
   * boot's StatusNotifications, e.g. FirmwareStatusNotification Installed).
   */
  onAccepted(listener: () => void, options?: { first?: boolean }): void {
    if (options?.first) this.#acceptedListeners.unshift(listener);
    else this.#acceptedListeners.push(listener);
  }

  /**
   * Sends BootNotification now (TriggerMessage) through this service, so its
   * answer is handled like any other; ignored while one is in flight or offline.
   */
  bootNow(): void {
    this.#sendBoot();
  }

  /** The connection opened: BootNotification unless already Accepted in this boot [J 5.4]. */
  connected(): void {
    if (this.#status === "Accepted") {
      this.#armHeartbeat();
      return;
    }
    if (this.#status === "Rejected" && this.#retryTimer !== undefined) return; // wait for interval
    this.#sendBoot();
  }

  disconnected(): void {
    if (this.#heartbeatTimer !== undefined) this.#ports.timers.clear(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
  }

  #sendBoot(): void {
    if (this.#inFlight || !this.#ports.engine.online) return;
    if (this.#retryTimer !== undefined) this.#ports.timers.clear(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#inFlight = true;
    sendBootNotification(this.#ports.engine, this.#bootRequest).then(
      (conf) => {
        this.#inFlight = false;
        this.#handleConf(conf);
      },
      (error: Error) => {
        this.#inFlight = false;
        this.#log.warn(`BootNotification failed: ${error.message}`);
        this.#retryBoot(BOOT_RETRY_DEFAULT_S);
      },
    );
  }

  #handleConf(conf: BootNotificationConf): void {
    this.#status = conf.status;
    this.#log.info(`BootNotification ${conf.status}, interval ${conf.interval}`);
    const retryS = applyBootNotificationResult(conf, this.#ports.engine, this.#ports.config, this.#ports.time.clock);
    if (conf.status === "Accepted") {
      this.#armHeartbeat();
      for (const listener of this.#acceptedListeners) listener();
      return;
    }
    // Rejected: no answers to CS calls until then [SPEC 4.2]; Pending: answered meanwhile.
    this.#retryBoot(retryS);
  }

  #retryBoot(seconds: number): void {
    if (this.#retryTimer !== undefined) this.#ports.timers.clear(this.#retryTimer);
    this.#retryTimer = this.#ports.timers.once(() => {
      this.#retryTimer = undefined;
      this.#ports.engine.setAnswerInbound(true);
      this.#sendBoot();
    }, seconds * 1000);
  }

  /** `afterMs`: wait this long instead of until HeartbeatInterval after the last activity. */
  #armHeartbeat(afterMs?: number): void {
    if (this.#heartbeatTimer !== undefined) this.#ports.timers.clear(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    const intervalS = this.#ports.config.int("HeartbeatInterval");
    if (this.#status !== "Accepted" || intervalS <= 0 || !this.#ports.engine.online) return;
    const idleMs = this.#ports.time.clock.monotonicMs() - this.#lastActivityMs;
    const dueMs = afterMs ?? Math.max(0, intervalS * 1000 - idleMs);
    this.#heartbeatTimer = this.#ports.timers.once(() => {
      this.#heartbeatTimer = undefined;
      const idle = this.#ports.time.clock.monotonicMs() - this.#lastActivityMs;
      if (idle < intervalS * 1000) {
        this.#armHeartbeat();
        return;
      }
      void this.heartbeat(); // never rejects: failures are logged
      // The Heartbeat may wait behind an unanswered CALL, so no activity yet: re-arming from the
      // last activity would fire again at once, in a loop (found by the fuzzer). A whole interval.
      this.#armHeartbeat(intervalS * 1000);
    }, dueMs);
  }

  /** Sends a Heartbeat now and syncs the clock from its answer. */
  heartbeat(): Promise<void> {
    return sendHeartbeat(this.#ports.engine, this.#ports.time.clock, HEARTBEAT_CALL, (error) =>
      this.#log.warn(`Heartbeat failed: ${error.message}`),
    );
  }
}
