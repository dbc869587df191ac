/** GetConfiguration.req [SPEC 5.8]: the known keys asked for (all without a list), the unknown ones named. */
import type { GetConfigurationConf, GetConfigurationReq } from "ocpp/generated/ocpp16";
import { OcppCallError } from "ocpp/rpc/frame";
import type { CoreContext } from "./context";

export function handleGetConfiguration(request: GetConfigurationReq, context: CoreContext): GetConfigurationConf {
  const max = context.config.int("GetConfigurationMaxKeys");
  if (request.key && request.key.length > max) {
    throw new OcppCallError("OccurenceConstraintViolation", `at most ${max} keys (GetConfigurationMaxKeys)`);
  }
  const report = context.config.report(request.key);
  const conf: GetConfigurationConf = { configurationKey: report.configurationKey };
  if (report.unknownKey.length > 0) conf.unknownKey = report.unknownKey;
  return conf;
}
