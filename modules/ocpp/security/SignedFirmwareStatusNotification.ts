/**
 * SignedFirmwareStatusNotification [SEC L01]: the steps of a
 * SignedUpdateFirmware with its requestId (FirmwareStatusNotification's
 * statuses plus DownloadScheduled, SignatureVerified, InvalidSignature,
 * InstallScheduled, ...), sent by the FirmwareService
 * (ocpp/firmware-management/firmware-service.ts); Idle without requestId when triggered
 * with nothing under way.
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { SignedFirmwareStatusNotificationConf, SignedFirmwareStatusNotificationReq } from "ocpp/generated/ocpp16";

export type SignedFirmwareStatus = SignedFirmwareStatusNotificationReq["status"];

export function sendSignedFirmwareStatusNotification(
  engine: Pick<OcppEngine, "call">,
  status: SignedFirmwareStatus,
  requestId: number | undefined,
  options?: CallOptions,
): Promise<SignedFirmwareStatusNotificationConf> {
  const request: SignedFirmwareStatusNotificationReq = requestId === undefined ? { status } : { status, requestId };
  return engine.call("SignedFirmwareStatusNotification", request, options);
}
