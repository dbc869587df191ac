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
 *
 * Times of events logged before the clock was set: within the boot they are
 * converted once the clock is set (TimeKeeper). For an event that is only
 * sent at a later boot (a power cut before the CSMS confirmed it), the
 * correction of its boot is kept in NVS when the clock gets set ("timefix":
 * the range of sequence numbers and the milliseconds to add to their logged
 * time). An event of a boot that never had the time is sent with the time
 * it is sent, and its techInfo says so: never dated 1970 [SPEC 4.2.1].
 */
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import type { OcppEngine } from "ocpp/rpc/engine";
import { isoOf, type EventTime, type TimeKeeper } from "ocpp/core/timestamps";
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
  time: Pick<TimeKeeper, "now" | "iso" | "nowIso" | "clock">;
  kv: KeyValueStore;
  log: Logger;
  store: SecurityLogStore;
}

const NAMESPACE = "secevent";
const DELIVERED = "delivered";
/** "<from>:<to>:<ms>;…": events from..to were logged with a clock that was `ms` behind UTC. */
const TIME_FIXES = "timefix";
/** Time fixes kept (one per boot that logged events before its clock was set). */
const MAX_TIME_FIXES = 8;
const TECH_INFO_MAX = 255;
const TIME_UNKNOWN_NOTE = " (logged before the clock was set: sent with the time of sending)";

interface Pending {
  seq: number;
  type: string;
  time: EventTime | undefined;
  iso: string;
  techInfo: string | undefined;
  /** Logged at an earlier boot that never had the time: its time is not known. */
  timeUnknown: boolean;
}

/** Events `from`..`to` were logged with a clock `addMs` behind UTC. */
interface TimeFix {
  from: number;
  to: number;
  addMs: number;
}

function parseTimeFixes(stored: unknown): TimeFix[] {
  const fixes: TimeFix[] = [];
  if (typeof stored !== "string") return fixes;
  for (const part of stored.split(";")) {
    const fields = part.split(":");
    const from = Number(fields[0]);
    const to = Number(fields[1]);
    const addMs = Number(fields[2]);
    if (fields.length === 3 && Number.isInteger(from) && Number.isInteger(to) && Number.isFinite(addMs)) fixes.push({ from, to, addMs });
  }
  return fixes;
}

export class SecurityEventService {
  readonly #o: SecurityEventServiceOptions;
  /** Waiting for BootNotification Accepted. */
  readonly #waiting: Pending[] = [];
  /** Sent, answer not yet in (sequence numbers, ascending). */
  readonly #inFlight: number[] = [];
  #delivered: number;
  #highestDone = 0;
  /** Events of this boot logged before the clock was set: their sequence numbers, and the clock's UTC − monotonic then. */
  #unsyncedFrom = 0;
  #unsyncedTo = -1;
  #unsyncedOffsetMs = 0;

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
    if (!synced) {
      if (this.#unsyncedTo < this.#unsyncedFrom) {
        this.#unsyncedFrom = seq;
        this.#unsyncedOffsetMs = this.#o.time.clock.utcMs() - this.#o.time.clock.monotonicMs();
      }
      this.#unsyncedTo = seq;
    }
    try {
      this.#o.store.append(`${iso}${synced ? "" : "?"} ${type}${info === undefined ? "" : " " + info}`);
    } catch (error) {
      this.#o.log.error(`security log append failed: ${(error as Error).message}`);
    }
    this.#o.log.info(`security event ${type}${info === undefined ? "" : ": " + info}`);
    if (!nextBoot) this.#queue({ seq, type, time, iso, techInfo: info, timeUnknown: false });
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
    this.#keepTimeFix();
    const waiting = this.#waiting.splice(0);
    for (let i = 0; i < waiting.length; i++) this.#send(waiting[i]);
  }

  #queue(event: Pending): void {
    if (this.#o.engine.accepted) this.#send(event);
    else this.#waiting.push(event);
  }

  #send(event: Pending): void {
    let timestamp = event.iso;
    let techInfo = event.techInfo;
    if (event.time !== undefined) {
      const utc = this.#o.time.iso(event.time);
      if (!utc.startsWith("1970")) timestamp = utc;
    } else if (event.timeUnknown) {
      timestamp = this.#o.time.nowIso() ?? timestamp;
      techInfo = ((techInfo ?? "") + TIME_UNKNOWN_NOTE).slice(0, TECH_INFO_MAX);
    }
    const request = buildSecurityEventNotificationRequest(event.type, timestamp, techInfo);
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

  /**
   * Once the clock is set: how far behind UTC this boot's events logged before were, kept in NVS
   * for those still unconfirmed should they be sent at a later boot. Fixes of delivered events go.
   */
  #keepTimeFix(): void {
    const clock = this.#o.time.clock;
    if (this.#unsyncedTo < this.#unsyncedFrom || !clock.isSynced()) return;
    const fix: TimeFix = {
      from: this.#unsyncedFrom,
      to: this.#unsyncedTo,
      addMs: clock.utcMs() - clock.monotonicMs() - this.#unsyncedOffsetMs,
    };
    this.#unsyncedTo = this.#unsyncedFrom - 1; // kept once: this boot logs real times from now on
    const fixes = this.#pendingTimeFixes();
    fixes.push(fix);
    this.#storeTimeFixes(fixes.slice(-MAX_TIME_FIXES));
  }

  /** The stored time fixes of events not yet delivered. */
  #pendingTimeFixes(): TimeFix[] {
    return parseTimeFixes(this.#o.kv.get(NAMESPACE, TIME_FIXES)).filter((fix) => fix.to > this.#delivered);
  }

  #storeTimeFixes(fixes: readonly TimeFix[]): void {
    const text = fixes.map((fix) => `${fix.from}:${fix.to}:${fix.addMs}`).join(";");
    try {
      if (text === "") this.#o.kv.delete(NAMESPACE, TIME_FIXES);
      else this.#o.kv.set(NAMESPACE, TIME_FIXES, text);
    } catch (error) {
      this.#o.log.warn(`security event time fix not stored: ${(error as Error).message}`);
    }
  }

  /** Events of earlier boots the log holds but the CSMS never confirmed. */
  #requeueUndelivered(): void {
    const fixes = this.#pendingTimeFixes();
    // Every event they fix was delivered: the stored fixes go.
    if (fixes.length === 0 && this.#o.kv.get(NAMESPACE, TIME_FIXES) !== undefined) this.#storeTimeFixes(fixes);
    this.#o.store.forEach((seq, entry) => {
      if (seq <= this.#delivered) return;
      const match = /^(\S+?)(\?)?\s(\S+)(?:\s(.*))?$/.exec(entry);
      if (!match || !(match[3] in SECURITY_EVENTS)) return;
      let iso = match[1];
      let timeUnknown = match[2] === "?";
      if (timeUnknown) {
        const fix = fixes.find((f) => seq >= f.from && seq <= f.to);
        const loggedMs = Date.parse(iso);
        if (fix && Number.isFinite(loggedMs)) {
          iso = isoOf(loggedMs + fix.addMs);
          timeUnknown = false;
        }
      }
      this.#waiting.push({ seq, type: match[3], time: undefined, iso, techInfo: match[4], timeUnknown });
    });
  }
}
