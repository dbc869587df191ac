// `GET /composite-schedule`: the charger's composite schedule for a connector, as its own
// GetCompositeSchedule handler answers it (no OCPP frame, no CSMS needed), for the bench page's
// step chart. The query is checked like a POST body.
import type { CsmsRequest, CsmsResponse } from "../csms/ocpp-types.ts";
import type { BenchTarget } from "./target.ts";
import { checkQuery, type ObjectSpec } from "./validate.ts";

/** Longest schedule the bench asks for, s (one day). */
export const MAX_SCHEDULE_DURATION_S = 86_400;
/** Schedule length when the query gives none, s (the page's chart: the next hour). */
export const DEFAULT_SCHEDULE_DURATION_S = 3_600;

const QUERY: ObjectSpec = {
  connector: { kind: "connector", allowZero: true },
  duration: { kind: "int", min: 1, max: MAX_SCHEDULE_DURATION_S, optional: true },
  unit: { kind: "enum", values: ["A", "W"], optional: true },
};

export async function compositeScheduleOf(target: BenchTarget, params: URLSearchParams): Promise<CsmsResponse<"GetCompositeSchedule">> {
  const query = checkQuery(params, QUERY, target.getState().connectors.length, ["charger"]);
  const request: CsmsRequest<"GetCompositeSchedule"> = {
    connectorId: query.connector as number,
    duration: (query.duration as number | undefined) ?? DEFAULT_SCHEDULE_DURATION_S,
  };
  if (query.unit !== undefined) request.chargingRateUnit = query.unit as "A" | "W";
  return await target.compositeSchedule(request);
}
