// OCPP 1.6J payload shapes as the development CSMS sees them (OCPP 1.6 edition 2 schemas plus the
// security white paper). Only what the CSMS reads or sends is typed; ocpp-rpc's strict mode checks
// every frame against the official JSON schemas, so these types are a convenience, not the guard.

export type AuthorizationStatus = "Accepted" | "Blocked" | "Expired" | "Invalid" | "ConcurrentTx";

export interface IdTagInfo {
  status: AuthorizationStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

export interface SampledValue {
  value: string;
  context?: string;
  format?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unit?: string;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

export interface ChargingSchedulePeriod {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

export interface ChargingSchedule {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: "A" | "W";
  chargingSchedulePeriod: ChargingSchedulePeriod[];
  minChargingRate?: number;
}

export type ChargingProfilePurpose = "ChargePointMaxProfile" | "TxDefaultProfile" | "TxProfile";

export interface ChargingProfile {
  chargingProfileId: number;
  transactionId?: number;
  stackLevel: number;
  chargingProfilePurpose: ChargingProfilePurpose;
  chargingProfileKind: "Absolute" | "Recurring" | "Relative";
  recurrencyKind?: "Daily" | "Weekly";
  validFrom?: string;
  validTo?: string;
  chargingSchedule: ChargingSchedule;
}

export interface CertificateHashData {
  hashAlgorithm: "SHA256" | "SHA384" | "SHA512";
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

export type CertificateUse = "CentralSystemRootCertificate" | "ManufacturerRootCertificate";

type Status<S extends string> = { status: S };

/** Every CSMS-initiated action: request and response payloads. */
export interface CsmsCalls {
  CancelReservation: { req: { reservationId: number }; res: Status<"Accepted" | "Rejected"> };
  ChangeAvailability: {
    req: { connectorId: number; type: "Inoperative" | "Operative" };
    res: Status<"Accepted" | "Rejected" | "Scheduled">;
  };
  ChangeConfiguration: {
    req: { key: string; value: string };
    res: Status<"Accepted" | "Rejected" | "RebootRequired" | "NotSupported">;
  };
  ClearCache: { req: Record<string, never>; res: Status<"Accepted" | "Rejected"> };
  ClearChargingProfile: {
    req: { id?: number; connectorId?: number; chargingProfilePurpose?: ChargingProfilePurpose; stackLevel?: number };
    res: Status<"Accepted" | "Unknown">;
  };
  DataTransfer: {
    req: { vendorId: string; messageId?: string; data?: string };
    res: { status: "Accepted" | "Rejected" | "UnknownMessageId" | "UnknownVendorId"; data?: string };
  };
  GetCompositeSchedule: {
    req: { connectorId: number; duration: number; chargingRateUnit?: "A" | "W" };
    res: { status: "Accepted" | "Rejected"; connectorId?: number; scheduleStart?: string; chargingSchedule?: ChargingSchedule };
  };
  GetConfiguration: {
    req: { key?: string[] };
    res: { configurationKey?: { key: string; readonly: boolean; value?: string }[]; unknownKey?: string[] };
  };
  GetDiagnostics: {
    req: { location: string; retries?: number; retryInterval?: number; startTime?: string; stopTime?: string };
    res: { fileName?: string };
  };
  GetLocalListVersion: { req: Record<string, never>; res: { listVersion: number } };
  RemoteStartTransaction: {
    req: { idTag: string; connectorId?: number; chargingProfile?: ChargingProfile };
    res: Status<"Accepted" | "Rejected">;
  };
  RemoteStopTransaction: { req: { transactionId: number }; res: Status<"Accepted" | "Rejected"> };
  ReserveNow: {
    req: { connectorId: number; expiryDate: string; idTag: string; parentIdTag?: string; reservationId: number };
    res: Status<"Accepted" | "Faulted" | "Occupied" | "Rejected" | "Unavailable">;
  };
  Reset: { req: { type: "Hard" | "Soft" }; res: Status<"Accepted" | "Rejected"> };
  SendLocalList: {
    req: {
      listVersion: number;
      updateType: "Differential" | "Full";
      localAuthorizationList?: { idTag: string; idTagInfo?: IdTagInfo }[];
    };
    res: Status<"Accepted" | "Failed" | "NotSupported" | "VersionMismatch">;
  };
  SetChargingProfile: {
    req: { connectorId: number; csChargingProfiles: ChargingProfile };
    res: Status<"Accepted" | "Rejected" | "NotSupported">;
  };
  TriggerMessage: {
    req: {
      requestedMessage:
        | "BootNotification"
        | "DiagnosticsStatusNotification"
        | "FirmwareStatusNotification"
        | "Heartbeat"
        | "MeterValues"
        | "StatusNotification";
      connectorId?: number;
    };
    res: Status<"Accepted" | "Rejected" | "NotImplemented">;
  };
  UnlockConnector: { req: { connectorId: number }; res: Status<"Unlocked" | "UnlockFailed" | "NotSupported"> };
  UpdateFirmware: {
    req: { location: string; retrieveDate: string; retries?: number; retryInterval?: number };
    res: Record<string, never>;
  };
  // Security white paper (edition 2) messages sent by the CSMS.
  CertificateSigned: { req: { certificateChain: string }; res: Status<"Accepted" | "Rejected"> };
  DeleteCertificate: { req: { certificateHashData: CertificateHashData }; res: Status<"Accepted" | "Failed" | "NotFound"> };
  ExtendedTriggerMessage: {
    req: {
      requestedMessage:
        | "BootNotification"
        | "LogStatusNotification"
        | "FirmwareStatusNotification"
        | "Heartbeat"
        | "MeterValues"
        | "SignChargePointCertificate"
        | "StatusNotification";
      connectorId?: number;
    };
    res: Status<"Accepted" | "Rejected" | "NotImplemented">;
  };
  GetInstalledCertificateIds: {
    req: { certificateType: CertificateUse };
    res: { status: "Accepted" | "NotFound"; certificateHashData?: CertificateHashData[] };
  };
  GetLog: {
    req: {
      logType: "DiagnosticsLog" | "SecurityLog";
      requestId: number;
      retries?: number;
      retryInterval?: number;
      log: { remoteLocation: string; oldestTimestamp?: string; latestTimestamp?: string };
    };
    res: { status: "Accepted" | "Rejected" | "AcceptedCanceled"; filename?: string };
  };
  InstallCertificate: {
    req: { certificateType: CertificateUse; certificate: string };
    res: Status<"Accepted" | "Failed" | "Rejected">;
  };
  SignedUpdateFirmware: {
    req: {
      requestId: number;
      retries?: number;
      retryInterval?: number;
      firmware: {
        location: string;
        retrieveDateTime: string;
        installDateTime?: string;
        signingCertificate: string;
        signature: string;
      };
    };
    res: Status<"Accepted" | "Rejected" | "AcceptedCanceled" | "InvalidCertificate" | "RevokedCertificate">;
  };
}

export type CsmsAction = keyof CsmsCalls;
export type CsmsRequest<A extends CsmsAction> = CsmsCalls[A]["req"];
export type CsmsResponse<A extends CsmsAction> = CsmsCalls[A]["res"];

/** Names of every CSMS-initiated action, in the order of the specification's chapters. */
export const CSMS_ACTIONS: readonly CsmsAction[] = [
  "CancelReservation",
  "ChangeAvailability",
  "ChangeConfiguration",
  "ClearCache",
  "ClearChargingProfile",
  "DataTransfer",
  "GetCompositeSchedule",
  "GetConfiguration",
  "GetDiagnostics",
  "GetLocalListVersion",
  "RemoteStartTransaction",
  "RemoteStopTransaction",
  "ReserveNow",
  "Reset",
  "SendLocalList",
  "SetChargingProfile",
  "TriggerMessage",
  "UnlockConnector",
  "UpdateFirmware",
  "CertificateSigned",
  "DeleteCertificate",
  "ExtendedTriggerMessage",
  "GetInstalledCertificateIds",
  "GetLog",
  "InstallCertificate",
  "SignedUpdateFirmware",
];

// Charger-initiated requests the CSMS reads fields from.
export interface BootNotificationReq {
  chargePointVendor: string;
  chargePointModel: string;
  chargePointSerialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
  iccid?: string;
  imsi?: string;
  meterType?: string;
  meterSerialNumber?: string;
}

export interface StatusNotificationReq {
  connectorId: number;
  errorCode: string;
  status: string;
  info?: string;
  timestamp?: string;
  vendorId?: string;
  vendorErrorCode?: string;
}

export interface StartTransactionReq {
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
  reservationId?: number;
}

export interface StopTransactionReq {
  transactionId: number;
  meterStop: number;
  timestamp: string;
  idTag?: string;
  reason?: string;
  transactionData?: MeterValue[];
}

export interface MeterValuesReq {
  connectorId: number;
  transactionId?: number;
  meterValue: MeterValue[];
}
