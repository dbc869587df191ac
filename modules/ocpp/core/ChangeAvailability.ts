/** ChangeAvailability.req [SPEC 5.2]: Accepted, Rejected or Scheduled (after the running transaction), by the availability service. */
import type { ChangeAvailabilityConf, ChangeAvailabilityReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export function handleChangeAvailability(request: ChangeAvailabilityReq, context: CoreContext): ChangeAvailabilityConf {
  return { status: context.availability.change(request.connectorId, request.type === "Operative") };
}
