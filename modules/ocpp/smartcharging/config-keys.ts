/**
 * The Smart Charging configuration keys [reference §3.4; SPEC 9.4], all
 * required and read-only, as declarations the configuration registry can
 * take: the service enforces them (SetChargingProfile → Rejected).
 */
import type { SmartChargingSettings } from "./service";

export interface SmartChargingKeyDeclaration {
  readonly key: string;
  readonly readonly: true;
  readonly type: "int" | "csl";
  /** The value as GetConfiguration reports it. */
  readonly value: string;
}

export function smartChargingConfigurationKeys(settings: Readonly<SmartChargingSettings>): SmartChargingKeyDeclaration[] {
  return [
    { key: "ChargeProfileMaxStackLevel", readonly: true, type: "int", value: String(settings.maxStackLevel) },
    { key: "ChargingScheduleAllowedChargingRateUnit", readonly: true, type: "csl", value: settings.allowedUnits.join(",") },
    { key: "ChargingScheduleMaxPeriods", readonly: true, type: "int", value: String(settings.maxPeriods) },
    { key: "MaxChargingProfilesInstalled", readonly: true, type: "int", value: String(settings.maxProfiles) },
  ];
}
