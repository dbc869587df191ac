// OCPP 1.6J payload types as the development CSMS uses them, taken from the project's types generated
// from the official schemas (ocpp/generated/ocpp16). Type-only: ocpp-rpc's strict mode does the checking.
import type * as Ocpp from "ocpp/generated/ocpp16";

export type IdTagInfo = Ocpp.AuthorizeConf["idTagInfo"];
export type MeterValue = Ocpp.MeterValuesReq["meterValue"][number];
export type ChargingProfile = Ocpp.SetChargingProfileReq["csChargingProfiles"];
export type ChargingProfilePurpose = ChargingProfile["chargingProfilePurpose"];

export type BootNotificationReq = Ocpp.BootNotificationReq;
export type StatusNotificationReq = Ocpp.StatusNotificationReq;
export type StartTransactionReq = Ocpp.StartTransactionReq;
export type StopTransactionReq = Ocpp.StopTransactionReq;
export type MeterValuesReq = Ocpp.MeterValuesReq;

/** Every CSMS-initiated action of OCPP 1.6 and of the security white paper: request and response. */
export interface CsmsCalls {
  CancelReservation: { req: Ocpp.CancelReservationReq; res: Ocpp.CancelReservationConf };
  ChangeAvailability: { req: Ocpp.ChangeAvailabilityReq; res: Ocpp.ChangeAvailabilityConf };
  ChangeConfiguration: { req: Ocpp.ChangeConfigurationReq; res: Ocpp.ChangeConfigurationConf };
  ClearCache: { req: Ocpp.ClearCacheReq; res: Ocpp.ClearCacheConf };
  ClearChargingProfile: { req: Ocpp.ClearChargingProfileReq; res: Ocpp.ClearChargingProfileConf };
  DataTransfer: { req: Ocpp.DataTransferReq; res: Ocpp.DataTransferConf };
  GetCompositeSchedule: { req: Ocpp.GetCompositeScheduleReq; res: Ocpp.GetCompositeScheduleConf };
  GetConfiguration: { req: Ocpp.GetConfigurationReq; res: Ocpp.GetConfigurationConf };
  GetDiagnostics: { req: Ocpp.GetDiagnosticsReq; res: Ocpp.GetDiagnosticsConf };
  GetLocalListVersion: { req: Ocpp.GetLocalListVersionReq; res: Ocpp.GetLocalListVersionConf };
  RemoteStartTransaction: { req: Ocpp.RemoteStartTransactionReq; res: Ocpp.RemoteStartTransactionConf };
  RemoteStopTransaction: { req: Ocpp.RemoteStopTransactionReq; res: Ocpp.RemoteStopTransactionConf };
  ReserveNow: { req: Ocpp.ReserveNowReq; res: Ocpp.ReserveNowConf };
  Reset: { req: Ocpp.ResetReq; res: Ocpp.ResetConf };
  SendLocalList: { req: Ocpp.SendLocalListReq; res: Ocpp.SendLocalListConf };
  SetChargingProfile: { req: Ocpp.SetChargingProfileReq; res: Ocpp.SetChargingProfileConf };
  TriggerMessage: { req: Ocpp.TriggerMessageReq; res: Ocpp.TriggerMessageConf };
  UnlockConnector: { req: Ocpp.UnlockConnectorReq; res: Ocpp.UnlockConnectorConf };
  UpdateFirmware: { req: Ocpp.UpdateFirmwareReq; res: Ocpp.UpdateFirmwareConf };
  CertificateSigned: { req: Ocpp.CertificateSignedReq; res: Ocpp.CertificateSignedConf };
  DeleteCertificate: { req: Ocpp.DeleteCertificateReq; res: Ocpp.DeleteCertificateConf };
  ExtendedTriggerMessage: { req: Ocpp.ExtendedTriggerMessageReq; res: Ocpp.ExtendedTriggerMessageConf };
  GetInstalledCertificateIds: { req: Ocpp.GetInstalledCertificateIdsReq; res: Ocpp.GetInstalledCertificateIdsConf };
  GetLog: { req: Ocpp.GetLogReq; res: Ocpp.GetLogConf };
  InstallCertificate: { req: Ocpp.InstallCertificateReq; res: Ocpp.InstallCertificateConf };
  SignedUpdateFirmware: { req: Ocpp.SignedUpdateFirmwareReq; res: Ocpp.SignedUpdateFirmwareConf };
}

export type CsmsAction = keyof CsmsCalls;
export type CsmsRequest<A extends CsmsAction> = CsmsCalls[A]["req"];
export type CsmsResponse<A extends CsmsAction> = CsmsCalls[A]["res"];

// Written as an object so the compiler checks the list is complete: a missing or extra key fails.
const ACTION_SET: { readonly [A in CsmsAction]: true } = {
  CancelReservation: true,
  ChangeAvailability: true,
  ChangeConfiguration: true,
  ClearCache: true,
  ClearChargingProfile: true,
  DataTransfer: true,
  GetCompositeSchedule: true,
  GetConfiguration: true,
  GetDiagnostics: true,
  GetLocalListVersion: true,
  RemoteStartTransaction: true,
  RemoteStopTransaction: true,
  ReserveNow: true,
  Reset: true,
  SendLocalList: true,
  SetChargingProfile: true,
  TriggerMessage: true,
  UnlockConnector: true,
  UpdateFirmware: true,
  CertificateSigned: true,
  DeleteCertificate: true,
  ExtendedTriggerMessage: true,
  GetInstalledCertificateIds: true,
  GetLog: true,
  InstallCertificate: true,
  SignedUpdateFirmware: true,
};

/** Names of every CSMS-initiated action. */
export const CSMS_ACTIONS: readonly CsmsAction[] = Object.keys(ACTION_SET) as CsmsAction[];
