/**
 * The Remote Trigger profile on the charge point: what TriggerMessage can
 * send (firmware and diagnostics statuses only with Firmware Management),
 * and its action. The same targets serve ExtendedTriggerMessage of the
 * Security white paper (ocpp/security/attach.ts takes them).
 */
import { chargePointTriggerTargets, type ChargePointTargetsOptions } from "./charge-point-targets";
import { attachTriggerActions } from "./actions";
import type { TriggerTargets } from "./types";

/** The connectors, this boot's BootNotification request and Firmware Management's services when built in. */
export type TriggerDeps = Omit<ChargePointTargetsOptions, "chargePoint" | "bootNow">;

export function attachTrigger(chargePoint: ChargePointTargetsOptions["chargePoint"], deps: TriggerDeps): TriggerTargets {
  const targets = chargePointTriggerTargets({
    ...deps,
    chargePoint,
    // Through the registration service, so the answer to a triggered boot is handled.
    bootNow: () => chargePoint.registration.bootNow(),
  });
  attachTriggerActions(chargePoint.engine, targets);
  return targets;
}
