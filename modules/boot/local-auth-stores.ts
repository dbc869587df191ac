/**
 * The Local Authorization List ("authlist" partition) and the
 * Authorization Cache (NVS), opened before the charge point; the
 * LocalAuthListManagement wiring puts the one authorization model over them
 * (LocalAuthService, which reads LocalAuthListEnabled itself).
 */
import type { Platform } from "ports/platform";
import { AuthorizationCache } from "ocpp/localauth/auth-cache";
import { LocalListStore } from "ocpp/localauth/local-list-store";

export interface LocalAuthStores {
  readonly list: LocalListStore;
  readonly cache: AuthorizationCache;
}

export function openLocalAuthStores(platform: Platform): LocalAuthStores {
  const list = new LocalListStore(platform.openFlash("authlist"));
  const cache = new AuthorizationCache(platform.kv, { nowUtcMs: () => platform.clock.utcMs() });
  return { list, cache };
}
