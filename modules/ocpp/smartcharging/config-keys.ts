/**
 * The Smart Charging configuration keys [reference §3.4; SPEC 9.4]: all four
 * required, read-only, reported by GetConfiguration. Declared for the
 * configuration registry; their values are the firmware's own limits (not
 * persisted), and the service enforces them (SetChargingProfile → Rejected).
 */
import type { ConfigKeyDefinition, ConfigValue } from "ocpp/core/configuration";
import { DEFAULT_SMART_CHARGING_SETTINGS, type SmartChargingSettings } from "./smart-charging-service";
import type { AllowedChargingRateUnit } from "./types";

export const SMART_CHARGING_KEY = Object.freeze({
  maxStackLevel: "ChargeProfileMaxStackLevel",
  allowedUnits: "ChargingScheduleAllowedChargingRateUnit",
  maxPeriods: "ChargingScheduleMaxPeriods",
  maxProfiles: "MaxChargingProfilesInstalled",
} as const);

const UNITS: readonly AllowedChargingRateUnit[] = Object.freeze(["Current", "Power"] as const);

/** The keys as a constant table (flash on the board); their values come from `smartChargingKeyDefaults`. */
export const SMART_CHARGING_KEYS: readonly ConfigKeyDefinition[] = Object.freeze([
  Object.freeze({
    name: SMART_CHARGING_KEY.maxStackLevel,
    nvsKey: "ChgProfMaxStack",
    type: "integer",
    access: "R",
    default: DEFAULT_SMART_CHARGING_SETTINGS.maxStackLevel,
    volatile: true,
    description: "highest stackLevel a charging profile may have",
  } as const),
  Object.freeze({
    name: SMART_CHARGING_KEY.allowedUnits,
    nvsKey: "ChgSchedUnits",
    type: "csl",
    access: "R",
    default: DEFAULT_SMART_CHARGING_SETTINGS.allowedUnits.join(","),
    allowedItems: UNITS,
    maxItems: UNITS.length,
    volatile: true,
    description: "chargingRateUnit values accepted: Current (A) and/or Power (W)",
  } as const),
  Object.freeze({
    name: SMART_CHARGING_KEY.maxPeriods,
    nvsKey: "ChgSchedMaxPer",
    type: "integer",
    access: "R",
    default: DEFAULT_SMART_CHARGING_SETTINGS.maxPeriods,
    volatile: true,
    description: "most periods in one charging schedule",
  } as const),
  Object.freeze({
    name: SMART_CHARGING_KEY.maxProfiles,
    nvsKey: "MaxChgProfiles",
    type: "integer",
    access: "R",
    default: DEFAULT_SMART_CHARGING_SETTINGS.maxProfiles,
    volatile: true,
    description: "most charging profiles installed at once",
  } as const),
]);

/** The keys' values for limits other than the firmware's defaults (`declareAll(SMART_CHARGING_KEYS, …)`). */
export function smartChargingKeyDefaults(settings: Readonly<SmartChargingSettings>): Record<string, ConfigValue> {
  return {
    [SMART_CHARGING_KEY.maxStackLevel]: settings.maxStackLevel,
    [SMART_CHARGING_KEY.allowedUnits]: settings.allowedUnits.join(","),
    [SMART_CHARGING_KEY.maxPeriods]: settings.maxPeriods,
    [SMART_CHARGING_KEY.maxProfiles]: settings.maxProfiles,
  };
}

/** The settings as a registry holding the keys reports them. */
export function smartChargingSettingsFrom(registry: { int(name: string): number; list(name: string): string[] }): SmartChargingSettings {
  const units = registry
    .list(SMART_CHARGING_KEY.allowedUnits)
    .filter((unit): unit is AllowedChargingRateUnit => unit === "Current" || unit === "Power");
  return {
    maxStackLevel: registry.int(SMART_CHARGING_KEY.maxStackLevel),
    allowedUnits: units,
    maxPeriods: registry.int(SMART_CHARGING_KEY.maxPeriods),
    maxProfiles: registry.int(SMART_CHARGING_KEY.maxProfiles),
  };
}
