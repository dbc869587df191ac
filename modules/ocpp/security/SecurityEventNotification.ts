/**
 * SecurityEventNotification [SEC A04, §8]: one event of the security log
 * (./security-event-service.ts keeps the log, the order and what was delivered).
 * The answer carries nothing; its arrival is the delivery.
 */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { SecurityEventNotificationConf, SecurityEventNotificationReq } from "ocpp/generated/ocpp16";

export function buildSecurityEventNotificationRequest(
  type: string,
  timestamp: string,
  techInfo: string | undefined,
): SecurityEventNotificationReq {
  const request: SecurityEventNotificationReq = { type, timestamp };
  if (techInfo !== undefined && techInfo !== "") request.techInfo = techInfo;
  return request;
}

export function sendSecurityEventNotification(
  engine: Pick<OcppEngine, "call">,
  request: SecurityEventNotificationReq,
): Promise<SecurityEventNotificationConf> {
  return engine.call("SecurityEventNotification", request);
}
