/**
 * Remote Trigger profile (ocpp/trigger/attach.ts) over the loop's
 * connectors, with Firmware Management's statuses when the platform has it.
 */
import type { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import type { FirmwareManagement } from "ocpp/firmware-management/attach";
import type { BootNotificationReq } from "ocpp/generated/ocpp16";
import { attachTrigger } from "ocpp/trigger/attach";
import type { TriggerTargets } from "ocpp/trigger/types";

export function wireTrigger(
  chargePoint: ChargePoint,
  connectors: readonly ChargePointConnector[],
  bootRequest: BootNotificationReq,
  management: FirmwareManagement | undefined,
): TriggerTargets {
  return attachTrigger(chargePoint, {
    connectors,
    boot: bootRequest,
    firmware: management?.firmware,
    diagnostics: management?.diagnostics,
  });
}
