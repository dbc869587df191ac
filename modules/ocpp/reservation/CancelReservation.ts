/** CancelReservation.req handler (OCPP 1.6 §2.5; OCTT TC_051, TC_052). */
import type { CancelReservationConf, CancelReservationReq } from "ocpp/generated/ocpp16";
import type { ReservationService } from "./reservation-service";

export type CancelReservationRequest = CancelReservationReq;
export type CancelReservationResponse = CancelReservationConf;

export function createCancelReservationHandler(
  service: ReservationService,
): (request: CancelReservationRequest) => CancelReservationResponse {
  return (request) => ({ status: service.cancelReservation(request.reservationId) });
}
