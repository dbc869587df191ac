/**
 * ExtendedTriggerMessage [SEC §5, reference §2.8]: TriggerMessage's rules
 * and targets (the TriggerMessage handler answers the messages both know),
 * plus LogStatusNotification (the GetLog upload's state, Idle when none)
 * and SignChargePointCertificate (a new key pair and SignCertificate [SEC
 * A02]; NotImplemented without a random source, Rejected without CpoName).
 */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { ExtendedTriggerMessageConf, ExtendedTriggerMessageReq } from "ocpp/generated/ocpp16";
import { createTriggerMessageHandler } from "ocpp/trigger/TriggerMessage";
import type { TriggerTargets } from "ocpp/trigger/types";

export interface ExtendedTriggerTargets {
  trigger: TriggerTargets;
  /** LogStatusNotification now; absent when GetLog is not built in. */
  sendLogStatus?(): void;
  /** SignedFirmwareStatusNotification now (FirmwareStatusNotification here means the signed one [SEC L01]). */
  sendSignedFirmwareStatus?(): void;
  /** Whether a CSR can be made now ("NotImplemented": no random source; "Rejected": CpoName not set). */
  canSignCertificate?(): "Accepted" | "Rejected" | "NotImplemented";
  /** Makes a key pair and CSR and sends SignCertificate. */
  sendSignCertificate?(): void;
}

export function createExtendedTriggerMessageHandler(targets: ExtendedTriggerTargets) {
  const trigger = createTriggerMessageHandler(targets.trigger);
  return (request: ExtendedTriggerMessageReq, call: HandlerContext): ExtendedTriggerMessageConf => {
    const connectorId = request.connectorId;
    switch (request.requestedMessage) {
      case "LogStatusNotification": {
        const send = targets.sendLogStatus;
        if (send === undefined) return { status: "NotImplemented" };
        if (connectorId !== undefined && connectorId > targets.trigger.connectorCount) return { status: "Rejected" };
        call.afterReply(() => send.call(targets));
        return { status: "Accepted" };
      }
      case "FirmwareStatusNotification": {
        const send = targets.sendSignedFirmwareStatus;
        if (send === undefined) return trigger({ requestedMessage: request.requestedMessage, connectorId }, call);
        call.afterReply(() => send.call(targets));
        return { status: "Accepted" };
      }
      case "SignChargePointCertificate": {
        const send = targets.sendSignCertificate;
        const status = targets.canSignCertificate ? targets.canSignCertificate() : "NotImplemented";
        if (send === undefined || status !== "Accepted") return { status: send === undefined ? "NotImplemented" : status };
        call.afterReply(() => send.call(targets));
        return { status: "Accepted" };
      }
      default:
        return trigger({ requestedMessage: request.requestedMessage, connectorId }, call);
    }
  };
}
