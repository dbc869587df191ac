/** The Reservation profile's CS-initiated actions, registered with its one context: the ReservationService. */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { ReservationService } from "./reservation-service";
import { handleCancelReservation } from "./CancelReservation";
import { handleReserveNow } from "./ReserveNow";

export function attachReservationActions(engine: Pick<OcppEngine, "handle">, service: ReservationService): void {
  engine.handle("ReserveNow", handleReserveNow, service);
  engine.handle("CancelReservation", handleCancelReservation, service);
}
