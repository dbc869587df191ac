/**
 * Configuration keys of the authorization features (OCPP 1.6 §3.1, §3.2),
 * as a constant table for the configuration registry, and the settings view
 * the service reads them through.
 */
import type { ConfigKeyDefinition, ConfigurationRegistry } from "ocpp/core/configuration";

export const LOCAL_AUTH_DEFAULTS = Object.freeze({
  localAuthListMaxLength: 1000,
  sendLocalListMaxLength: 250,
  authorizationCacheCapacity: 64,
} as const);

/** Keys of the LocalAuthListManagement profile; LocalAuthListMaxLength's value is the list store's real capacity. */
export const LOCAL_AUTH_LIST_KEYS: readonly ConfigKeyDefinition[] = Object.freeze([
  Object.freeze({ name: "LocalAuthListEnabled", nvsKey: "LocalListOn", type: "boolean", access: "RW", default: true } as const),
  Object.freeze({
    name: "LocalAuthListMaxLength",
    nvsKey: "LocalListMax",
    type: "integer",
    access: "R",
    default: LOCAL_AUTH_DEFAULTS.localAuthListMaxLength,
    volatile: true,
  } as const),
  Object.freeze({
    name: "SendLocalListMaxLength",
    nvsKey: "SendListMax",
    type: "integer",
    access: "R",
    default: LOCAL_AUTH_DEFAULTS.sendLocalListMaxLength,
    volatile: true,
  } as const),
]);

/** What the service needs to know of the configuration, read at each decision. */
export interface LocalAuthSettings {
  localAuthListEnabled(): boolean;
  authorizationCacheEnabled(): boolean;
  localPreAuthorize(): boolean;
  localAuthorizeOffline(): boolean;
  allowOfflineTxForUnknownId(): boolean;
}

/** The settings as the configuration registry holds them (the charge point's keys). */
export class RegistryLocalAuthSettings implements LocalAuthSettings {
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

/** Plain mutable settings (tests, or until the configuration registry provides them). */
export class FixedLocalAuthSettings implements LocalAuthSettings {
  listEnabled = true;
  cacheEnabled = true;
  preAuthorize = false;
  authorizeOffline = true;
  offlineTxForUnknownId = false;

  constructor(
    initial: Partial<
      Pick<FixedLocalAuthSettings, "listEnabled" | "cacheEnabled" | "preAuthorize" | "authorizeOffline" | "offlineTxForUnknownId">
    > = {},
  ) {
    Object.assign(this, initial);
  }

  localAuthListEnabled(): boolean {
    return this.listEnabled;
  }
  authorizationCacheEnabled(): boolean {
    return this.cacheEnabled;
  }
  localPreAuthorize(): boolean {
    return this.preAuthorize;
  }
  localAuthorizeOffline(): boolean {
    return this.authorizeOffline;
  }
  allowOfflineTxForUnknownId(): boolean {
    return this.offlineTxForUnknownId;
  }
}
