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
import type { Logger } from "ports/log";
import type { SignedUpdateFirmwareConf, SignedUpdateFirmwareReq } from "ocpp/generated/ocpp16";
import type { FirmwareService } from "ocpp/firmware/firmware-service";
import { decodeBase64 } from "util/base64";
import { p256PublicKeyFromSpki, p256VerifyDer } from "util/p256";
import type { CertificateStore } from "./certificate-store";
import { verifyPemChain } from "./chain";
import type { SecurityEventService } from "./security-events";

export interface SignedUpdateFirmwareDeps {
  certificates: Pick<CertificateStore, "certificates">;
  firmware: Pick<FirmwareService, "phase" | "update" | "cancelForNewRequest">;
  events: Pick<SecurityEventService, "record">;
  log: Logger;
  /** UTC now, undefined while the clock is not set (validity then unchecked). */
  nowUtcMs: () => number | undefined;
}

export function createSignedUpdateFirmwareHandler(deps: SignedUpdateFirmwareDeps) {
  return (request: SignedUpdateFirmwareReq, call: HandlerContext): SignedUpdateFirmwareConf => {
    const firmware = request.firmware;
    const chain = verifyPemChain(
      firmware.signingCertificate,
      deps.certificates.certificates("ManufacturerRootCertificate"),
      deps.nowUtcMs(),
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
      deps.log.warn(`SignedUpdateFirmware ${request.requestId}: signing certificate refused: ${reason}`);
      deps.events.record("InvalidFirmwareSigningCertificate", reason);
      return { status: "InvalidCertificate" };
    }
    const signature = decodeBase64(firmware.signature);
    if (signature === undefined || signature.length === 0) {
      deps.log.warn(`SignedUpdateFirmware ${request.requestId}: signature is not base64`);
      return { status: "Rejected" };
    }
    if (deps.firmware.phase === "installing") {
      deps.log.warn(`SignedUpdateFirmware ${request.requestId}: an install is under way`);
      return { status: "Rejected" };
    }
    const canceled = deps.firmware.cancelForNewRequest();
    const key = publicKey;
    const requestId = request.requestId;
    // Started after the answer so SignedFirmwareStatusNotification never overtakes it.
    call.afterReply(() =>
      deps.firmware.update(
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
            deps.events.record("InvalidFirmwareSignature", `requestId ${requestId}: signature does not match ${firmware.location}`),
        },
      ),
    );
    return { status: canceled ? "AcceptedCanceled" : "Accepted" };
  };
}
