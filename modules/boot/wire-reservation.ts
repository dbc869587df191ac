/**
 * Reservation profile: its key, the service over the connectors' states,
 * Reserved status sent to the connector, starts checked against and
 * consuming reservations, ReserveNow and CancelReservation, and reservations
 * of a connector that turns Faulted or Unavailable ended.
 */
import type { Platform } from "ports/platform";
import type { ChargePoint } from "ocpp/charge-point";
import { ReservationService, type ConnectorAvailability } from "ocpp/reservation/reservation-service";
import { attachReservationActions } from "ocpp/reservation/actions";
import { RESERVATION_KEYS } from "ocpp/reservation/config-keys";
import type { LoopHardware } from "boot/hardware-adapter";

export function wireReservation(chargePoint: ChargePoint, hardware: LoopHardware, platform: Platform): ReservationService {
  const config = chargePoint.config;
  config.declareMissing(RESERVATION_KEYS);
  const connectorState = (connectorId: number): ConnectorAvailability => {
    if (connectorId === 0) return chargePoint.availability.operative(0) ? "Available" : "Unavailable";
    const status = hardware.connectors[connectorId - 1].status();
    if (status === "Available" || status === "Reserved") return "Available";
    if (status === "Faulted" || status === "Unavailable") return status;
    return "Occupied";
  };
  const reservations = new ReservationService({
    kv: platform.kv,
    clock: platform.clock,
    timers: platform.timers,
    connectors: { connectorCount: () => hardware.connectors.length, state: connectorState },
    sink: { setReserved: (connectorId, reserved) => hardware.connectors[connectorId - 1].setReserved(reserved) },
    reserveConnectorZeroSupported: () => config.bool("ReserveConnectorZeroSupported"),
  });
  chargePoint.sessions.reservations = {
    check: (connectorId, idTag, parentIdTag) => {
      const check = reservations.checkStart(connectorId, idTag, parentIdTag);
      return check.allowed && check.reservationId === undefined ? undefined : check;
    },
    consumed: (_connectorId, reservationId) => {
      reservations.cancelReservation(reservationId);
    },
  };
  attachReservationActions(chargePoint.engine, reservations);
  hardware.onStatus(() => reservations.refresh());
  return reservations;
}
