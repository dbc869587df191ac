/**
 * OCPP 1.6 Smart Charging data types, named after the spec. They are parts
 * of the generated schema types (ocpp/generated/ocpp16), so handlers and
 * schema checks agree; the messages themselves use the generated types.
 */
import type { SetChargingProfileReq } from "ocpp/generated/ocpp16";

/** ChargingProfile [SPEC 7.8]. */
export type ChargingProfile = SetChargingProfileReq["csChargingProfiles"];
/** ChargingSchedule [SPEC 7.13]. */
export type ChargingSchedule = ChargingProfile["chargingSchedule"];
/** ChargingSchedulePeriod [SPEC 7.14]. */
export type ChargingSchedulePeriod = ChargingSchedule["chargingSchedulePeriod"][number];

export const ChargingProfilePurpose = {
  ChargePointMaxProfile: "ChargePointMaxProfile",
  TxDefaultProfile: "TxDefaultProfile",
  TxProfile: "TxProfile",
} as const;
export type ChargingProfilePurpose = (typeof ChargingProfilePurpose)[keyof typeof ChargingProfilePurpose];

export const ChargingProfileKind = {
  Absolute: "Absolute",
  Recurring: "Recurring",
  Relative: "Relative",
} as const;
export type ChargingProfileKind = (typeof ChargingProfileKind)[keyof typeof ChargingProfileKind];

export const ChargingRateUnit = { A: "A", W: "W" } as const;
export type ChargingRateUnit = (typeof ChargingRateUnit)[keyof typeof ChargingRateUnit];

/** Values of the ChargingScheduleAllowedChargingRateUnit CSL [ERR 3.86]. */
export type AllowedChargingRateUnit = "Current" | "Power";
