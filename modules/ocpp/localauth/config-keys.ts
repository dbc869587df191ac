/**
 * Configuration keys of the authorization features (OCPP 1.6 §3.1, §3.2),
 * declared as data for the configuration registry, and the settings view
 * the service reads them through.
 */

/** One configuration key as the registry should declare it. */
export interface ConfigKeyDeclaration {
  key: string;
  type: "boolean" | "integer";
  /** "R" = read-only, "RW" = read-write. */
  access: "R" | "RW";
  defaultValue: boolean | number;
  /** Lowest accepted integer (ChangeConfiguration below it → Rejected). */
  min?: number;
}

export const LOCAL_AUTH_DEFAULTS = {
  localAuthListMaxLength: 1000,
  sendLocalListMaxLength: 250,
  authorizationCacheCapacity: 64,
} as const;

/** Keys of the LocalAuthListManagement profile. */
export const LOCAL_AUTH_LIST_KEYS: readonly ConfigKeyDeclaration[] = [
  { key: "LocalAuthListEnabled", type: "boolean", access: "RW", defaultValue: true },
  { key: "LocalAuthListMaxLength", type: "integer", access: "R", defaultValue: LOCAL_AUTH_DEFAULTS.localAuthListMaxLength },
  { key: "SendLocalListMaxLength", type: "integer", access: "R", defaultValue: LOCAL_AUTH_DEFAULTS.sendLocalListMaxLength },
];

/** What the service needs to know of the configuration, read at each decision. */
export interface LocalAuthSettings {
  localAuthListEnabled(): boolean;
  authorizationCacheEnabled(): boolean;
  localPreAuthorize(): boolean;
  localAuthorizeOffline(): boolean;
  allowOfflineTxForUnknownId(): boolean;
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
