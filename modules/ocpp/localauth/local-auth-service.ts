/**
 * Local authorization: the Local Authorization List (flash), the
 * Authorization Cache (NVS) and the precedence rules of OCPP 1.6 §4.5
 * (SPEC 3.5) in one place: the one authorization model of the booted
 * firmware (core AuthorizationService asks it through `auth.localAuth` for
 * every presented idTag and hands it every IdTagInfo the CSMS sends, which
 * is where LocalListConflict is found). Knows nothing of JSON frames; the
 * action handlers (SendLocalList.ts, GetLocalListVersion.ts, Core's
 * ClearCache) call it.
 */
import type { Clock } from "ports/clock";
import { AuthorizationCache } from "./auth-cache";
import { LOCAL_AUTH_DEFAULTS, type LocalAuthSettings } from "./config-keys";
import { parseIsoUtcMsLenient } from "util/iso8601";
import type { LocalListStore } from "./local-list-store";
import { sameIdTag, type IdTagInfo, type LocalListEntry } from "./types";

export type SendLocalListStatus = "Accepted" | "Failed" | "NotSupported" | "VersionMismatch";

export interface SendLocalListInput {
  listVersion: number;
  updateType: "Full" | "Differential";
  localAuthorizationList?: LocalListEntry[];
}

/** Where a local decision came from. */
export type AuthSource = "list" | "cache" | "none";

/**
 * What to do with a presented idTag:
 * - "accept": start now (LocalPreAuthorize online, LocalAuthorizeOffline or
 *   AllowOfflineTxForUnknownId offline);
 * - "authorize": send Authorize.req and use its answer;
 * - "reject": refuse (listed/cached as not valid while offline, or unknown offline).
 * `idTagInfo` is the local knowledge with lapsed validity shown as Expired.
 */
export interface LocalAuthDecision {
  action: "accept" | "authorize" | "reject";
  source: AuthSource;
  idTagInfo?: IdTagInfo;
}

/** May `presented` stop a transaction started by another tag (SPEC 3.10, OCTT TC_068/069)? */
export type StopPermission = "same-tag" | "same-parent" | "authorize" | "refuse";

export interface LocalAuthServiceOptions {
  list?: LocalListStore;
  cache: AuthorizationCache;
  settings: LocalAuthSettings;
  clock: Clock;
  /** SendLocalListMaxLength; default 250. */
  sendLocalListMaxLength?: number;
}

export class LocalAuthService {
  readonly sendLocalListMaxLength: number;
  #list: LocalListStore | undefined;
  #cache: AuthorizationCache;
  #settings: LocalAuthSettings;
  #clock: Clock;

  constructor(options: LocalAuthServiceOptions) {
    this.#list = options.list;
    this.#cache = options.cache;
    this.#settings = options.settings;
    this.#clock = options.clock;
    this.sendLocalListMaxLength = options.sendLocalListMaxLength ?? LOCAL_AUTH_DEFAULTS.sendLocalListMaxLength;
  }

  /** True when the LocalAuthListManagement profile is built in. */
  get listSupported(): boolean {
    return this.#list !== undefined;
  }

  /** LocalAuthListMaxLength. */
  get localAuthListMaxLength(): number {
    return this.#list ? this.#list.maxEntries : 0;
  }

