/**
 * The platform as the firmware uses it: the same ports, with timers that
 * remember what they scheduled so that `stop()` ends every one of them.
 * Every member of `Platform` must be passed on here (a new port included).
 */
import type { Platform } from "ports/platform";
import { TrackedTimers } from "boot/tracked-timers";

export interface TrackedPlatform {
  readonly platform: Platform;
  readonly timers: TrackedTimers;
}

export function withTrackedTimers(base: Platform): TrackedPlatform {
  const timers = new TrackedTimers(base.timers);
  const platform: Platform = {
    clock: base.clock,
    timers,
    loopDriver: base.loopDriver,
    kv: base.kv,
    openFlash: (name) => base.openFlash(name),
    websocket: base.websocket,
    log: base.log,
    http: base.http,
    firmwareSlot: base.firmwareSlot,
    tcp: base.tcp,
    randomBytes: base.randomBytes ? (length) => base.randomBytes!(length) : undefined,
  };
  return { platform, timers };
}
