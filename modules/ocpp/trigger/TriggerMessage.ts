/**
 * TriggerMessage [SPEC 5.17, reference §4.12]: the answer goes first, the
 * requested message after it (HandlerContext.afterReply).
 * - connectorId > NumberOfConnectors ⇒ Rejected (OCTT TC_055);
 * - connectorId ignored where irrelevant (Boot, Heartbeat, Diagnostics/Firmware status);
 * - StatusNotification without connectorId: connector 0 and every connector;
 *   MeterValues without connectorId (or 0): every connector (no main meter);
 * - BootNotification once Accepted ⇒ Rejected (recommended by ERR 3.35/3.40);
 * - a message this build does not know or serve ⇒ NotImplemented.
 */
import type { HandlerContext, RequestValidator } from "ocpp/rpc/engine";
import { validateTriggerMessageReq, type TriggerMessageConf, type TriggerMessageReq } from "ocpp/generated/ocpp16";
import { TRIGGERABLE_MESSAGES, type TriggerTargets, type TriggerableMessage } from "./types";

function isTriggerable(message: string): message is TriggerableMessage {
  return (TRIGGERABLE_MESSAGES as readonly string[]).indexOf(message) >= 0;
}

/** TriggerMessage.req as `validateTriggerRequest` lets it through: any requestedMessage string. */
export type TriggerRequest = Omit<TriggerMessageReq, "requestedMessage"> & { requestedMessage: string };

/**
 * The generated validator, except that an unknown requestedMessage string
 * passes: the specification wants NotImplemented for it, not a CALLERROR.
 */
export const validateTriggerRequest: RequestValidator = (value) => {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const requested = (value as Record<string, unknown>).requestedMessage;
    if (typeof requested === "string" && !isTriggerable(requested)) {
      return validateTriggerMessageReq({ ...(value as Record<string, unknown>), requestedMessage: "Heartbeat" });
    }
  }
  return validateTriggerMessageReq(value);
};

export function handleTriggerMessage(request: TriggerRequest, targets: TriggerTargets, call: HandlerContext): TriggerMessageConf {
  const message = request.requestedMessage;
  if (!isTriggerable(message)) return { status: "NotImplemented" };
  const connectorId = request.connectorId;
  if (connectorId !== undefined && (connectorId < 0 || connectorId > targets.connectorCount)) return { status: "Rejected" };
  switch (message) {
    case "BootNotification":
      if (!targets.canSendBootNotification()) return { status: "Rejected" };
      call.afterReply(() => targets.sendBootNotification());
      return { status: "Accepted" };
    case "Heartbeat":
      call.afterReply(() => targets.sendHeartbeat());
      return { status: "Accepted" };
    case "DiagnosticsStatusNotification": {
      const send = targets.sendDiagnosticsStatus;
      if (send === undefined) return { status: "NotImplemented" };
      call.afterReply(() => send.call(targets));
      return { status: "Accepted" };
    }
    case "FirmwareStatusNotification": {
      const send = targets.sendFirmwareStatus;
      if (send === undefined) return { status: "NotImplemented" };
      call.afterReply(() => send.call(targets));
      return { status: "Accepted" };
    }
    case "StatusNotification":
      call.afterReply(() => {
        if (connectorId !== undefined) targets.sendStatusNotification(connectorId);
        else for (let id = 0; id <= targets.connectorCount; id++) targets.sendStatusNotification(id);
      });
      return { status: "Accepted" };
    case "MeterValues":
      if (connectorId !== undefined && connectorId > 0) {
        call.afterReply(() => {
          targets.sendMeterValues(connectorId);
        });
      } else {
        call.afterReply(() => {
          for (let id = 1; id <= targets.connectorCount; id++) targets.sendMeterValues(id);
        });
      }
      return { status: "Accepted" };
  }
  return { status: "NotImplemented" };
}
