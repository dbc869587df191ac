import { validateRemoteStartTransactionReq, type RemoteStartTransactionConf, type RemoteStartTransactionReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

/** Answer first, then authorize (AuthorizeRemoteTxRequests) and start [ERR 3.32]. */
export function registerRemoteStartTransaction(ctx: CoreContext): void {
  ctx.engine.registerAction<RemoteStartTransactionReq, RemoteStartTransactionConf>(
    "RemoteStartTransaction",
    validateRemoteStartTransactionReq,
    (req, call) => {
      const decision = ctx.sessions.remoteStartDecision(req.connectorId, req.idTag);
      if (decision.status !== "Accepted") return { status: "Rejected" };
      if (req.chargingProfile) {
        // A TxProfile only (OCTT TC_060); handed to Smart Charging when present, ignored otherwise [SPEC 5.11].
        if (req.chargingProfile.chargingProfilePurpose !== "TxProfile" || req.chargingProfile.transactionId !== undefined)
          return { status: "Rejected" };
        if (ctx.remoteStartProfile && !ctx.remoteStartProfile(decision.connectorId, req.chargingProfile)) return { status: "Rejected" };
      }
      call.afterReply(() => {
        ctx.sessions.remoteStart(decision.connectorId, req.idTag).catch((error: Error) => ctx.log.warn(`remote start: ${error.message}`));
      });
      return { status: "Accepted" };
    },
  );
}
