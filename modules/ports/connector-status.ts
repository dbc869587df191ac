/**
 * The connector's status and error code as the control loop reports them and
 * OCPP sends them: the values of OCPP 1.6 ChargePointStatus [SPEC 7.7] and
 * ChargePointErrorCode [SPEC 7.6]. They live here, under both layers, so the
 * loop (which knows nothing of OCPP) and the OCPP client share one list.
 * The tables are indexed by small integers where a ring stores them.
 */

export const CONNECTOR_STATUSES = Object.freeze([
  "Available",
  "Preparing",
  "Charging",
  "SuspendedEVSE",
  "SuspendedEV",
  "Finishing",
  "Reserved",
  "Unavailable",
  "Faulted",
] as const);

/** The connector's status, in the values of OCPP 1.6 ChargePointStatus. */
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export const CONNECTOR_ERROR_CODES = Object.freeze([
  "ConnectorLockFailure",
  "EVCommunicationError",
  "GroundFailure",
  "HighTemperature",
  "InternalError",
  "LocalListConflict",
  "NoError",
  "OtherError",
  "OverCurrentFailure",
  "OverVoltage",
  "PowerMeterFailure",
  "PowerSwitchFailure",
  "ReaderFailure",
  "ResetFailure",
  "UnderVoltage",
  "WeakSignal",
] as const);

/** Why a connector is Faulted (or a warning), in the values of OCPP 1.6 ChargePointErrorCode. */
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];
