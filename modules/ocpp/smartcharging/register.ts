/**
 * Registers the Smart Charging actions with the OCPP engine, each with the
 * request validator generated from its official schema.
 */
import type { Clock } from "ports/clock";
import { validateClearChargingProfileReq, validateGetCompositeScheduleReq, validateSetChargingProfileReq } from "ocpp/generated/ocpp16";
import type { OcppEngine } from "ocpp/rpc/engine";
import { createClearChargingProfileHandler } from "./ClearChargingProfile";
import { createGetCompositeScheduleHandler } from "./GetCompositeSchedule";
import { createSetChargingProfileHandler } from "./SetChargingProfile";
import type { SmartChargingService } from "./service";

export function registerSmartChargingActions(
  engine: Pick<OcppEngine, "registerAction">,
  service: SmartChargingService,
  clock: Pick<Clock, "utcMs">,
): void {
  engine.registerAction("SetChargingProfile", validateSetChargingProfileReq, createSetChargingProfileHandler(service, clock));
  engine.registerAction("ClearChargingProfile", validateClearChargingProfileReq, createClearChargingProfileHandler(service));
  engine.registerAction("GetCompositeSchedule", validateGetCompositeScheduleReq, createGetCompositeScheduleHandler(service, clock));
}
