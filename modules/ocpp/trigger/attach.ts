/**
 * The Remote Trigger profile on the charge point: what TriggerMessage can
 * send (firmware and diagnostics statuses only with Firmware Management),
 * and its action. The same targets serve ExtendedTriggerMessage of the
 * Security white paper (ocpp/security/attach.ts takes them).
 */
import { chargePointTriggerTargets, type TriggerChargePoint, type TriggerDeps } from "./charge-point-targets";
import { attachTriggerActions } from "./actions";
import type { TriggerTargets } from "./types";

export function attachTrigger(chargePoint: TriggerChargePoint, deps: TriggerDeps): TriggerTargets {
  // Through the registration service, so the answer to a triggered boot is handled.
  const targets = chargePointTriggerTargets(chargePoint, deps, true);
  attachTriggerActions(chargePoint.engine, targets);
  return targets;
}
