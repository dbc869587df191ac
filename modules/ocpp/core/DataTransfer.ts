/**
 * DataTransfer.req from the CSMS [SPEC 5.6]: the vendor's handler answers;
 * an unknown vendorId → UnknownVendorId without data (OCTT TC_062). The
 * charge point sends no DataTransfer of its own.
 */
import type { DataTransferConf, DataTransferReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

export function handleDataTransfer(request: DataTransferReq, context: CoreContext): DataTransferConf {
  const vendor = context.dataTransfer.get(request.vendorId);
  if (!vendor) return { status: "UnknownVendorId" };
  const answer = vendor(request.messageId, request.data);
  const conf: DataTransferConf = { status: answer.status };
  if (answer.data !== undefined) conf.data = answer.data;
  return conf;
}
