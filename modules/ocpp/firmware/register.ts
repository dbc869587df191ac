/**
 * Registers the Firmware Management actions with the OCPP engine, each with
 * the request validator generated from its official schema.
 */
import { validateGetDiagnosticsReq, validateUpdateFirmwareReq } from "ocpp/generated/ocpp16";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { DiagnosticsService } from "./diagnostics-service";
import type { FirmwareService } from "./firmware-service";
import { createGetDiagnosticsHandler } from "./GetDiagnostics";
import { createUpdateFirmwareHandler } from "./UpdateFirmware";

export function registerFirmwareActions(
  engine: Pick<OcppEngine, "registerAction">,
  firmware: FirmwareService,
  diagnostics: DiagnosticsService,
): void {
  engine.registerAction("UpdateFirmware", validateUpdateFirmwareReq, createUpdateFirmwareHandler(firmware));
  engine.registerAction("GetDiagnostics", validateGetDiagnosticsReq, createGetDiagnosticsHandler(diagnostics));
}
