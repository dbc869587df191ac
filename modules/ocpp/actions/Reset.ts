import { validateResetReq, type ResetConf, type ResetReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

/** Accepted, then transactions stop (SoftReset / HardReset) and the charger restarts [SPEC 5.14]. */
export function registerReset(ctx: CoreContext): void {
  ctx.engine.registerAction<ResetReq, ResetConf>("Reset", validateResetReq, (req, call) => {
    call.afterReply(() => ctx.reset(req.type === "Hard"));
    return { status: "Accepted" };
  });
}
