/**
 * What TriggerMessage needs from the rest of the charge point: a way to send
 * each triggerable message now, with current data [SPEC 5.17]. It is the
 * context the TriggerMessage handler is registered with (./actions.ts). The
 * adapter over the ChargePoint services is ./charge-point-targets; tests may
 * fake it.
 */
import type { TriggerMessageReq } from "ocpp/generated/ocpp16";

export type TriggerableMessage = TriggerMessageReq["requestedMessage"];

/** Every message TriggerMessage can ask for [SPEC 5.17]; the bench API offers the same list. */
export const TRIGGERABLE_MESSAGES: readonly TriggerableMessage[] = Object.freeze([
  "BootNotification",
  "DiagnosticsStatusNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "MeterValues",
  "StatusNotification",
]);

export interface TriggerTargets {
  /** Connectors 1..count. */
  readonly connectorCount: number;
  /** False when a BootNotification must not be triggered now (already Accepted, ERR 3.35/3.40). */
  canSendBootNotification(): boolean;
  sendBootNotification(): void;
  sendHeartbeat(): void;
  /** StatusNotification of one connector (0 = the charge point). */
  sendStatusNotification(connectorId: number): void;
  /** MeterValues with context Trigger of one connector (1..count); false when it has no meter to read. */
  sendMeterValues(connectorId: number): boolean;
  /** Absent when Firmware Management is not built in (answered NotImplemented). */
  sendDiagnosticsStatus?(): void;
  sendFirmwareStatus?(): void;
}
