import { validateChangeAvailabilityReq, type ChangeAvailabilityConf, type ChangeAvailabilityReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export function registerChangeAvailability(ctx: CoreContext): void {
  ctx.engine.registerAction<ChangeAvailabilityReq, ChangeAvailabilityConf>("ChangeAvailability", validateChangeAvailabilityReq, (req) => ({
    status: ctx.availability.change(req.connectorId, req.type === "Operative"),
  }));
}
