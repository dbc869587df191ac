/** RemoteStopTransaction.req: Accepted only for an ongoing transaction; it stops with reason Remote (OCTT TC_012, TC_028). */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { RemoteStopTransactionConf, RemoteStopTransactionReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export function handleRemoteStopTransaction(
  request: RemoteStopTransactionReq,
  context: CoreContext,
  call: HandlerContext,
): RemoteStopTransactionConf {
  const connectorId = context.transactions.connectorOfTransactionId(request.transactionId);
  if (connectorId === undefined) return { status: "Rejected" };
  call.afterReply(() => context.transactions.stop(connectorId, "Remote"));
  return { status: "Accepted" };
}
