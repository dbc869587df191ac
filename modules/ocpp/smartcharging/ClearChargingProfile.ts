/**
 * ClearChargingProfile (CS → CP) [SPEC 5.5, 6.9; ERR 3.25-3.26]: by id
 * only that profile, otherwise every profile matching all given fields;
 * Accepted when something was cleared, Unknown when nothing matched.
 */
import type { SmartChargingService } from "./service";
import type { ClearChargingProfileRequest, ClearChargingProfileResponse } from "./types";

export function createClearChargingProfileHandler(
  service: SmartChargingService,
): (request: ClearChargingProfileRequest) => ClearChargingProfileResponse {
  return (request) => {
    const cleared = service.clearProfiles({
      id: request.id,
      connectorId: request.connectorId,
      purpose: request.chargingProfilePurpose,
      stackLevel: request.stackLevel,
    });
    return { status: cleared ? "Accepted" : "Unknown" };
  };
}
