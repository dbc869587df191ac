/**
 * InstallCertificate.req [SEC M05]: Accepted when stored; Rejected when not
 * a valid (root, unexpired) certificate or the store is full; Failed when
 * storing failed. An invalid CentralSystemRootCertificate raises the
 * security event InvalidCentralSystemCertificate (OCTT TC_078).
 */
import type { InstallCertificateConf, InstallCertificateReq } from "ocpp/generated/ocpp16";
import type { Logger } from "ports/log";
import type { CertificateStore } from "./certificate-store";
import type { SecurityEventService } from "./security-events";

export function createInstallCertificateHandler(store: CertificateStore, events: SecurityEventService, log: Logger) {
  return (request: InstallCertificateReq): InstallCertificateConf => {
    const result = store.install(request.certificateType, request.certificate);
    if (result.status !== "Accepted") {
      log.warn(`InstallCertificate ${request.certificateType}: ${result.status} (${result.reason})`);
      if (result.status === "Rejected" && result.invalid && request.certificateType === "CentralSystemRootCertificate") {
        events.record("InvalidCentralSystemCertificate", result.reason);
      }
    }
    return { status: result.status };
  };
}
