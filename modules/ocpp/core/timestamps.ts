/**
 * Timestamps that never pass an unsynced clock off as real [SPEC 4.2.1]:
 * an event is stamped with UTC when the clock is synced, else with the
 * monotonic time and the boot number; it is resolved to UTC when the clock
 * gets synced in the same boot. An event of an earlier boot that never got
 * a real time is sent as 1970-01-01T00:00:00Z: visibly not a real time.
 */
import type { Clock } from "ports/clock";
import { formatIsoUtc, parseIsoUtcMsLenient } from "util/iso8601";

/** `u`: UTC ms; or `m` monotonic ms + `b` boot number. */
export interface EventTime {
  u?: number;
  m?: number;
  b?: number;
}

export const UNKNOWN_TIME_ISO = "1970-01-01T00:00:00Z";

export class TimeKeeper {
  readonly clock: Clock;
  readonly bootNumber: number;

  constructor(clock: Clock, bootNumber: number) {
    this.clock = clock;
    this.bootNumber = bootNumber;
  }

  now(): EventTime {
    if (this.clock.isSynced()) return { u: this.clock.utcMs() };
    return { m: this.clock.monotonicMs(), b: this.bootNumber };
  }

  /** UTC ms of an event time, or undefined when unknown (yet). */
  utcOf(time: EventTime): number | undefined {
    if (time.u !== undefined) return time.u;
    if (time.b === this.bootNumber && time.m !== undefined && this.clock.isSynced()) {
      return this.clock.utcMs() - (this.clock.monotonicMs() - time.m);
    }
    return undefined;
  }

  iso(time: EventTime): string {
    const utc = this.utcOf(time);
    return utc === undefined ? UNKNOWN_TIME_ISO : isoOf(utc);
  }

  nowIso(): string | undefined {
    return this.clock.isSynced() ? isoOf(this.clock.utcMs()) : undefined;
  }
}

/** ISO 8601 UTC with a Z, whole seconds dropped of insignificant milliseconds. */
export function isoOf(utcMs: number): string {
  return formatIsoUtc(Math.round(utcMs));
}

/** The CSMS's currentTime (BootNotification.conf, Heartbeat.conf) sets the wall clock; an unreadable one is ignored. */
export function setClockFromCsms(clock: Pick<Clock, "setUtc">, currentTime: string): void {
  const utc = parseIsoUtcMsLenient(currentTime);
  if (Number.isFinite(utc)) clock.setUtc(utc, "ocpp");
}
