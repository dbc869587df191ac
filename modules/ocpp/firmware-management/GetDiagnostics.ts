/** GetDiagnostics.req → fileName (omitted when there is nothing to send), then the upload [SPEC 5.9]. */
import type { HandlerContext } from "ocpp/rpc/engine";
import type { GetDiagnosticsConf, GetDiagnosticsReq } from "ocpp/generated/ocpp16";
import type { FirmwareManagement } from "./attach";

export function handleGetDiagnostics(request: GetDiagnosticsReq, management: FirmwareManagement, call: HandlerContext): GetDiagnosticsConf {
  const prepared = management.diagnostics.prepare(request);
  if (prepared === undefined) return {};
  call.afterReply(prepared.startUpload);
  return { fileName: prepared.fileName };
}
