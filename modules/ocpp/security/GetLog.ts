/** GetLog.req → Accepted (+ filename) / AcceptedCanceled / Rejected, then the upload [SEC N01]. */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { GetLogConf, GetLogReq } from "ocpp/generated/ocpp16";
import type { LogService } from "./log-service";

export function createGetLogHandler(service: LogService) {
  return (request: GetLogReq, call: HandlerContext): GetLogConf => {
    const prepared = service.prepare(request);
    const start = prepared.start;
    if (start !== undefined) call.afterReply(start);
    return prepared.conf;
  };
}
