/**
 * SignCertificate [SEC A02.FR.02]: a fresh key pair and a CSR for it,
 * subject O = CpoName, CN = the charge point's serial (its identity), sent
 * when ExtendedTriggerMessage asks for SignChargePointCertificate. The
 * signed chain comes back in CertificateSigned (./CertificateSigned.ts).
 */
import type { SecurityContext } from "./context";

/** Whether a CSR can be made now: NotImplemented without a random source, Rejected while CpoName is not set. */
export function signCertificateStatus(context: SecurityContext): "Accepted" | "Rejected" | "NotImplemented" {
  if (!context.identity.canCreateKeys) return "NotImplemented";
  return context.config.string("CpoName") === "" ? "Rejected" : "Accepted";
}

/** Makes the key pair and CSR and sends SignCertificate; a failure is logged. */
export function sendSignCertificate(context: SecurityContext): void {
  let csr: string;
  try {
    csr = context.identity.createCsr(context.config.string("CpoName"), context.deviceName);
  } catch (error) {
    context.log.error(`no certificate request: ${(error as Error).message}`);
    return;
  }
  context.engine.call("SignCertificate", { csr }).then(
    (conf) => context.log.info(`SignCertificate: ${conf.status}`),
    (error: Error) => context.log.warn(`SignCertificate failed: ${error.message}`),
  );
}
