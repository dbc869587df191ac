/**
 * SetChargingProfile (CS → CP) [SPEC 5.16, 6.43]: reads the request, asks
 * the SmartChargingService, writes the status. A connector that does not
 * exist throws OcppCallError PropertyConstraintViolation (the engine answers with that CALLERROR) [ERR 3.38].
 */
import type { SetChargingProfileConf, SetChargingProfileReq } from "ocpp/generated/ocpp16";
import type { SmartChargingContext } from "./context";

export function handleSetChargingProfile(request: SetChargingProfileReq, context: SmartChargingContext): SetChargingProfileConf {
  const result = context.service.setProfile(request.connectorId, request.csChargingProfiles, context.clock.utcMs());
  return { status: result.status };
}
