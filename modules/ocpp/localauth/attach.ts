/**
 * The LocalAuthListManagement profile on the charge point: its keys
 * (LocalAuthListMaxLength = the list store's real capacity), the list
 * consulted only while LocalAuthListEnabled, the service over list, cache
 * and the registry's authorization keys (the one authorization model the
 * charge point's sessions and transactions use: `auth.localAuth`), and the
 * SendLocalList and GetLocalListVersion actions (ClearCache is Core's,
 * answered by this same service).
 */
import type { Clock } from "ports/clock";
import type { ChargePoint } from "ocpp/charge-point";
import type { AuthorizationCache } from "./auth-cache";
import { LOCAL_AUTH_LIST_KEYS, RegistryLocalAuthSettings } from "./config-keys";
import { LocalAuthService } from "./local-auth-service";
import type { LocalListStore } from "./local-list-store";
import { attachLocalAuthActions } from "./actions";

export interface LocalAuthDeps {
  /** The Local Authorization List (the board: the "authlist" partition). */
  list: LocalListStore;
  /** The Authorization Cache. */
  cache: AuthorizationCache;
  clock: Clock;
}

export function attachLocalAuth(chargePoint: Pick<ChargePoint, "engine" | "config" | "auth">, deps: LocalAuthDeps): LocalAuthService {
  const config = chargePoint.config;
  config.declareMissing(LOCAL_AUTH_LIST_KEYS, { LocalAuthListMaxLength: deps.list.maxEntries });
  const localAuth = new LocalAuthService({
    list: deps.list,
    cache: deps.cache,
    settings: new RegistryLocalAuthSettings(config),
    clock: deps.clock,
  });
  chargePoint.auth.localAuth = localAuth;
  attachLocalAuthActions(chargePoint.engine, localAuth);
  return localAuth;
}
