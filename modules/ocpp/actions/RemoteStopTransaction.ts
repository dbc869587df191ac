import { validateRemoteStopTransactionReq, type RemoteStopTransactionConf, type RemoteStopTransactionReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

/** Accepted only for an ongoing transaction; it stops with reason Remote (OCTT TC_012, TC_028). */
export function registerRemoteStopTransaction(ctx: CoreContext): void {
  ctx.engine.registerAction<RemoteStopTransactionReq, RemoteStopTransactionConf>(
    "RemoteStopTransaction",
    validateRemoteStopTransactionReq,
    (req, call) => {
      const connectorId = ctx.transactions.connectorOfTransactionId(req.transactionId);
      if (connectorId === undefined) return { status: "Rejected" };
      call.afterReply(() => ctx.transactions.stop(connectorId, "Remote"));
      return { status: "Accepted" };
    },
  );
}
