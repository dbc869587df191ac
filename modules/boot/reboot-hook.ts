/**
 * The reboot the firmware hands to the loop, Reset and Firmware Management:
 * the platform's handler (or a warning when there is none), with
 * ResetOrReboot recorded in the security log first, once Security is
 * attached; the next boot sends it [SEC A04].
 */
import type { Logger } from "ports/log";
import type { Security } from "ocpp/security/attach";

export interface RebootHook {
  /** Restarts the charger (hard = whole hardware). */
  readonly reboot: (hard: boolean) => void;
  /** From now on each reboot is recorded in this security log. */
  logTo(security: Security): void;
}

export function securityLoggedReboot(onReboot: ((hard: boolean) => void) | undefined, log: Logger): RebootHook {
  const rebootNow = onReboot ?? ((hard: boolean): void => log.warn(`reboot (${hard ? "hard" : "soft"}) requested; no reboot handler`));
  let security: Security | undefined;
  return {
    reboot: (hard: boolean): void => {
      security?.events.record("ResetOrReboot", hard ? "hard reset" : "soft reset", true);
      rebootNow(hard);
    },
    logTo(attached: Security): void {
      security = attached;
    },
  };
}