  /**
   * GetLocalListVersion: -1 without Local List support or while
   * LocalAuthListEnabled is false (SendLocalList is NotSupported then too),
   * 0 for an empty list [SPEC 5.10, TC_042_1, TC_042_2].
   */
  getLocalListVersion(): number {
    if (!this.#list || !this.#settings.localAuthListEnabled()) return -1;
    return this.#list.count === 0 ? 0 : this.#list.version;
  }

  /** SendLocalList (§2.4; OCTT TC_042_2, TC_043, TC_043_1..3). */
  sendLocalList(request: SendLocalListInput): SendLocalListStatus {
    const list = this.#list;
    if (!list || !this.#settings.localAuthListEnabled()) return "NotSupported";
    const entries = request.localAuthorizationList ?? [];
    if (!Number.isInteger(request.listVersion)) return "Failed";
    if (entries.length > this.sendLocalListMaxLength) return "Failed";
    let result: string;
    try {
      if (request.updateType === "Differential") {
        if (request.listVersion <= list.version) return "VersionMismatch";
        result = list.applyDifferential(request.listVersion, entries);
      } else if (request.updateType === "Full") {
        result = list.replaceAll(request.listVersion, entries);
      } else return "Failed";
    } catch {
      // A flash failure leaves the previous list in force (the new bank is never committed).
      return "Failed";
    }
    if (result !== "ok") return "Failed";
    // Listed ids are never kept in the cache [SPEC 3.5.3].
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].idTagInfo) this.#cache.remove(entries[i].idTag);
    }
    return "Accepted";
  }

  /** ClearCache: empties the Authorization Cache (OCTT TC_061). */
  clearCache(): "Accepted" | "Rejected" {
    this.#cache.clear();
    return "Accepted";
  }

  /** Local knowledge of an idTag: Local List first (when enabled), then the cache (when enabled). */
  lookup(idTag: string): { source: "list" | "cache"; idTagInfo: IdTagInfo } | undefined {
    if (this.#list && this.#settings.localAuthListEnabled()) {
      const listed = this.#listLookup(idTag);
      if (listed) return { source: "list", idTagInfo: this.#effective(listed) };
    }
    if (this.#settings.authorizationCacheEnabled()) {
      const cached = this.#cache.get(idTag);
      if (cached) {
        const effective = this.#effective(cached);
        // Lapsed cache entries become Expired [SPEC 3.5.1].
        if (effective.status !== cached.status) this.#cache.put(idTag, effective);
        return { source: "cache", idTagInfo: effective };
      }
    }
    return undefined;
  }

  /** The local decision for a presented idTag (§4.5 precedence). */
  authorize(idTag: string, online: boolean): LocalAuthDecision {
    const known = this.lookup(idTag);
    if (known) {
      const status = known.idTagInfo.status;
      const valid = status === "Accepted" || (known.source === "list" && status === "ConcurrentTx");
      if (valid) {
        const startNow = online ? this.#settings.localPreAuthorize() : this.#settings.localAuthorizeOffline();
        return { action: startNow ? "accept" : online ? "authorize" : "reject", source: known.source, idTagInfo: known.idTagInfo };
      }
      // The Local List's word is final; a non-valid cache entry is re-checked online [SPEC 3.5.1, 3.5.4].
      const ask = online && known.source === "cache";
      return { action: ask ? "authorize" : "reject", source: known.source, idTagInfo: known.idTagInfo };
    }
    if (online) return { action: "authorize", source: "none" };
    return { action: this.#settings.allowOfflineTxForUnknownId() ? "accept" : "reject", source: "none" };
  }

  /**
   * Stores an IdTagInfo received in Authorize.conf, StartTransaction.conf or
   * StopTransaction.conf in the cache, unless the idTag is in the Local
   * List; `listConflict` asks for a StatusNotification LocalListConflict [SPEC 3.5.2].
   */
  updateFromCsms(idTag: string, idTagInfo: IdTagInfo): { cached: boolean; listConflict: boolean } {
    const listed = this.#list ? this.#listLookup(idTag) : undefined;
    if (listed) {
      const conflict = this.#settings.localAuthListEnabled() && this.#effective(listed).status !== idTagInfo.status;
      return { cached: false, listConflict: conflict };
    }
    if (!this.#settings.authorizationCacheEnabled()) return { cached: false, listConflict: false };
    return { cached: this.#cache.put(idTag, idTagInfo), listConflict: false };
  }

  /**
   * May `presentedIdTag` stop the transaction started by `startIdTag`?
   * Same tag: yes without Authorize. Another tag: yes when it is valid and
   * has the same parentIdTag (from the transaction, the list or the cache);
   * unknown locally and online: "authorize", then `parentMatches` on the answer.
   */
  mayStop(startIdTag: string, startParentIdTag: string | undefined, presentedIdTag: string, online: boolean): StopPermission {
    if (sameIdTag(startIdTag, presentedIdTag)) return "same-tag";
    const startParent = startParentIdTag ?? this.lookup(startIdTag)?.idTagInfo.parentIdTag;
    if (startParent === undefined) return "refuse";
    const known = this.lookup(presentedIdTag);
    if (known && known.idTagInfo.status === "Accepted") return this.parentMatches(startParent, known.idTagInfo) ? "same-parent" : "refuse";
    if (known && known.source === "list") return "refuse";
    return online ? "authorize" : "refuse";
  }

  /** True when `info` is valid and belongs to the group `parentIdTag`. */
  parentMatches(parentIdTag: string | undefined, info: IdTagInfo): boolean {
    return info.status === "Accepted" && !this.#lapsed(info) && sameIdTag(parentIdTag, info.parentIdTag);
  }

  #listLookup(idTag: string): IdTagInfo | undefined {
    try {
      return this.#list?.lookup(idTag);
    } catch {
      return undefined;
    }
  }

  #lapsed(info: IdTagInfo): boolean {
    if (info.expiryDate === undefined) return false;
    const expiresMs = parseIsoUtcMsLenient(info.expiryDate);
    return Number.isFinite(expiresMs) && expiresMs <= this.#clock.utcMs();
  }

  /** Accepted/ConcurrentTx past expiryDate reads as Expired. */
  #effective(info: IdTagInfo): IdTagInfo {
    if ((info.status === "Accepted" || info.status === "ConcurrentTx") && this.#lapsed(info)) {
      const expired: IdTagInfo = { status: "Expired", expiryDate: info.expiryDate };
      if (info.parentIdTag !== undefined) expired.parentIdTag = info.parentIdTag;
      return expired;
    }
    return info;
  }
}
