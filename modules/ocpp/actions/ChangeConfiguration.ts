import { validateChangeConfigurationReq, type ChangeConfigurationConf, type ChangeConfigurationReq } from "ocpp/generated/ocpp16";
import { isValidAuthorizationKey } from "ocpp/core/connection-settings";
import type { CoreContext } from "./context";

/** Wait between the Accepted answer to a new AuthorizationKey and the reconnect with it. */
export const AUTH_KEY_RECONNECT_DELAY_MS = 1000;

export function registerChangeConfiguration(ctx: CoreContext): void {
  ctx.engine.registerAction<ChangeConfigurationReq, ChangeConfigurationConf>(
    "ChangeConfiguration",
    validateChangeConfigurationReq,
    (req, call) => {
      if (req.key.toLowerCase() === "authorizationkey") {
        // Write-only secret: validated, persisted, never logged; reconnect after the answer [SEC A01].
        if (!isValidAuthorizationKey(req.value, ctx.config.bool("UseAuthorizationKeyWithoutDecoding"))) return { status: "Rejected" };
        // The previous key is kept (stored first: a power cut in between loses neither) until the
        // new one logged in, since a CSMS may miss this answer.
        ctx.authKey.changing(ctx.config.string("AuthorizationKey"), req.value);
        const status = ctx.config.change("AuthorizationKey", req.value);
        if (status !== "Accepted") return { status };
        // Not at once: the CSMS must get and process the answer before the socket closes (TC_073).
        call.afterReply(() => ctx.connection.reconnectSoon(AUTH_KEY_RECONNECT_DELAY_MS));
        return { status };
      }
      const status = ctx.config.change(req.key, req.value);
      ctx.log.info(`ChangeConfiguration ${req.key}: ${status}`);
      return { status };
    },
  );
}
