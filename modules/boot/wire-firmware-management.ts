/**
 * Firmware Management profile (UpdateFirmware, GetDiagnostics), only when
 * the platform can download and store an image (`http` and `firmwareSlot`);
 * with TCP it also offers FTP in SupportedFileTransferProtocols.
 */
import type { Platform } from "ports/platform";
import type { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import { attachFirmwareManagement, type FirmwareManagement } from "ocpp/firmware-management/attach";
import { PROTOCOLS_WITH_FTP } from "ocpp/firmware-management/config-keys";
import { fileTransferClient } from "boot/file-transfer-client";

export interface FirmwareManagementWiringOptions {
  chargePoint: ChargePoint;
  connectors: readonly ChargePointConnector[];
  /** Its timers are the firmware's tracked ones. */
  platform: Platform;
  /** Restarts the charger (hard = whole hardware). */
  reboot: (hard: boolean) => void;
  firmwareVersion: string;
  deviceName: string;
  frameLogText: () => string;
}

export function wireFirmwareManagement(options: FirmwareManagementWiringOptions): FirmwareManagement | undefined {
  const { chargePoint, platform } = options;
  const http = platform.http;
  const slot = platform.firmwareSlot;
  if (!http || !slot) return undefined;
  const management = attachFirmwareManagement(chargePoint, {
    connectors: options.connectors,
    timers: platform.timers,
    kv: platform.kv,
    http: fileTransferClient(http, platform.tcp, platform.timers),
    slot,
    reboot: () => options.reboot(true),
    firmwareVersion: options.firmwareVersion,
    deviceName: options.deviceName,
    frameLogText: options.frameLogText,
  });
  if (platform.tcp) chargePoint.config.setLocal("SupportedFileTransferProtocols", PROTOCOLS_WITH_FTP);
  return management;
}
