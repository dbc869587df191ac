/** CancelReservation.req handler (OCPP 1.6 §2.5; OCTT TC_051, TC_052). */
import type { CancelReservationConf, CancelReservationReq } from "ocpp/generated/ocpp16";
import type { ReservationService } from "./reservation-service";

export function handleCancelReservation(request: CancelReservationReq, service: ReservationService): CancelReservationConf {
  return { status: service.cancelReservation(request.reservationId) };
}
