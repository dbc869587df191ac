/**
 * LocalAuthListManagement profile: its keys (LocalAuthListMaxLength = the
 * store's real capacity), the list consulted only while LocalAuthListEnabled,
 * the service over list, cache and the registry's authorization keys (the
 * one authorization model the charge point's sessions and transactions use:
 * `auth.localAuth`), and the SendLocalList and GetLocalListVersion actions
 * (ClearCache is Core's, answered by this same service).
 */
import type { Clock } from "ports/clock";
import type { ChargePoint } from "ocpp/charge-point";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import { LOCAL_AUTH_LIST_KEYS, type LocalAuthSettings } from "ocpp/localauth/config-keys";
import { LocalAuthService } from "ocpp/localauth/local-auth-service";
import { attachLocalAuthActions } from "ocpp/localauth/actions";
import type { LocalAuthStores } from "boot/local-auth-stores";

/** The authorization settings as the configuration registry holds them. */
class RegistryLocalAuthSettings implements LocalAuthSettings {
  readonly #config: ConfigurationRegistry;
  constructor(config: ConfigurationRegistry) {
    this.#config = config;
  }
  localAuthListEnabled(): boolean {
    return this.#config.bool("LocalAuthListEnabled");
  }
  authorizationCacheEnabled(): boolean {
    return this.#config.bool("AuthorizationCacheEnabled");
  }
  localPreAuthorize(): boolean {
    return this.#config.bool("LocalPreAuthorize");
  }
  localAuthorizeOffline(): boolean {
    return this.#config.bool("LocalAuthorizeOffline");
  }
  allowOfflineTxForUnknownId(): boolean {
    return this.#config.bool("AllowOfflineTxForUnknownId");
  }
}

export function wireLocalAuth(chargePoint: ChargePoint, stores: LocalAuthStores, clock: Clock): LocalAuthService {
  const config = chargePoint.config;
  config.declareMissing(LOCAL_AUTH_LIST_KEYS, { LocalAuthListMaxLength: stores.list.maxEntries });
  const localAuth = new LocalAuthService({
    list: stores.list,
    cache: stores.cache,
    settings: new RegistryLocalAuthSettings(config),
    clock,
  });
  chargePoint.auth.localAuth = localAuth;
  attachLocalAuthActions(chargePoint.engine, localAuth);
  return localAuth;
}
