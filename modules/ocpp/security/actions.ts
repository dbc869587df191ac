/**
 * The Security white paper's CSMS-initiated actions, registered with its
 * one context; GetLog only with an HTTP client, SignedUpdateFirmware only
 * with Firmware Management.
 */
import type { OcppEngine } from "ocpp/rpc/engine";
import type { SecurityContext } from "./context";
import { handleCertificateSigned } from "./CertificateSigned";
import { handleDeleteCertificate } from "./DeleteCertificate";
import { handleExtendedTriggerMessage } from "./ExtendedTriggerMessage";
import { handleGetInstalledCertificateIds } from "./GetInstalledCertificateIds";
import { handleGetLog } from "./GetLog";
import { handleInstallCertificate } from "./InstallCertificate";
import { handleSignedUpdateFirmware } from "./SignedUpdateFirmware";

export function attachSecurityActions(engine: Pick<OcppEngine, "handle">, context: SecurityContext): void {
  engine.handle("InstallCertificate", handleInstallCertificate, context);
  engine.handle("GetInstalledCertificateIds", handleGetInstalledCertificateIds, context);
  engine.handle("DeleteCertificate", handleDeleteCertificate, context);
  engine.handle("ExtendedTriggerMessage", handleExtendedTriggerMessage, context);
  engine.handle("CertificateSigned", handleCertificateSigned, context);
  if (context.firmware) engine.handle("SignedUpdateFirmware", handleSignedUpdateFirmware, context);
  if (context.logs) engine.handle("GetLog", handleGetLog, context);
}
