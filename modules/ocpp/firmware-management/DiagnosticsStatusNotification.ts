/**
 * DiagnosticsStatusNotification [SPEC 4.4, 5.9]: Uploading → Uploaded |
 * UploadFailed for a GetDiagnostics upload (./diagnostics-service.ts); Idle
 * only in answer to a TriggerMessage when nothing is uploading.
 */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { Logger } from "ports/log";
import type { DiagnosticsStatusNotificationReq } from "ocpp/generated/ocpp16";

export type DiagnosticsStatus = DiagnosticsStatusNotificationReq["status"];

/** `triggered`: the answer to a TriggerMessage, allowed before BootNotification was Accepted. A failure is logged. */
export function sendDiagnosticsStatusNotification(
  engine: Pick<OcppEngine, "call">,
  status: DiagnosticsStatus,
  triggered: boolean,
  log: Logger,
): void {
  engine.call("DiagnosticsStatusNotification", { status }, { beforeAccepted: triggered }).catch((error: Error) => {
    log.warn(`DiagnosticsStatusNotification ${status} failed: ${error.message}`);
  });
}
