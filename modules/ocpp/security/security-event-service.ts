/**
 * Security events [SEC A04, §8; reference §2.8]: every event goes to the
 * security log (a FlashRing on its own partition "seclog", rolling), and is
 * sent with SecurityEventNotification. The white paper requires only the
 * critical ones to be pushed, but OCTT TC_077/078 expect the non-critical
 * InvalidChargePointCertificate / InvalidCentralSystemCertificate too, so
 * all are sent. Delivery is guaranteed: events wait for BootNotification
 * Accepted (the clock is set then, so events of this boot get real times),
 * the engine queues them while offline, and the highest sequence number
 * delivered in order is kept in NVS, so what a power cut interrupted is sent
 * again from the log at the next boot.
 *
 * Log line: `<ISO time>[?] <type>[ <techInfo>]` ("?" marks a clock not set yet).
 * The message itself: ./SecurityEventNotification.ts.
 */
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { EventTime, TimeKeeper } from "ocpp/core/timestamps";
import { buildSecurityEventNotificationRequest, sendSecurityEventNotification } from "./SecurityEventNotification";

/** The white paper's event list; true = critical [SEC §8]. */
export const SECURITY_EVENTS = Object.freeze({
  FirmwareUpdated: true,
  FailedToAuthenticationAtCentralSystem: false,
  CentralSystemFailedToAuthentication: false,
  SettingSystemTime: true,
  StartupOfTheDevice: true,
  ResetOrReboot: true,
  SecurityLogWasCleared: true,
  ReconfigurationOfSecurityParameters: false,
  MemoryExhaustion: true,
  InvalidMessages: false,
  AttemptedReplayAttacks: false,
  TamperDetectionActivated: true,
  InvalidFirmwareSignature: false,
  InvalidFirmwareSigningCertificate: false,
  InvalidCentralSystemCertificate: false,
  InvalidChargePointCertificate: false,
  InvalidTLSVersion: false,
  InvalidTLSCipherSuite: false,
} as const);

export type SecurityEventType = keyof typeof SECURITY_EVENTS;

/** Where the log lines go: the FlashRing, or a RAM ring when the board has no partition for it. */
export interface SecurityLogStore {
  append(entry: string): void;
  forEach(visitor: (seq: number, entry: string) => void): void;
  readonly nextSeq: number;
}

