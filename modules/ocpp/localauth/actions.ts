/**
 * The LocalAuthListManagement profile's CS-initiated actions, registered
 * with its one context: the LocalAuthService. (ClearCache is Core's,
 * answered by this same service through the charge point's authorization.)
 */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { LocalAuthService } from "./local-auth-service";
import { handleGetLocalListVersion } from "./GetLocalListVersion";
import { handleSendLocalList } from "./SendLocalList";

export function attachLocalAuthActions(engine: Pick<OcppEngine, "handle">, service: LocalAuthService): void {
  engine.handle("SendLocalList", handleSendLocalList, service);
  engine.handle("GetLocalListVersion", handleGetLocalListVersion, service);
}
