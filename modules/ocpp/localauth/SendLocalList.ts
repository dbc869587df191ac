/** SendLocalList.req handler (OCPP 1.6 §2.4): hands the request to the LocalAuthService. */
import type { SendLocalListConf, SendLocalListReq } from "ocpp/generated/ocpp16";
import type { LocalAuthService } from "./local-auth-service";

export function handleSendLocalList(request: SendLocalListReq, service: LocalAuthService): SendLocalListConf {
  return { status: service.sendLocalList(request) };
}
