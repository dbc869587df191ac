import { validateChangeConfigurationReq, type ChangeConfigurationConf, type ChangeConfigurationReq } from "ocpp/generated/ocpp16";
import { isValidAuthorizationKey } from "ocpp/core/connection-settings";
import type { CoreContext } from "./context";

export function registerChangeConfiguration(ctx: CoreContext): void {
  ctx.engine.registerAction<ChangeConfigurationReq, ChangeConfigurationConf>("ChangeConfiguration", validateChangeConfigurationReq, (req, call) => {
    if (req.key.toLowerCase() === "authorizationkey") {
      // Write-only secret: validated, persisted, never logged; reconnect after the answer [SEC A01].
      if (!isValidAuthorizationKey(req.value, ctx.config.bool("UseAuthorizationKeyWithoutDecoding"))) return { status: "Rejected" };
      const status = ctx.config.change("AuthorizationKey", req.value);
      if (status === "Accepted") call.afterReply(() => ctx.connection.reconnect());
      return { status };
    }
    const status = ctx.config.change(req.key, req.value);
    ctx.log.info(`ChangeConfiguration ${req.key}: ${status}`);
    return { status };
  });
}
