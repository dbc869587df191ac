/**
 * Heartbeat [SPEC 4.6]: sent after HeartbeatInterval s without any exchange
 * (./registration-service.ts arms it) or when triggered; its currentTime sets the
 * clock.
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { Clock } from "ports/clock";
import type { HeartbeatConf } from "ocpp/generated/ocpp16";
import { setClockFromCsms } from "./timestamps";

/** The periodic Heartbeat: pointless while offline. */
export const HEARTBEAT_CALL: CallOptions = Object.freeze({ failWhenOffline: true });
/** A triggered Heartbeat [SPEC 5.17]: also before BootNotification was Accepted. */
export const TRIGGERED_HEARTBEAT_CALL: CallOptions = Object.freeze({ beforeAccepted: true });

/** Sends a Heartbeat and sets the clock from its answer; a failure goes to `onFailed` (the promise never rejects). */
export function sendHeartbeat(
  engine: Pick<OcppEngine, "call">,
  clock: Pick<Clock, "setUtc">,
  options: CallOptions,
  onFailed: (error: Error) => void,
): Promise<void> {
  return engine.call("Heartbeat", {}, options).then((conf) => applyHeartbeatResult(conf, clock), onFailed);
}

export function applyHeartbeatResult(conf: HeartbeatConf, clock: Pick<Clock, "setUtc">): void {
  setClockFromCsms(clock, conf.currentTime);
}