/** A RAM stand-in for the ring (lost at reboot), bounded to `capacity` lines. */
export class MemorySecurityLog implements SecurityLogStore {
  readonly #lines: Array<{ seq: number; entry: string }> = [];
  readonly #capacity: number;
  #next = 1;
  constructor(capacity = 200) {
    this.#capacity = capacity;
  }
  get nextSeq(): number {
    return this.#next;
  }
  append(entry: string): void {
    this.#lines.push({ seq: this.#next++, entry });
    if (this.#lines.length > this.#capacity) this.#lines.shift();
  }
  forEach(visitor: (seq: number, entry: string) => void): void {
    for (let i = 0; i < this.#lines.length; i++) visitor(this.#lines[i].seq, this.#lines[i].entry);
  }
}

export interface SecurityEventServiceOptions {
  engine: Pick<OcppEngine, "call" | "accepted">;
  time: Pick<TimeKeeper, "now" | "iso" | "clock">;
  kv: KeyValueStore;
  log: Logger;
  store: SecurityLogStore;
}

const NAMESPACE = "secevent";
const DELIVERED = "delivered";
const TECH_INFO_MAX = 255;

interface Pending {
  seq: number;
  type: string;
  time: EventTime | undefined;
  iso: string;
  techInfo: string | undefined;
}

export class SecurityEventService {
  readonly #o: SecurityEventServiceOptions;
  /** Waiting for BootNotification Accepted. */
  readonly #waiting: Pending[] = [];
  /** Sent, answer not yet in (sequence numbers, ascending). */
  readonly #inFlight: number[] = [];
  #delivered: number;
  #highestDone = 0;

  constructor(options: SecurityEventServiceOptions) {
    this.#o = options;
    const stored = options.kv.get(NAMESPACE, DELIVERED);
    this.#delivered = typeof stored === "number" ? stored : 0;
    // A new (or cleared) partition restarts at 1: nothing stored can be newer than it.
    if (this.#delivered >= options.store.nextSeq) this.#delivered = options.store.nextSeq - 1;
    this.#highestDone = this.#delivered;
    this.#requeueUndelivered();
  }

  /**
   * Logs the event and sends it. techInfo must not carry secrets (A01.FR.12).
   * `nextBoot`: only logged now and sent after the next boot (ResetOrReboot
   * right before a restart: a frame on a socket about to die would be lost).
   */
  record(type: SecurityEventType, techInfo?: string, nextBoot = false): void {
    const time = this.#o.time.now();
    const synced = time.u !== undefined;
    const iso = new Date(this.#o.time.clock.utcMs()).toISOString();
    const info = techInfo === undefined ? undefined : techInfo.replace(/[\r\n]+/g, " ").slice(0, TECH_INFO_MAX);
    const seq = this.#o.store.nextSeq;
    try {
      this.#o.store.append(`${iso}${synced ? "" : "?"} ${type}${info === undefined ? "" : " " + info}`);
    } catch (error) {
      this.#o.log.error(`security log append failed: ${(error as Error).message}`);
    }
    this.#o.log.info(`security event ${type}${info === undefined ? "" : ": " + info}`);
    if (!nextBoot) this.#queue({ seq, type, time, iso, techInfo: info });
  }

  /** The security log as text lines, oldest first (for GetLog). */
  exportText(): string {
    let text = "";
    this.#o.store.forEach((_seq, entry) => {
      text += `${entry}\n`;
    });
    return text;
  }

  /** BootNotification was accepted: send what waited. */
  accepted(): void {
    const waiting = this.#waiting.splice(0);
    for (let i = 0; i < waiting.length; i++) this.#send(waiting[i]);
  }

  #queue(event: Pending): void {
    if (this.#o.engine.accepted) this.#send(event);
    else this.#waiting.push(event);
  }

  #send(event: Pending): void {
    let timestamp = event.iso;
    if (event.time !== undefined) {
      const utc = this.#o.time.iso(event.time);
      if (!utc.startsWith("1970")) timestamp = utc;
    }
    const request = buildSecurityEventNotificationRequest(event.type, timestamp, event.techInfo);
    this.#inFlight.push(event.seq);
    sendSecurityEventNotification(this.#o.engine, request).then(
      () => this.#done(event.seq),
      (error: Error) =>
        this.#o.log.warn(`SecurityEventNotification ${event.type} not delivered (sent again at the next boot): ${error.message}`),
    );
  }

  #done(seq: number): void {
    const index = this.#inFlight.indexOf(seq);
    if (index >= 0) this.#inFlight.splice(index, 1);
    if (seq > this.#highestDone) this.#highestDone = seq;
    // Delivered in order up to the oldest event still in flight.
    const upTo = this.#inFlight.length > 0 ? Math.min(this.#inFlight[0] - 1, this.#highestDone) : this.#highestDone;
    let oldestWaiting = Infinity;
    for (let i = 0; i < this.#waiting.length; i++) if (this.#waiting[i].seq < oldestWaiting) oldestWaiting = this.#waiting[i].seq;
    const delivered = Math.min(upTo, oldestWaiting - 1);
    if (delivered > this.#delivered) {
      this.#delivered = delivered;
      try {
        this.#o.kv.set(NAMESPACE, DELIVERED, delivered);
      } catch (error) {
        this.#o.log.warn(`security event mark not stored: ${(error as Error).message}`);
      }
    }
  }

  /** Events of earlier boots the log holds but the CSMS never confirmed. */
  #requeueUndelivered(): void {
    this.#o.store.forEach((seq, entry) => {
      if (seq <= this.#delivered) return;
      const match = /^(\S+?)\??\s(\S+)(?:\s(.*))?$/.exec(entry);
      if (!match || !(match[2] in SECURITY_EVENTS)) return;
      this.#waiting.push({ seq, type: match[2], time: undefined, iso: match[1], techInfo: match[3] });
    });
  }
}
