/** RemoteStartTransaction.req: answer first, then authorize (AuthorizeRemoteTxRequests) and start [ERR 3.32]. */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { RemoteStartTransactionConf, RemoteStartTransactionReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export function handleRemoteStartTransaction(
  request: RemoteStartTransactionReq,
  context: CoreContext,
  call: HandlerContext,
): RemoteStartTransactionConf {
  const decision = context.sessions.remoteStartDecision(request.connectorId, request.idTag);
  if (decision.status !== "Accepted") return { status: "Rejected" };
  const profile = request.chargingProfile;
  if (profile) {
    // A TxProfile only (OCTT TC_060); handed to Smart Charging when present, ignored otherwise [SPEC 5.11].
    if (profile.chargingProfilePurpose !== "TxProfile" || profile.transactionId !== undefined) return { status: "Rejected" };
    if (context.remoteStartProfile && !context.remoteStartProfile(decision.connectorId, profile)) return { status: "Rejected" };
  }
  const idTag = request.idTag;
  call.afterReply(() => {
    context.sessions.remoteStart(decision.connectorId, idTag).catch((error: Error) => context.log.warn(`remote start: ${error.message}`));
  });
  return { status: "Accepted" };
}
