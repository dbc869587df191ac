/**
 * ChangeConfiguration.req [SPEC 5.3]: the configuration registry decides;
 * AuthorizationKey is a write-only secret with its own rules [SEC A01].
 */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { ChangeConfigurationConf, ChangeConfigurationReq } from "ocpp/generated/ocpp16";
import { isValidAuthorizationKey } from "./connection-settings";
import type { CoreContext } from "./context";

/** Wait between the Accepted answer to a new AuthorizationKey and the reconnect with it. */
export const AUTH_KEY_RECONNECT_DELAY_MS = 1000;

export function handleChangeConfiguration(
  request: ChangeConfigurationReq,
  context: CoreContext,
  call: HandlerContext,
): ChangeConfigurationConf {
  if (request.key.toLowerCase() === "authorizationkey") {
    // Write-only secret: validated, persisted, never logged; reconnect after the answer [SEC A01].
    if (!isValidAuthorizationKey(request.value, context.config.bool("UseAuthorizationKeyWithoutDecoding"))) return { status: "Rejected" };
    // The previous key is kept (stored first: a power cut in between loses neither) until the
    // new one logged in, since a CSMS may miss this answer.
    context.authKey.changing(context.config.string("AuthorizationKey"), request.value);
    const status = context.config.change("AuthorizationKey", request.value);
    if (status !== "Accepted") return { status };
    // Not at once: the CSMS must get and process the answer before the socket closes (TC_073).
    call.afterReply(() => context.connection.reconnectSoon(AUTH_KEY_RECONNECT_DELAY_MS));
    return { status };
  }
  const status = context.config.change(request.key, request.value);
  context.log.info(`ChangeConfiguration ${request.key}: ${status}`);
  return { status };
}
