/**
 * The chargingProfile of a RemoteStartTransaction.req [SPEC 5.11, 5.16.2;
 * OCTT TC_059/060], for the RemoteStartTransaction handler: only a
 * TxProfile is accepted; it is kept for the connector and applies to the
 * transaction that starts there (SmartChargingService.onTransactionStarted).
 * Call it once the connector is chosen and before answering; answer the
 * RemoteStart with Rejected when this returns "Rejected". When no
 * transaction follows (RemoteStart rejected for another reason, or
 * ConnectionTimeOut), call `service.dropPendingTxProfile(connectorId)`.
 */
import type { SmartChargingService } from "./smart-charging-service";
import type { ChargingProfile } from "./types";

export function acceptRemoteStartChargingProfile(
  service: SmartChargingService,
  connectorId: number,
  chargingProfile: ChargingProfile,
  nowUtcMs: number,
): "Accepted" | "Rejected" {
  return service.acceptRemoteStartProfile(connectorId, chargingProfile, nowUtcMs).status;
}
