/** GetInstalledCertificateIds.req → Accepted with one hash entry per certificate of the type, or NotFound [SEC M03]. */
import type { GetInstalledCertificateIdsConf, GetInstalledCertificateIdsReq } from "ocpp/generated/ocpp16";
import type { CertificateStore } from "./certificate-store";

export function createGetInstalledCertificateIdsHandler(store: CertificateStore) {
  return (request: GetInstalledCertificateIdsReq): GetInstalledCertificateIdsConf => {
    const hashes = store.list(request.certificateType);
    if (hashes.length === 0) return { status: "NotFound" };
    return { status: "Accepted", certificateHashData: hashes as GetInstalledCertificateIdsConf["certificateHashData"] };
  };
}
