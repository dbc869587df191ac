import { validateDataTransferReq, type DataTransferConf, type DataTransferReq } from "ocpp/generated/ocpp16";
import type { CoreContext } from "./context";

/** Unknown vendorId → UnknownVendorId without data (OCTT TC_062). */
export function registerDataTransfer(ctx: CoreContext): void {
  ctx.engine.registerAction<DataTransferReq, DataTransferConf>("DataTransfer", validateDataTransferReq, (req) => {
    const handler = ctx.dataTransfer.get(req.vendorId);
    if (!handler) return { status: "UnknownVendorId" };
    const answer = handler(req.messageId, req.data);
    const conf: DataTransferConf = { status: answer.status };
    if (answer.data !== undefined) conf.data = answer.data;
    return conf;
  });
}
