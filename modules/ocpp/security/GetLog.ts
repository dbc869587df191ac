/** GetLog.req → Accepted (+ filename) / AcceptedCanceled / Rejected, then the upload [SEC N01]. */
import type { HandlerContext } from "ocpp/rpc/engine";
import { OcppCallError } from "ocpp/rpc/frame";
import type { GetLogConf, GetLogReq } from "ocpp/generated/ocpp16";
import type { SecurityContext } from "./context";

export function handleGetLog(request: GetLogReq, context: SecurityContext, call: HandlerContext): GetLogConf {
  const logs = context.logs;
  if (logs === undefined) throw new OcppCallError("NotSupported", "GetLog needs an HTTP client"); // not registered then
  const prepared = logs.prepare(request);
  const start = prepared.start;
  if (start !== undefined) call.afterReply(start);
  return prepared.conf;
}
