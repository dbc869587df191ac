/**
 * FirmwareStatusNotification [SPEC 4.5, 5.19]: the steps of an
 * UpdateFirmware (./firmware-service.ts), Installed or InstallationFailed
 * after the reboot, Idle unless busy when triggered. A signed update reports
 * with SignedFirmwareStatusNotification instead (ocpp/security).
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { FirmwareStatusNotificationConf, FirmwareStatusNotificationReq } from "ocpp/generated/ocpp16";

export type FirmwareStatus = FirmwareStatusNotificationReq["status"];

const FIRMWARE_STATUSES: readonly FirmwareStatus[] = Object.freeze([
  "Downloaded",
  "DownloadFailed",
  "Downloading",
  "Idle",
  "InstallationFailed",
  "Installing",
  "Installed",
]);

/** True for the statuses FirmwareStatusNotification knows (the signed one knows more). */
export function isFirmwareStatus(status: string): status is FirmwareStatus {
  return (FIRMWARE_STATUSES as readonly string[]).indexOf(status) >= 0;
}

export function sendFirmwareStatusNotification(
  engine: Pick<OcppEngine, "call">,
  status: FirmwareStatus,
  options?: CallOptions,
): Promise<FirmwareStatusNotificationConf> {
  return engine.call("FirmwareStatusNotification", { status }, options);
}
