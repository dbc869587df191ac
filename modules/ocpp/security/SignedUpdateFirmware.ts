/**
 * SignedUpdateFirmware.req [SEC L01, OCTT TC_080/081]: the signing
 * certificate must chain to an installed ManufacturerRootCertificate before
 * anything is accepted (else InvalidCertificate + security event
 * InvalidFirmwareSigningCertificate); the download then runs through the
 * UpdateFirmware machinery (FirmwareService) with the image hashed as it is
 * written and the signature (base64 DER ECDSA P-256 over SHA-256 of the
 * file) checked after the download (InvalidSignature + event
 * InvalidFirmwareSignature on mismatch). DownloadScheduled and
 * InstallScheduled report a retrieveDateTime / installDateTime still in
 * the future (FirmwareService waits for both). A request while an update is
 * planned or downloading cancels it (AcceptedCanceled); during an install:
 * Rejected.
 */
import type { HandlerContext } from "ocpp/rpc/engine";
import { OcppCallError } from "ocpp/rpc/frame";
import type { SignedUpdateFirmwareConf, SignedUpdateFirmwareReq } from "ocpp/generated/ocpp16";
import { decodeBase64 } from "util/base64";
import { p256PublicKeyFromSpki, p256VerifyDer } from "util/p256";
import { verifyPemChain } from "./chain";
import { syncedUtcMs, type SecurityContext } from "./context";

export function handleSignedUpdateFirmware(
  request: SignedUpdateFirmwareReq,
  context: SecurityContext,
  call: HandlerContext,
): SignedUpdateFirmwareConf {
  const service = context.firmware;
  if (service === undefined) throw new OcppCallError("NotSupported", "no Firmware Management in this build"); // not registered then
  const events = context.events;
  const firmware = request.firmware;
  const chain = verifyPemChain(
    firmware.signingCertificate,
    context.certificates.certificates("ManufacturerRootCertificate"),
    syncedUtcMs(context.clock),
  );
  let publicKey: Uint8Array | undefined;
  let reason = chain.ok ? "" : chain.reason;
  if (chain.ok) {
    try {
      publicKey = p256PublicKeyFromSpki(chain.chain[0].spkiDer);
    } catch (error) {
      reason = `signing key not usable: ${(error as Error).message} (only ECDSA P-256 firmware signatures; no RSA in this build)`;
    }
  }
  if (publicKey === undefined) {
    context.log.warn(`SignedUpdateFirmware ${request.requestId}: signing certificate refused: ${reason}`);
    events.record("InvalidFirmwareSigningCertificate", reason);
    return { status: "InvalidCertificate" };
  }
  const signature = decodeBase64(firmware.signature);
  if (signature === undefined || signature.length === 0) {
    context.log.warn(`SignedUpdateFirmware ${request.requestId}: signature is not base64`);
    return { status: "Rejected" };
  }
  if (service.phase === "installing") {
    context.log.warn(`SignedUpdateFirmware ${request.requestId}: an install is under way`);
    return { status: "Rejected" };
  }
  const canceled = service.cancelForNewRequest();
  const key = publicKey;
  const requestId = request.requestId;
  // Started after the answer so SignedFirmwareStatusNotification never overtakes it.
  call.afterReply(() =>
    service.update(
      {
        location: firmware.location,
        retrieveDate: firmware.retrieveDateTime,
        installDate: firmware.installDateTime,
        retries: request.retries,
        retryInterval: request.retryInterval,
      },
      {
        requestId,
        verify: (digest) => p256VerifyDer(key, digest, signature),
        onInvalidSignature: () =>
          events.record("InvalidFirmwareSignature", `requestId ${requestId}: signature does not match ${firmware.location}`),
      },
    ),
  );
  return { status: canceled ? "AcceptedCanceled" : "Accepted" };
}
