/**
 * StatusNotification [SPEC 4.9, ERR 3.19]: one connector's status (0 = the
 * charge point), error code and info, stamped with the time of the change
 * (or now) while the clock is set. When each goes out is ./status-service.ts.
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { StatusNotificationConf, StatusNotificationReq } from "ocpp/generated/ocpp16";
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";
import type { TimeKeeper } from "./timestamps";

/**
 * Statuses share the transaction messages' lane of the engine's queue (`priority`), first in first
 * out: a StopTransaction journaled after a Charging was queued must not overtake it (chaos seed 5089).
 */
export const ORDERED_STATUS_CALL: CallOptions = Object.freeze({ priority: true });
/** A triggered StatusNotification [SPEC 5.17]: also before BootNotification was Accepted. */
export const TRIGGERED_STATUS_CALL: CallOptions = Object.freeze({ beforeAccepted: true, priority: true });

/** `changedAtUtc`: when the status changed (UTC ms); without it, now when the clock is set, else no timestamp. */
export function buildStatusNotificationRequest(
  connectorId: number,
  status: ConnectorStatus,
  errorCode: ConnectorErrorCode,
  info: string | undefined,
  changedAtUtc: number | undefined,
  time: TimeKeeper,
): StatusNotificationReq {
  const request: StatusNotificationReq = { connectorId, errorCode, status };
  if (info !== undefined) request.info = info.slice(0, 50);
  const stamp = changedAtUtc ?? (time.clock.isSynced() ? time.clock.utcMs() : undefined);
  const iso = stamp === undefined ? undefined : time.iso({ u: stamp });
  if (iso !== undefined) request.timestamp = iso;
  return request;
}

export function sendStatusNotification(
  engine: Pick<OcppEngine, "call">,
  request: StatusNotificationReq,
  options?: CallOptions,
): Promise<StatusNotificationConf> {
  return engine.call("StatusNotification", request, options);
}
