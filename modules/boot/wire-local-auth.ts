/**
 * LocalAuthListManagement profile (ocpp/localauth/attach.ts) over the
 * stores the boot opened (boot/local-auth-stores.ts) and the platform's
 * clock.
 */
import type { Clock } from "ports/clock";
import type { ChargePoint } from "ocpp/charge-point";
import { attachLocalAuth } from "ocpp/localauth/attach";
import type { LocalAuthService } from "ocpp/localauth/local-auth-service";
import type { LocalAuthStores } from "boot/local-auth-stores";

export function wireLocalAuth(chargePoint: ChargePoint, stores: LocalAuthStores, clock: Clock): LocalAuthService {
  return attachLocalAuth(chargePoint, { list: stores.list, cache: stores.cache, clock });
}
