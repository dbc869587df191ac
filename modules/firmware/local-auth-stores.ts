/**
 * The Local Authorization List ("authlist" partition) and the
 * Authorization Cache (NVS), opened before the charge point, and the two
 * views of them the charge point consults. The list answers only while
 * LocalAuthListEnabled is true, once the key exists (`readEnabledFrom`).
 */
import type { Platform } from "ports/platform";
import type { AuthorizationCache as CachePort, LocalAuthList } from "ocpp/core/authorization";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import { AuthorizationCache } from "ocpp/localauth/auth-cache";
import { LocalListStore } from "ocpp/localauth/local-list-store";

export interface LocalAuthStores {
  readonly list: LocalListStore;
  readonly cache: AuthorizationCache;
  /** What the charge point's authorization asks of the list and the cache. */
  readonly localList: LocalAuthList;
  readonly cachePort: CachePort;
  /** From now on the list answers only while `LocalAuthListEnabled` is true. */
  readEnabledFrom(config: ConfigurationRegistry): void;
}

export function openLocalAuthStores(platform: Platform): LocalAuthStores {
  const list = new LocalListStore(platform.openFlash("authlist"));
  const cache = new AuthorizationCache(platform.kv, { nowUtcMs: () => platform.clock.utcMs() });
  let listEnabled = (): boolean => true;
  return {
    list,
    cache,
    localList: { lookup: (idTag) => (listEnabled() ? list.lookup(idTag) : undefined) },
    cachePort: {
      get: (idTag) => cache.get(idTag),
      put: (idTag, info) => {
        cache.put(idTag, info);
      },
      clear: () => cache.clear(),
    },
    readEnabledFrom(config: ConfigurationRegistry): void {
      listEnabled = () => config.bool("LocalAuthListEnabled");
    },
  };
}
