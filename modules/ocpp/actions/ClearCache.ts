import { validateClearCacheReq, type ClearCacheConf, type ClearCacheReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

/**
 * The one ClearCache.req handler [SPEC 5.4, OCTT TC_061]: Accepted when the
 * Authorization Cache of the local model was emptied; Rejected without a cache [ERR 3.23].
 */
export function registerClearCache(ctx: CoreContext): void {
  ctx.engine.registerAction<ClearCacheReq, ClearCacheConf>("ClearCache", validateClearCacheReq, () => ({ status: ctx.auth.clearCache() }));
}
