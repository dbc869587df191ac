/**
 * CertificateSigned.req [SEC A02/A03, OCTT TC_074/077]: the chain for the
 * key of the last CSR, checked against the installed
 * CentralSystemRootCertificates: Accepted and in use from the next
 * connection, or Rejected with the security event InvalidChargePointCertificate.
 */
import type { CertificateSignedConf, CertificateSignedReq } from "ocpp/generated/ocpp16";
import type { Logger } from "ports/log";
import type { CertificateStore } from "./certificate-store";
import type { ChargePointIdentity } from "./charge-point-identity";
import type { SecurityEventService } from "./security-events";

export interface CertificateSignedDeps {
  identity: Pick<ChargePointIdentity, "install">;
  certificates: Pick<CertificateStore, "certificates">;
  events: Pick<SecurityEventService, "record">;
  log: Logger;
  maxChainSize: () => number;
  nowUtcMs: () => number | undefined;
  /** After an Accepted chain (profile 3 reconnects with it). */
  installed: () => void;
}

export function createCertificateSignedHandler(deps: CertificateSignedDeps) {
  return (request: CertificateSignedReq): CertificateSignedConf => {
    let reason: string;
    if (request.certificateChain.length > deps.maxChainSize())
      reason = `chain of ${request.certificateChain.length} characters (CertificateSignedMaxChainSize ${deps.maxChainSize()})`;
    else {
      let result;
      try {
        result = deps.identity.install(
          request.certificateChain,
          deps.certificates.certificates("CentralSystemRootCertificate"),
          deps.nowUtcMs(),
        );
      } catch (error) {
        result = { status: "Rejected" as const, reason: `not stored: ${(error as Error).message}` };
      }
      if (result.status === "Accepted") {
        deps.log.info("charge point certificate installed");
        deps.installed();
        return { status: "Accepted" };
      }
      reason = result.reason;
    }
    deps.log.warn(`CertificateSigned rejected: ${reason}`);
    deps.events.record("InvalidChargePointCertificate", reason);
    return { status: "Rejected" };
  };
}
