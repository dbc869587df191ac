/**
 * OCPP 1.6 Security white paper: events and security log, root
 * certificates, SecurityProfile, GetLog. The security log has its own
 * partition ("seclog"), RAM when the board has none.
 */
import type { FlashPartition } from "ports/flash";
import type { Logger } from "ports/log";
import type { Platform } from "ports/platform";
import type { ChargePoint } from "ocpp/charge-point";
import type { ConnectionSettings } from "ocpp/core/connection-settings";
import { attachSecurity, type Security } from "ocpp/security/attach";
import type { TriggerTargets } from "ocpp/trigger/types";
import type { FirmwareService } from "ocpp/firmware-management/firmware-service";

export interface SecurityWiringOptions {
  chargePoint: ChargePoint;
  /** The object the charge point resolves its connection from. */
  connection: ConnectionSettings;
  /** Its timers are the firmware's tracked ones. */
  platform: Platform;
  deviceName: string;
  firmwareVersion: string;
  triggerTargets: TriggerTargets;
  frameLogText: () => string;
  log: Logger;
  /** Firmware Management's service: SignedUpdateFirmware runs through it. */
  firmware?: FirmwareService;
}

export function wireSecurity(options: SecurityWiringOptions): Security {
  const platform = options.platform;
  let seclog: FlashPartition | undefined;
  try {
    seclog = platform.openFlash("seclog");
  } catch (error) {
    options.log.warn(`no seclog partition: ${(error as Error).message}`);
  }
  return attachSecurity(options.chargePoint, {
    connectionSettings: options.connection,
    kv: platform.kv,
    timers: platform.timers,
    logFlash: seclog,
    http: platform.http,
    deviceName: options.deviceName,
    firmwareVersion: options.firmwareVersion,
    triggerTargets: options.triggerTargets,
    frameLogText: options.frameLogText,
    firmware: options.firmware,
    randomBytes: platform.randomBytes ? (length) => platform.randomBytes!(length) : undefined,
  });
}
