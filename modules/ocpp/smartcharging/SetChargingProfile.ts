/**
 * SetChargingProfile (CS → CP) [SPEC 5.16, 6.43]: reads the request, asks
 * the SmartChargingService, writes the status. A connector that does not
 * exist throws OcppCallError PropertyConstraintViolation (the engine answers with that CALLERROR) [ERR 3.38].
 */
import type { Clock } from "ports/clock";
import type { SmartChargingService } from "./service";
import type { SetChargingProfileRequest, SetChargingProfileResponse } from "./types";

export function createSetChargingProfileHandler(
  service: SmartChargingService,
  clock: Pick<Clock, "utcMs">,
): (request: SetChargingProfileRequest) => SetChargingProfileResponse {
  return (request) => {
    const result = service.setProfile(request.connectorId, request.csChargingProfiles, clock.utcMs());
    return { status: result.status };
  };
}
