/**
 * Authorization of an idTag [SPEC 3.5, 4.5 of our reference]: the local
 * model (Local List, then the cache; ocpp/localauth) decides to start, to
 * refuse or to ask the CSMS (Authorize.req); offline per
 * LocalAuthorizeOffline / AllowOfflineTxForUnknownId. Every IdTagInfo the
 * CSMS sends goes back into that model, which tells of Local List conflicts.
 * The message itself: ./Authorize.ts.
 */
import type { CoreServicePorts } from "./context";
import type { Logger } from "ports/log";
import type { AuthorizeConf } from "ocpp/generated/ocpp16";
import { idTagInfoAllowsCharging, sendAuthorize } from "./Authorize";

/** IdTagInfo [SPEC 7.17] as Authorize, StartTransaction and StopTransaction.conf carry it. */
export type IdTagInfo = AuthorizeConf["idTagInfo"];
export type AuthorizationStatus = IdTagInfo["status"];

/**
 * The one local authorization model (ocpp/localauth LocalAuthService over
 * the Local List and the Authorization Cache): §4.5 precedence and what a
 * CSMS answer changes. The charge point asks nothing else about idTags.
 */
export interface LocalAuthority {
  /** The local decision for a presented idTag: start now, ask the CSMS (Authorize.req) or refuse. */
  authorize(
    idTag: string,
    online: boolean,
  ): { action: "accept" | "authorize" | "reject"; source: "list" | "cache" | "none"; idTagInfo?: IdTagInfo };
  /** An IdTagInfo from Authorize/Start/StopTransaction.conf: cached unless listed; `listConflict` when the list says otherwise. */
  updateFromCsms(idTag: string, idTagInfo: IdTagInfo): { cached: boolean; listConflict: boolean };
  /** ClearCache.req. */
  clearCache(): "Accepted" | "Rejected";
  /** What the Local List (first) or the cache knows of an idTag. */
  lookup(idTag: string): { source: "list" | "cache"; idTagInfo: IdTagInfo } | undefined;
}

export interface AuthorizationDecision {
  accepted: boolean;
  info: IdTagInfo;
  /** Where the answer came from. */
  source: "list" | "cache" | "csms" | "offline-unknown" | "refused";
}

export interface AuthorizationServiceOptions {
  ports: CoreServicePorts;
  log: Logger;
  /** A CSMS answer conflicts with the Local List: StatusNotification LocalListConflict [SPEC 3.5.2]. */
  onListConflict?: (idTag: string, csmsStatus: AuthorizationStatus) => void;
}

export class AuthorizationService {
  readonly #ports: CoreServicePorts;
  readonly #log: Logger;
  readonly #onListConflict: ((idTag: string, csmsStatus: AuthorizationStatus) => void) | undefined;
  /** The Local List and cache (set by the LocalAuthListManagement wiring); without it only the CSMS decides. */
  localAuth: LocalAuthority | undefined;

  constructor(options: AuthorizationServiceOptions) {
    this.#ports = options.ports;
    this.#log = options.log;
    this.#onListConflict = options.onListConflict;
  }

  /** Local knowledge of an idTag (Local List first, then the cache), without asking the CSMS. */
  local(idTag: string): { info: IdTagInfo; source: "list" | "cache" } | undefined {
    const known = this.localAuth?.lookup(idTag);
    return known ? { info: known.idTagInfo, source: known.source } : undefined;
  }

  /** ClearCache [SPEC 5.4]: Rejected without a cache [ERR 3.23]. */
  clearCache(): "Accepted" | "Rejected" {
    return this.localAuth ? this.localAuth.clearCache() : "Rejected";
  }

  /**
   * An IdTagInfo from Authorize.conf, StartTransaction.conf or
   * StopTransaction.conf: into the cache unless listed [SPEC 3.5.1, 3.5.3];
   * a listed idTag the CSMS gives another status is a LocalListConflict [SPEC 3.5.2].
   */
  remember(idTag: string, info: IdTagInfo): void {
    const local = this.localAuth;
    if (!local) return;
    const outcome = local.updateFromCsms(idTag, info);
    if (!outcome.listConflict) return;
    this.#log.warn(`Local List conflict: the CSMS answered ${info.status} for a listed idTag`);
    this.#onListConflict?.(idTag, info.status);
  }

  async authorize(idTag: string): Promise<AuthorizationDecision> {
    const online = this.#ports.engine.online && this.#ports.engine.accepted;
    const local = this.#localDecision(idTag, online);
    if (local.action !== "authorize") return this.#decided(local);
    try {
      const conf = await sendAuthorize(this.#ports.engine, idTag);
      this.remember(idTag, conf.idTagInfo);
      return { accepted: idTagInfoAllowsCharging(conf.idTagInfo, this.#ports.time.clock), info: conf.idTagInfo, source: "csms" };
    } catch (error) {
      this.#log.warn(`Authorize failed, deciding offline: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.#decided(this.#localDecision(idTag, false));
  }

  #localDecision(idTag: string, online: boolean): ReturnType<LocalAuthority["authorize"]> {
    if (this.localAuth) return this.localAuth.authorize(idTag, online);
    if (online) return { action: "authorize", source: "none" };
    return { action: this.#ports.config.bool("AllowOfflineTxForUnknownId") ? "accept" : "reject", source: "none" };
  }

  #decided(local: ReturnType<LocalAuthority["authorize"]>): AuthorizationDecision {
    const source = local.source;
    if (local.action === "accept") {
      return { accepted: true, info: local.idTagInfo ?? { status: "Accepted" }, source: source === "none" ? "offline-unknown" : source };
    }
    return { accepted: false, info: local.idTagInfo ?? { status: "Invalid" }, source: source === "list" ? "list" : "refused" };
  }
}
