/**
 * GetCompositeSchedule (CS → CP) [SPEC 5.7, 6.23; ERR 3.24, 3.57]: the
 * composite from receipt time X to X + duration, periods relative to
 * scheduleStart = X, no startSchedule inside. Unknown connector → Rejected.
 */
import type { GetCompositeScheduleConf, GetCompositeScheduleReq } from "ocpp/generated/ocpp16";
import { formatIsoUtc } from "util/iso8601";
import type { SmartChargingContext } from "./context";

export function handleGetCompositeSchedule(request: GetCompositeScheduleReq, context: SmartChargingContext): GetCompositeScheduleConf {
  const composite = context.service.compositeSchedule(
    request.connectorId,
    request.duration,
    request.chargingRateUnit,
    context.clock.utcMs(),
  );
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
}
