/**
 * InstallCertificate.req [SEC M05]: Accepted when stored; Rejected when not
 * a valid (root, unexpired) certificate or the store is full; Failed when
 * storing failed. An invalid CentralSystemRootCertificate raises the
 * security event InvalidCentralSystemCertificate (OCTT TC_078).
 */
import type { InstallCertificateConf, InstallCertificateReq } from "ocpp/generated/ocpp16";
import type { SecurityContext } from "./context";

export function handleInstallCertificate(request: InstallCertificateReq, context: SecurityContext): InstallCertificateConf {
  const result = context.certificates.install(request.certificateType, request.certificate);
  if (result.status !== "Accepted") {
    context.log.warn(`InstallCertificate ${request.certificateType}: ${result.status} (${result.reason})`);
    if (result.status === "Rejected" && result.invalid && request.certificateType === "CentralSystemRootCertificate") {
      context.events.record("InvalidCentralSystemCertificate", result.reason);
    }
  }
  return { status: result.status };
}
