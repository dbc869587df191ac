import { validateGetConfigurationReq, type GetConfigurationConf, type GetConfigurationReq } from "ocpp/generated/ocpp16";
import { OcppCallError } from "ocpp/rpc/frame";
import type { CoreContext } from "./context";

export function registerGetConfiguration(ctx: CoreContext): void {
  ctx.engine.registerAction<GetConfigurationReq, GetConfigurationConf>("GetConfiguration", validateGetConfigurationReq, (req) => {
    const max = ctx.config.int("GetConfigurationMaxKeys");
    if (req.key && req.key.length > max) {
      throw new OcppCallError("OccurenceConstraintViolation", `at most ${max} keys (GetConfigurationMaxKeys)`);
    }
    const report = ctx.config.report(req.key);
    const conf: GetConfigurationConf = { configurationKey: report.configurationKey };
    if (report.unknownKey.length > 0) conf.unknownKey = report.unknownKey;
    return conf;
  });
}
