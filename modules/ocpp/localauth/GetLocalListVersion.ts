/** GetLocalListVersion.req handler (OCPP 1.6 §2.4; OCTT TC_042). */
import type { GetLocalListVersionConf, GetLocalListVersionReq } from "ocpp/generated/ocpp16";
import type { LocalAuthService } from "./local-auth-service";

export function handleGetLocalListVersion(_request: GetLocalListVersionReq, service: LocalAuthService): GetLocalListVersionConf {
  return { listVersion: service.getLocalListVersion() };
}
