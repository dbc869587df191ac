/**
 * Authorize [SPEC 4.1, 3.5]: asked only when the local model (Local List,
 * cache) leaves the decision to the CSMS, and only while online: it fails at
 * once offline, and the offline rules decide (./authorization-service.ts).
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { Clock } from "ports/clock";
import type { AuthorizeConf } from "ocpp/generated/ocpp16";
import { parseIsoUtcMsLenient } from "util/iso8601";

const AUTHORIZE_CALL: CallOptions = Object.freeze({ failWhenOffline: true });

export function sendAuthorize(engine: Pick<OcppEngine, "call">, idTag: string): Promise<AuthorizeConf> {
  return engine.call("Authorize", { idTag }, AUTHORIZE_CALL);
}

/** Whether the IdTagInfo of a CSMS answer lets the idTag charge: Accepted (or ConcurrentTx) and not past its expiryDate. */
export function idTagInfoAllowsCharging(info: AuthorizeConf["idTagInfo"], clock: Pick<Clock, "isSynced" | "utcMs">): boolean {
  if (info.status !== "Accepted" && info.status !== "ConcurrentTx") return false;
  if (info.expiryDate !== undefined && clock.isSynced()) {
    const expiry = parseIsoUtcMsLenient(info.expiryDate);
    if (Number.isFinite(expiry) && expiry < clock.utcMs()) return false;
  }
  return true;
}
