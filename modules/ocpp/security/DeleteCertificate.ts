/**
 * DeleteCertificate.req [SEC M04]: Accepted when removed, NotFound when no
 * installed certificate has this hash data, Failed when it is the last
 * CentralSystemRootCertificate while the connection runs over TLS (the root
 * in use for the current connection must stay).
 */
import type { DeleteCertificateConf, DeleteCertificateReq } from "ocpp/generated/ocpp16";
import { tlsInUse, type SecurityContext } from "./context";

export function handleDeleteCertificate(request: DeleteCertificateReq, context: SecurityContext): DeleteCertificateConf {
  const store = context.certificates;
  const hash = request.certificateHashData;
  const type = store.typeOf(hash);
  if (type === undefined) return { status: "NotFound" };
  if (type === "CentralSystemRootCertificate" && tlsInUse(context.settings) && store.list(type).length === 1) return { status: "Failed" };
  return { status: store.delete(hash) ? "Accepted" : "Failed" };
}
