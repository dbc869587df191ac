/**
 * Registers the Security white paper's CSMS-initiated actions with the OCPP
 * engine, each with the request validator generated from its schema.
 */
import type { Logger } from "ports/log";
import type { OcppEngine } from "ocpp/rpc/engine";
import {
  validateDeleteCertificateReq,
  validateExtendedTriggerMessageReq,
  validateGetInstalledCertificateIdsReq,
  validateGetLogReq,
  validateInstallCertificateReq,
  validateSignedUpdateFirmwareReq,
  validateCertificateSignedReq,
} from "ocpp/generated/ocpp16";
import type { CertificateStore } from "./certificate-store";
import type { LogService } from "./log-service";
import type { SecurityEventService } from "./security-events";
import { createDeleteCertificateHandler } from "./DeleteCertificate";
import { createExtendedTriggerMessageHandler, type ExtendedTriggerTargets } from "./ExtendedTriggerMessage";
import { createGetInstalledCertificateIdsHandler } from "./GetInstalledCertificateIds";
import { createGetLogHandler } from "./GetLog";
import { createInstallCertificateHandler } from "./InstallCertificate";
import { createCertificateSignedHandler, type CertificateSignedDeps } from "./CertificateSigned";
import { createSignedUpdateFirmwareHandler, type SignedUpdateFirmwareDeps } from "./SignedUpdateFirmware";

export interface SecurityActions {
  certificates: CertificateStore;
  events: SecurityEventService;
  log: Logger;
  /** GetLog; absent without an HTTP client (the action is then not registered). */
  logs?: LogService;
  /** The connection runs over TLS (the last CentralSystemRootCertificate cannot be deleted). */
  tlsInUse: () => boolean;
  trigger: ExtendedTriggerTargets;
  /** SignedUpdateFirmware; absent without Firmware Management. */
  signedFirmware?: SignedUpdateFirmwareDeps;
  certificateSigned: CertificateSignedDeps;
}

export function registerSecurityActions(engine: Pick<OcppEngine, "registerAction">, actions: SecurityActions): void {
  engine.registerAction(
    "InstallCertificate",
    validateInstallCertificateReq,
    createInstallCertificateHandler(actions.certificates, actions.events, actions.log),
  );
  engine.registerAction(
    "GetInstalledCertificateIds",
    validateGetInstalledCertificateIdsReq,
    createGetInstalledCertificateIdsHandler(actions.certificates),
  );
  engine.registerAction(
    "DeleteCertificate",
    validateDeleteCertificateReq,
    createDeleteCertificateHandler(actions.certificates, actions.tlsInUse),
  );
  engine.registerAction("ExtendedTriggerMessage", validateExtendedTriggerMessageReq, createExtendedTriggerMessageHandler(actions.trigger));
  engine.registerAction("CertificateSigned", validateCertificateSignedReq, createCertificateSignedHandler(actions.certificateSigned));
  if (actions.signedFirmware)
    engine.registerAction(
      "SignedUpdateFirmware",
      validateSignedUpdateFirmwareReq,
      createSignedUpdateFirmwareHandler(actions.signedFirmware),
    );
  if (actions.logs) engine.registerAction("GetLog", validateGetLogReq, createGetLogHandler(actions.logs));
}
