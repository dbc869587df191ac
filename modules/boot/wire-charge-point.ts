/**
 * The OCPP charge point over the loop's connectors: the BootNotification of
 * this boot, the feature profiles it reports (FirmwareManagement only when
 * the platform has an HTTP client and a firmware slot), the connection
 * settings, the frame log and the local authorization stores.
 */
import type { LogLevel } from "ports/log";
import type { Platform } from "ports/platform";
import { ChargePoint } from "ocpp/charge-point";
import type { ChargePointHardware } from "ocpp/charge-point-hw";
import type { ConnectionSettings } from "ocpp/core/connection-settings";
import type { OcppFrameLog } from "ocpp/framelog/frame-log";
import type { BootNotificationReq } from "ocpp/generated/ocpp16";
import type { FlashQueue } from "storage/flash-queue";
import { connectionSettingsOf, type ChargerSettings } from "boot/settings";

const SUPPORTED_PROFILES = Object.freeze(["Core", "SmartCharging", "LocalAuthListManagement", "Reservation", "RemoteTrigger"]);

export interface ChargePointWiringOptions {
  platform: Platform;
  hardware: ChargePointHardware;
  journal: FlashQueue;
  settings: ChargerSettings;
  firmwareVersion: string;
  frameLog: OcppFrameLog;
  logLevel: LogLevel;
}

export interface WiredChargePoint {
  readonly chargePoint: ChargePoint;
  /** The BootNotification request of this boot (TriggerMessage sends it again). */
  readonly bootRequest: BootNotificationReq;
  /** The object the charge point resolves its connection from (Security sets CA list and profile in it). */
  readonly connection: ConnectionSettings;
}

export function createChargePoint(options: ChargePointWiringOptions): WiredChargePoint {
  const platform = options.platform;
  const supportedProfiles = platform.http && platform.firmwareSlot ? [...SUPPORTED_PROFILES, "FirmwareManagement"] : SUPPORTED_PROFILES;
  const bootRequest = {
    chargePointVendor: options.settings.chargePointVendor,
    chargePointModel: options.settings.chargePointModel,
    chargePointSerialNumber: options.settings.deviceId,
    firmwareVersion: options.firmwareVersion,
  };
  const connection = connectionSettingsOf(options.settings);
  const chargePoint = new ChargePoint({
    platform,
    hardware: options.hardware,
    journal: options.journal,
    settings: connection,
    boot: bootRequest,
    supportedProfiles,
    frameLog: options.frameLog,
    logLevel: options.logLevel,
  });
  return { chargePoint, bootRequest, connection };
}
