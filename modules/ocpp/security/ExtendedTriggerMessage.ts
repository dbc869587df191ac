/**
 * ExtendedTriggerMessage [SEC §5, reference §2.8]: TriggerMessage's rules
 * and targets (the TriggerMessage handler answers the messages both know),
 * plus LogStatusNotification (the GetLog upload's state, Idle when none),
 * SignedFirmwareStatusNotification for FirmwareStatusNotification when
 * Firmware Management is built in [SEC L01], and SignChargePointCertificate
 * (a new key pair and SignCertificate [SEC A02]; NotImplemented without a
 * random source, Rejected without CpoName).
 */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { ExtendedTriggerMessageConf, ExtendedTriggerMessageReq } from "ocpp/generated/ocpp16";
import { handleTriggerMessage } from "ocpp/trigger/TriggerMessage";
import type { SecurityContext } from "./context";
import { sendSignCertificate, signCertificateStatus } from "./SignCertificate";

export function handleExtendedTriggerMessage(
  request: ExtendedTriggerMessageReq,
  context: SecurityContext,
  call: HandlerContext,
): ExtendedTriggerMessageConf {
  const connectorId = request.connectorId;
  switch (request.requestedMessage) {
    case "LogStatusNotification": {
      const logs = context.logs;
      if (logs === undefined) return { status: "NotImplemented" };
      if (connectorId !== undefined && connectorId > context.trigger.connectorCount) return { status: "Rejected" };
      call.afterReply(() => logs.sendTriggeredStatus());
      return { status: "Accepted" };
    }
    case "FirmwareStatusNotification": {
      const firmware = context.firmware;
      if (firmware === undefined) return handleTriggerMessage(request, context.trigger, call);
      call.afterReply(() => firmware.sendTriggeredSignedStatus());
      return { status: "Accepted" };
    }
    case "SignChargePointCertificate": {
      const status = signCertificateStatus(context);
      if (status !== "Accepted") return { status };
      call.afterReply(() => sendSignCertificate(context));
      return { status: "Accepted" };
    }
    default:
      return handleTriggerMessage(request, context.trigger, call);
  }
}
