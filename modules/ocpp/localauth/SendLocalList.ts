/** SendLocalList.req handler (OCPP 1.6 §2.4): hands the request to the LocalAuthService. */
import type { SendLocalListConf, SendLocalListReq } from "ocpp/generated/ocpp16";
import type { LocalAuthService } from "./local-auth-service";

export type SendLocalListRequest = SendLocalListReq;
export type SendLocalListResponse = SendLocalListConf;

export function createSendLocalListHandler(service: LocalAuthService): (request: SendLocalListRequest) => SendLocalListResponse {
  return (request) => ({ status: service.sendLocalList(request) });
}
