/**
 * The one ClearCache.req handler [SPEC 5.4, OCTT TC_061]: Accepted when the
 * Authorization Cache of the local model was emptied; Rejected without a cache [ERR 3.23].
 */
import type { ClearCacheConf, ClearCacheReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export function handleClearCache(_request: ClearCacheReq, context: CoreContext): ClearCacheConf {
  return { status: context.auth.clearCache() };
}
