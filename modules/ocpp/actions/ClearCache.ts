import { validateClearCacheReq, type ClearCacheConf, type ClearCacheReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

/** Accepted when a cache exists and was emptied; Rejected without a cache [ERR 3.23]. */
export function registerClearCache(ctx: CoreContext): void {
  ctx.engine.registerAction<ClearCacheReq, ClearCacheConf>("ClearCache", validateClearCacheReq, () => {
    if (!ctx.auth.cache) return { status: "Rejected" };
    ctx.auth.cache.clear();
    return { status: "Accepted" };
  });
}
