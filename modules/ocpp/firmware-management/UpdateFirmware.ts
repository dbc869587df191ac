/** UpdateFirmware.req → `{}` at once; the service downloads at retrieveDate [SPEC 5.19, ERR 3.63]. */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { UpdateFirmwareConf, UpdateFirmwareReq } from "ocpp/generated/ocpp16";
import type { FirmwareManagement } from "./attach";

export function handleUpdateFirmware(request: UpdateFirmwareReq, management: FirmwareManagement, call: HandlerContext): UpdateFirmwareConf {
  // Started after the answer so FirmwareStatusNotification never overtakes it.
  call.afterReply(() => management.firmware.update(request));
  return {};
}
