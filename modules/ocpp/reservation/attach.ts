/**
 * The Reservation profile on the charge point: its key, the service over
 * the connectors' states, Reserved status sent to the connector, starts
 * checked against and consuming reservations, ReserveNow and
 * CancelReservation, and reservations of a connector that turns Faulted or
 * Unavailable ended.
 */
import type { Clock } from "ports/clock";
import type { KeyValueStore } from "ports/kv";
import type { Timers } from "ports/timers";
import type { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import { RESERVATION_KEYS } from "./config-keys";
import { ReservationService, type ConnectorAvailability } from "./reservation-service";
import { attachReservationActions } from "./actions";

export interface ReservationDeps {
  /** Connectors 1..n: their OCPP status, and where Reserved goes. */
  connectors: readonly Pick<ChargePointConnector, "status" | "setReserved">[];
  /** Subscribes to the connectors' status changes, heard after the charge point's (the board: LoopHardware.onStatus). */
  onConnectorStatus(listener: (connectorId: number) => void): void;
  kv: KeyValueStore;
  clock: Clock;
  timers: Timers;
}

export function attachReservation(
  chargePoint: Pick<ChargePoint, "engine" | "config" | "availability" | "sessions">,
  deps: ReservationDeps,
): ReservationService {
  const config = chargePoint.config;
  config.declareMissing(RESERVATION_KEYS);
  const connectors = deps.connectors;
  // Reserved is the service's own doing: for its rules that connector is idle.
  const connectorState = (connectorId: number): ConnectorAvailability => {
    if (connectorId === 0) return chargePoint.availability.operative(0) ? "Available" : "Unavailable";
    const status = connectors[connectorId - 1].status();
    if (status === "Available" || status === "Reserved") return "Available";
    if (status === "Faulted" || status === "Unavailable") return status;
    return "Occupied";
  };
  const reservations = new ReservationService({
    kv: deps.kv,
    clock: deps.clock,
    timers: deps.timers,
    connectors: { connectorCount: () => connectors.length, state: connectorState },
    sink: { setReserved: (connectorId, reserved) => connectors[connectorId - 1].setReserved(reserved) },
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
  deps.onConnectorStatus(() => reservations.refresh());
  return reservations;
}
