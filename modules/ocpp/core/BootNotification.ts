/**
 * BootNotification [SPEC 4.2, J 5.4]: the first message of a connection
 * (and of a TriggerMessage before Accepted), alone: ahead of the queue,
 * allowed before Accepted, failed at once while offline. What the answer
 * sets is here; the registration state machine that sends it again is
 * ./registration-service.ts.
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { Clock } from "ports/clock";
import type { BootNotificationConf, BootNotificationReq } from "ocpp/generated/ocpp16";
import type { ConfigurationRegistry } from "./configuration";
import { setClockFromCsms } from "./timestamps";

/** Retry delay after a BootNotification without usable answer, or interval 0. */
export const BOOT_RETRY_DEFAULT_S = 30;

const BOOT_CALL: CallOptions = Object.freeze({ beforeAccepted: true, priority: true, failWhenOffline: true });
/** A BootNotification triggered [SPEC 5.17] without the registration service (it waits while offline). */
export const TRIGGERED_BOOT_CALL: CallOptions = Object.freeze({ beforeAccepted: true, priority: true });

export function sendBootNotification(
  engine: Pick<OcppEngine, "call">,
  request: BootNotificationReq,
  options: CallOptions = BOOT_CALL,
): Promise<BootNotificationConf> {
  return engine.call("BootNotification", request, options);
}

/**
 * BootNotification.conf: currentTime sets the clock. Accepted →
 * HeartbeatInterval := interval (when above 0), CS calls answered and
 * ordinary calls released; Pending → CS calls answered; Rejected → CS calls
 * unanswered until the next BootNotification [SPEC 4.2]. Returns the seconds
 * before that next BootNotification (not Accepted): interval, or
 * BOOT_RETRY_DEFAULT_S when it is 0.
 */
export function applyBootNotificationResult(
  conf: BootNotificationConf,
  engine: Pick<OcppEngine, "setAnswerInbound" | "setAccepted">,
  config: Pick<ConfigurationRegistry, "setLocal">,
  clock: Pick<Clock, "setUtc">,
): number {
  setClockFromCsms(clock, conf.currentTime);
  if (conf.status === "Accepted") {
    engine.setAnswerInbound(true);
    if (conf.interval > 0) config.setLocal("HeartbeatInterval", conf.interval);
    engine.setAccepted(true);
  } else engine.setAnswerInbound(conf.status === "Pending");
  return conf.interval > 0 ? conf.interval : BOOT_RETRY_DEFAULT_S;
}
