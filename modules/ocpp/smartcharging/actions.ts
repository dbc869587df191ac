/** The Smart Charging profile's CS-initiated actions, registered with its one context. */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { SmartChargingContext } from "./context";
import { handleClearChargingProfile } from "./ClearChargingProfile";
import { handleGetCompositeSchedule } from "./GetCompositeSchedule";
import { handleSetChargingProfile } from "./SetChargingProfile";

export function attachSmartChargingActions(engine: Pick<OcppEngine, "handle">, context: SmartChargingContext): void {
  engine.handle("SetChargingProfile", handleSetChargingProfile, context);
  engine.handle("ClearChargingProfile", handleClearChargingProfile, context);
  engine.handle("GetCompositeSchedule", handleGetCompositeSchedule, context);
}
