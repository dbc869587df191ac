/** GetInstalledCertificateIds.req → Accepted with one hash entry per certificate of the type, or NotFound [SEC M03]. */
import type { GetInstalledCertificateIdsConf, GetInstalledCertificateIdsReq } from "ocpp/generated/ocpp16";
import type { SecurityContext } from "./context";

export function handleGetInstalledCertificateIds(
  request: GetInstalledCertificateIdsReq,
  context: SecurityContext,
): GetInstalledCertificateIdsConf {
  const hashes = context.certificates.list(request.certificateType);
  if (hashes.length === 0) return { status: "NotFound" };
  return { status: "Accepted", certificateHashData: hashes };
}
