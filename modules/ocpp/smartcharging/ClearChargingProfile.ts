/**
 * ClearChargingProfile (CS → CP) [SPEC 5.5, 6.9; ERR 3.25-3.26]: by id
 * only that profile, otherwise every profile matching all given fields;
 * Accepted when something was cleared, Unknown when nothing matched.
 */
import type { ClearChargingProfileConf, ClearChargingProfileReq } from "ocpp/generated/ocpp16";
import type { SmartChargingContext } from "./context";

export function handleClearChargingProfile(request: ClearChargingProfileReq, context: SmartChargingContext): ClearChargingProfileConf {
  const cleared = context.service.clearProfiles({
    id: request.id,
    connectorId: request.connectorId,
    purpose: request.chargingProfilePurpose,
    stackLevel: request.stackLevel,
  });
  return { status: cleared ? "Accepted" : "Unknown" };
}
