/**
 * Remote Trigger profile: what TriggerMessage can send on this charger
 * (firmware and diagnostics statuses only with Firmware Management); the
 * same targets serve ExtendedTriggerMessage of the Security white paper.
 */
import type { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import type { FirmwareManagement } from "ocpp/firmware-management/attach";
import type { BootNotificationReq } from "ocpp/generated/ocpp16";
import { chargePointTriggerTargets } from "ocpp/trigger/charge-point-targets";
import { attachTriggerActions } from "ocpp/trigger/actions";
import type { TriggerTargets } from "ocpp/trigger/types";

export function wireTrigger(
  chargePoint: ChargePoint,
  connectors: readonly ChargePointConnector[],
  bootRequest: BootNotificationReq,
  management: FirmwareManagement | undefined,
): TriggerTargets {
  const triggerTargets = chargePointTriggerTargets({
    chargePoint,
    connectors,
    boot: bootRequest,
    bootNow: () => chargePoint.registration.bootNow(),
    firmware: management?.firmware,
    diagnostics: management?.diagnostics,
  });
  attachTriggerActions(chargePoint.engine, triggerTargets);
  return triggerTargets;
}
