/**
 * OCPP 1.6 Smart Charging message and data types, named after the spec.
 * They are the generated schema types (ocpp/generated/ocpp16), re-exported
 * under the names the spec uses, so handlers and schema checks agree.
 */
import type {
  ClearChargingProfileConf,
  ClearChargingProfileReq,
  GetCompositeScheduleConf,
  GetCompositeScheduleReq,
  SetChargingProfileConf,
  SetChargingProfileReq,
} from "ocpp/generated/ocpp16";

export type SetChargingProfileRequest = SetChargingProfileReq;
export type SetChargingProfileResponse = SetChargingProfileConf;
export type ClearChargingProfileRequest = ClearChargingProfileReq;
export type ClearChargingProfileResponse = ClearChargingProfileConf;
export type GetCompositeScheduleRequest = GetCompositeScheduleReq;
export type GetCompositeScheduleResponse = GetCompositeScheduleConf;

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
