/**
 * GetCompositeSchedule (CS → CP) [SPEC 5.7, 6.23; ERR 3.24, 3.57]: the
 * composite from receipt time X to X + duration, periods relative to
 * scheduleStart = X, no startSchedule inside. Unknown connector → Rejected.
 */
import type { Clock } from "ports/clock";
import { formatIsoUtc } from "util/iso8601";
import type { SmartChargingService } from "./service";
import type { GetCompositeScheduleRequest, GetCompositeScheduleResponse } from "./types";

export function createGetCompositeScheduleHandler(
  service: SmartChargingService,
  clock: Pick<Clock, "utcMs">,
): (request: GetCompositeScheduleRequest) => GetCompositeScheduleResponse {
  return (request) => {
    const composite = service.compositeSchedule(request.connectorId, request.duration, request.chargingRateUnit, clock.utcMs());
    if (!composite) return { status: "Rejected" };
    return {
      status: "Accepted",
      connectorId: composite.connectorId,
      scheduleStart: formatIsoUtc(composite.scheduleStartUtcMs),
      chargingSchedule: {
        duration: composite.durationS,
        chargingRateUnit: composite.unit,
        chargingSchedulePeriod: composite.periods,
      },
    };
  };
}
