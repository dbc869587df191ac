/** ClearCache.req handler (OCPP 1.6 §2.2; OCTT TC_061). */
import type { ClearCacheConf, ClearCacheReq } from "ocpp/generated/ocpp16";
import type { LocalAuthService } from "./local-auth-service";

export type ClearCacheRequest = ClearCacheReq;
export type ClearCacheResponse = ClearCacheConf;

export function createClearCacheHandler(service: LocalAuthService): (request: ClearCacheRequest) => ClearCacheResponse {
  return () => ({ status: service.clearCache() });
}
