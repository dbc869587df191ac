/**
 * Authorization of an idTag [SPEC 3.5, 4.5 of our reference]: Local List
 * first, then the cache, then Authorize.req online; offline per
 * LocalAuthorizeOffline / AllowOfflineTxForUnknownId. The list and the
 * cache are other services (ocpp/localauth): this file only defines what it
 * needs from them.
 */
import type { Logger } from "ports/log";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { AuthorizeConf } from "ocpp/generated/ocpp16";
import type { ConfigurationRegistry } from "./configuration";
import type { TimeKeeper } from "./timestamps";
import { parseIsoUtcMsLenient } from "util/iso8601";

export type AuthorizationStatus = "Accepted" | "Blocked" | "Expired" | "Invalid" | "ConcurrentTx";

export interface IdTagInfo {
  status: AuthorizationStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

/** Local Authorization List (LocalAuthListManagement profile). */
export interface LocalAuthList {
  /** The entry of `idTag`, or undefined when not listed or the list is disabled. */
  lookup(idTag: string): IdTagInfo | undefined;
}

/** Authorization Cache. */
export interface AuthorizationCache {
  get(idTag: string): IdTagInfo | undefined;
  put(idTag: string, info: IdTagInfo): void;
  clear(): void;
}

export interface AuthorizationDecision {
  accepted: boolean;
  info: IdTagInfo;
  /** Where the answer came from. */
  source: "list" | "cache" | "csms" | "offline-unknown" | "refused";
}

export class AuthorizationService {
  readonly #engine: OcppEngine;
  readonly #config: ConfigurationRegistry;
  readonly #time: TimeKeeper;
  readonly #log: Logger;
  localList: LocalAuthList | undefined;
  cache: AuthorizationCache | undefined;

  constructor(options: { engine: OcppEngine; config: ConfigurationRegistry; time: TimeKeeper; log: Logger; localList?: LocalAuthList; cache?: AuthorizationCache }) {
    this.#engine = options.engine;
    this.#config = options.config;
    this.#time = options.time;
    this.#log = options.log;
    this.localList = options.localList;
    this.cache = options.cache;
  }

  #valid(info: IdTagInfo | undefined): boolean {
    if (!info || (info.status !== "Accepted" && info.status !== "ConcurrentTx")) return false;
    if (info.expiryDate !== undefined && this.#time.clock.isSynced()) {
      const expiry = parseIsoUtcMsLenient(info.expiryDate);
      if (Number.isFinite(expiry) && expiry < this.#time.clock.utcMs()) return false;
    }
    return true;
  }

  /** Local knowledge of an idTag: list entry wins over the cache. */
  local(idTag: string): { info: IdTagInfo; source: "list" | "cache" } | undefined {
    const listed = this.localList?.lookup(idTag);
    if (listed) return { info: listed, source: "list" };
    if (this.cache && this.#config.bool("AuthorizationCacheEnabled")) {
      const cached = this.cache.get(idTag);
      if (cached) return { info: cached, source: "cache" };
    }
    return undefined;
  }

  /** Stores an IdTagInfo from Authorize/Start/StopTransaction.conf (not for listed ids). */
  remember(idTag: string, info: IdTagInfo): void {
    if (!this.cache || !this.#config.bool("AuthorizationCacheEnabled")) return;
    if (this.localList?.lookup(idTag)) return;
    this.cache.put(idTag, info);
  }

  async authorize(idTag: string): Promise<AuthorizationDecision> {
    const known = this.local(idTag);
    const knownValid = known !== undefined && this.#valid(known.info);
    if (known?.source === "list" && !knownValid) return { accepted: false, info: known.info, source: "list" };
    const online = this.#engine.online && this.#engine.accepted;
    if (online) {
      if (knownValid && this.#config.bool("LocalPreAuthorize")) return { accepted: true, info: known.info, source: known.source };
      try {
        const conf = await this.#engine.call<AuthorizeConf>("Authorize", { idTag }, { failWhenOffline: true });
        this.remember(idTag, conf.idTagInfo);
        return { accepted: this.#valid(conf.idTagInfo), info: conf.idTagInfo, source: "csms" };
      } catch (error) {
        this.#log.warn(`Authorize failed, deciding offline: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (knownValid && this.#config.bool("LocalAuthorizeOffline")) return { accepted: true, info: known.info, source: known.source };
    if (!known && this.#config.bool("AllowOfflineTxForUnknownId")) return { accepted: true, info: { status: "Accepted" }, source: "offline-unknown" };
    return { accepted: false, info: known ? known.info : { status: "Invalid" }, source: "refused" };
  }
}
