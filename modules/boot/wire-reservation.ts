/**
 * Reservation profile (ocpp/reservation/attach.ts) over the loop's
 * connectors: their statuses and Reserved go through LoopHardware, the
 * reservations persist in the platform's NVS.
 */
import type { Platform } from "ports/platform";
import type { ChargePoint } from "ocpp/charge-point";
import { attachReservation } from "ocpp/reservation/attach";
import type { ReservationService } from "ocpp/reservation/reservation-service";
import type { LoopHardware } from "boot/hardware-adapter";

export function wireReservation(chargePoint: ChargePoint, hardware: LoopHardware, platform: Platform): ReservationService {
  return attachReservation(chargePoint, {
    connectors: hardware.connectors,
    onConnectorStatus: (listener) => hardware.onStatus(listener),
    kv: platform.kv,
    clock: platform.clock,
    timers: platform.timers,
  });
}
