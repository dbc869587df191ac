/** ReserveNow.req handler (OCPP 1.6 §2.5, §4.8): hands the request to the ReservationService. */
import type { ReserveNowConf, ReserveNowReq } from "ocpp/generated/ocpp16";
import type { ReservationService } from "./reservation-service";

export function handleReserveNow(request: ReserveNowReq, service: ReservationService): ReserveNowConf {
  return { status: service.reserveNow(request) };
}
