/**
 * CertificateSigned.req [SEC A02/A03, OCTT TC_074/077]: the chain for the
 * key of the last CSR, checked against the installed
 * CentralSystemRootCertificates: Accepted and in use from the next
 * connection, or Rejected with the security event InvalidChargePointCertificate.
 */
import type { CertificateSignedConf, CertificateSignedReq } from "ocpp/generated/ocpp16";
import { syncedUtcMs, type SecurityContext } from "./context";

export function handleCertificateSigned(request: CertificateSignedReq, context: SecurityContext): CertificateSignedConf {
  let reason: string;
  const maxChainSize = context.config.int("CertificateSignedMaxChainSize");
  if (request.certificateChain.length > maxChainSize)
    reason = `chain of ${request.certificateChain.length} characters (CertificateSignedMaxChainSize ${maxChainSize})`;
  else {
    let result;
    try {
      result = context.identity.install(
        request.certificateChain,
        context.certificates.certificates("CentralSystemRootCertificate"),
        syncedUtcMs(context.clock),
      );
    } catch (error) {
      result = { status: "Rejected" as const, reason: `not stored: ${(error as Error).message}` };
    }
    if (result.status === "Accepted") {
      context.log.info("charge point certificate installed");
      // TC_074: a connection in profile 3 is made again with the new certificate.
      if (context.settings.securityProfile === 3) context.timers.once(() => context.connection.reconnect(), 1);
      return { status: "Accepted" };
    }
    reason = result.reason;
  }
  context.log.warn(`CertificateSigned rejected: ${reason}`);
  context.events.record("InvalidChargePointCertificate", reason);
  return { status: "Rejected" };
}
