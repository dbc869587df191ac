/** ReserveNow.req handler (OCPP 1.6 §2.5, §4.8): hands the request to the ReservationService. */
import type { ReserveNowConf, ReserveNowReq } from "ocpp/generated/ocpp16";
import type { ReservationService } from "./reservation-service";

export type ReserveNowRequest = ReserveNowReq;
export type ReserveNowResponse = ReserveNowConf;

export function createReserveNowHandler(service: ReservationService): (request: ReserveNowRequest) => ReserveNowResponse {
  return (request) => ({ status: service.reserveNow(request) });
}
