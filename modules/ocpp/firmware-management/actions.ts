/** The Firmware Management profile's CS-initiated actions, registered with its one context: the two services. */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { FirmwareManagement } from "./attach";
import { handleGetDiagnostics } from "./GetDiagnostics";
import { handleUpdateFirmware } from "./UpdateFirmware";

export function attachFirmwareActions(engine: Pick<OcppEngine, "handle">, management: FirmwareManagement): void {
  engine.handle("UpdateFirmware", handleUpdateFirmware, management);
  engine.handle("GetDiagnostics", handleGetDiagnostics, management);
}
