/**
 * LogStatusNotification [SEC N01]: the state of a GetLog upload with its
 * requestId, the DiagnosticsService's statuses renamed (UploadFailed →
 * UploadFailure); Idle without requestId when triggered with nothing
 * uploading (ExtendedTriggerMessage).
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { LogStatusNotificationConf, LogStatusNotificationReq } from "ocpp/generated/ocpp16";
import type { DiagnosticsStatus } from "ocpp/firmware-management/DiagnosticsStatusNotification";

export type LogStatus = LogStatusNotificationReq["status"];

/** A triggered LogStatusNotification: also before BootNotification was Accepted. */
export const TRIGGERED_LOG_STATUS_CALL: CallOptions = Object.freeze({ beforeAccepted: true });

/** The LogStatus of an upload status of the DiagnosticsService. */
export function logStatusOf(status: DiagnosticsStatus): LogStatus {
  return status === "UploadFailed" ? "UploadFailure" : status;
}

export function sendLogStatusNotification(
  engine: Pick<OcppEngine, "call">,
  status: LogStatus,
  requestId: number | undefined,
  options?: CallOptions,
): Promise<LogStatusNotificationConf> {
  const request: LogStatusNotificationReq = requestId === undefined ? { status } : { status, requestId };
  return engine.call("LogStatusNotification", request, options);
}
