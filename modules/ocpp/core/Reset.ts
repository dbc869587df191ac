/** Reset.req: Accepted, then transactions stop (SoftReset / HardReset) and the charger restarts [SPEC 5.14]. */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { ResetConf, ResetReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export function handleReset(request: ResetReq, context: CoreContext, call: HandlerContext): ResetConf {
  const hard = request.type === "Hard";
  call.afterReply(() => context.reset(hard));
  return { status: "Accepted" };
}
