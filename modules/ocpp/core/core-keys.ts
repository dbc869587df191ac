/**
 * The Core profile's configuration keys [SPEC 9.1, errata 3.82/3.89] and our
 * vendor keys (documented in docs/configuration-keys.md). NVS names are the
 * short `nvsKey`s (at most 15 characters).
 */
import type { ConfigKeyDefinition, ConfigValue } from "./configuration";
import { MEASURAND_ITEMS } from "./measurands";

export const MEASURAND_LIST_MAX = 8;
const profiles: readonly string[] = Object.freeze([
  "Core",
  "FirmwareManagement",
  "LocalAuthListManagement",
  "Reservation",
  "SmartCharging",
  "RemoteTrigger",
]);
const phaseRotations: readonly string[] = Object.freeze(["NotApplicable", "Unknown", "RST", "RTS", "SRT", "STR", "TRS", "TSR"]);

function isPhaseRotationList(value: unknown): boolean {
  if (typeof value !== "string" || value.length === 0) return value === "";
  for (const item of value.split(",")) {
    const match = /^(\d+)\.([A-Za-z]+)$/.exec(item.trim());
    if (!match || phaseRotations.indexOf(match[2]) < 0) return false;
  }
  return true;
}

function measurandList(name: string, nvsKey: string, dflt: string, description: string): ConfigKeyDefinition {
  return {
    name,
    nvsKey,
    type: "csl",
    access: "RW",
    default: dflt,
    allowedItems: MEASURAND_ITEMS,
    maxItems: MEASURAND_LIST_MAX,
    description,
  };
}

/**
 * The definitions as one module-level table (preloaded into flash on the board, not rebuilt per
 * boot); the three whose default depends on the board or build come from `coreKeyDefaults`.
 */
export const CORE_KEYS: readonly ConfigKeyDefinition[] = [
  {
    name: "AllowOfflineTxForUnknownId",
    nvsKey: "OfflineUnknown",
    type: "boolean",
    access: "RW",
    default: false,
    description: "start offline for ids unknown to list and cache",
  },
  {
    name: "AuthorizationCacheEnabled",
    nvsKey: "AuthCacheOn",
    type: "boolean",
    access: "RW",
    default: true,
    description: "authorization cache in use",
  },
  {
    name: "AuthorizeRemoteTxRequests",
    nvsKey: "AuthRemoteTx",
    type: "boolean",
    access: "RW",
    default: false,
    description: "authorize RemoteStartTransaction idTags like local ones",
  },
  {
    name: "ClockAlignedDataInterval",
    nvsKey: "AlignedIntvl",
    type: "integer",
    access: "RW",
    default: 0,
    min: 0,
    max: 86400,
    unit: "s",
    description: "clock-aligned meter interval from 00:00 UTC; 0 = off",
  },
  {
    name: "ConnectionTimeOut",
    nvsKey: "ConnTimeout",
    type: "integer",
    access: "RW",
    default: 60,
    min: 1,
    max: 3600,
    unit: "s",
    description: "Preparing time before an unfinished start is cancelled",
  },
  {
    name: "ConnectorPhaseRotation",
    nvsKey: "PhaseRotation",
    type: "string",
    access: "RW",
    default: "0.RST",
    validate: isPhaseRotationList,
    description: "phase rotation per connector",
  },
  { name: "ConnectorPhaseRotationMaxLength", nvsKey: "PhaseRotMax", type: "integer", access: "R", default: 0, volatile: true },
  {
    name: "GetConfigurationMaxKeys",
    nvsKey: "GetCfgMaxKeys",
    type: "integer",
    access: "R",
    default: 64,
    volatile: true,
    description: "most keys in one GetConfiguration.req",
  },
  {
    name: "HeartbeatInterval",
    nvsKey: "HeartbeatIntvl",
    type: "integer",
    access: "RW",
    default: 86400,
    min: 0,
    unit: "s",
    description: "idle time before a Heartbeat",
  },
  {
    name: "LocalAuthorizeOffline",
    nvsKey: "LocalAuthOff",
    type: "boolean",
    access: "RW",
    default: true,
    description: "offline: start for ids valid in list or cache",
  },
  {
    name: "LocalPreAuthorize",
    nvsKey: "LocalPreAuth",
    type: "boolean",
    access: "RW",
    default: false,
    description: "online: start for locally valid ids without waiting for Authorize.conf",
  },
  {
    name: "MaxEnergyOnInvalidId",
    nvsKey: "MaxEnergyInvId",
    type: "integer",
    access: "RW",
    default: 0,
    min: 0,
    max: 1000000,
    unit: "Wh",
    description:
      "energy still offered after StartTransaction.conf invalidated the id (StopTransactionOnInvalidId false); 0 = suspend at once",
  },
  measurandList("MeterValuesAlignedData", "MvAlignedData", "Energy.Active.Import.Register", "measurands of clock-aligned MeterValues"),
  {
    name: "MeterValuesAlignedDataMaxLength",
    nvsKey: "MvAlignedMax",
    type: "integer",
    access: "R",
    default: MEASURAND_LIST_MAX,
    volatile: true,
  },
  measurandList("MeterValuesSampledData", "MvSampledData", "Energy.Active.Import.Register", "measurands of sampled MeterValues"),
  {
    name: "MeterValuesSampledDataMaxLength",
    nvsKey: "MvSampledMax",
    type: "integer",
    access: "R",
    default: MEASURAND_LIST_MAX,
    volatile: true,
  },
  {
    name: "MeterValueSampleInterval",
    nvsKey: "MvSampleIntvl",
    type: "integer",
    access: "RW",
    default: 60,
    min: 0,
    max: 86400,
    unit: "s",
    description: "sampled MeterValues period during a transaction; 0 = off",
  },
  {
    name: "MinimumStatusDuration",
    nvsKey: "MinStatusDur",
    type: "integer",
    access: "RW",
    default: 0,
    min: 0,
    max: 3600,
    unit: "s",
    description: "status must hold this long before it is reported",
  },
  { name: "NumberOfConnectors", nvsKey: "NumConnectors", type: "integer", access: "R", default: 0, volatile: true },
  {
    name: "ResetRetries",
    nvsKey: "ResetRetries",
    type: "integer",
    access: "RW",
    default: 2,
    min: 0,
    max: 10,
    description: "retries of a failed reset",
  },
  {
    name: "StopTransactionOnEVSideDisconnect",
    nvsKey: "StopOnEvDisc",
    type: "boolean",
    access: "RW",
    default: true,
    description: "stop the transaction when the cable is pulled at the EV",
  },
  {
    name: "StopTransactionOnInvalidId",
    nvsKey: "StopOnInvalid",
    type: "boolean",
    access: "RW",
    default: true,
    description: "stop when StartTransaction.conf is not Accepted",
  },
  measurandList("StopTxnAlignedData", "StopAlignData", "", "clock-aligned measurands in StopTransaction.transactionData"),
  {
    name: "StopTxnAlignedDataMaxLength",
    nvsKey: "StopAlignMax",
    type: "integer",
    access: "R",
    default: MEASURAND_LIST_MAX,
    volatile: true,
  },
  measurandList("StopTxnSampledData", "StopSampData", "", "sampled measurands in StopTransaction.transactionData"),
  { name: "StopTxnSampledDataMaxLength", nvsKey: "StopSampMax", type: "integer", access: "R", default: MEASURAND_LIST_MAX, volatile: true },
  {
    name: "StopTransactionMaxMeterValues",
    nvsKey: "StopMaxMv",
    type: "integer",
    access: "R",
    default: 24,
    volatile: true,
    description: "most MeterValue entries in transactionData (thinned above)",
  },
  {
    name: "SupportedFeatureProfiles",
    nvsKey: "Profiles",
    type: "csl",
    access: "R",
    default: "Core",
    allowedItems: profiles,
    maxItems: profiles.length,
    volatile: true,
  },
  {
    name: "TransactionMessageAttempts",
    nvsKey: "TxMsgAttempts",
    type: "integer",
    access: "RW",
    default: 3,
    min: 1,
    max: 100,
    description: "delivery attempts of a transaction message the CSMS failed to process",
  },
  {
    name: "TransactionMessageRetryInterval",
    nvsKey: "TxMsgRetryIntv",
    type: "integer",
    access: "RW",
    default: 60,
    min: 0,
    max: 86400,
    unit: "s",
    description: "base wait before re-sending, times attempts made",
  },
  {
    name: "UnlockConnectorOnEVSideDisconnect",
    nvsKey: "UnlockOnEvDisc",
    type: "boolean",
    access: "RW",
    default: true,
    description: "unlock the CP-side lock when the EV side is unplugged",
  },
  {
    name: "WebSocketPingInterval",
    nvsKey: "WsPingIntvl",
    type: "integer",
    access: "RW",
    default: 0,
    min: 0,
    max: 86400,
    unit: "s",
    description: "CP ping period; 0 = off (server pings always answered); applies at once",
  },
  {
    name: "MessageTimeout",
    nvsKey: "MsgTimeout",
    type: "integer",
    access: "RW",
    default: 30,
    min: 1,
    max: 600,
    unit: "s",
    description: "time-out of an unanswered CALL (errata 3.82)",
  },
  // Security white paper: write-only password, hex-decoded unless UseAuthorizationKeyWithoutDecoding.
  {
    name: "AuthorizationKey",
    nvsKey: "AuthKey",
    type: "string",
    access: "W",
    default: "",
    maxLength: 40,
    description: "Basic-auth password (write-only, never reported or logged)",
  },
  // Vendor keys.
  // Zaptec-style key [reference 5]: our boards cannot lock a cable permanently, so read-only false.
  {
    name: "LockCablePermanently",
    nvsKey: "LockCablePerm",
    type: "boolean",
    access: "R",
    default: false,
    vendor: true,
    volatile: true,
    description: "lock the cable after insertion like a fixed cable (not supported by this board: always false)",
  },
  {
    name: "FreeCharging",
    nvsKey: "FreeCharging",
    type: "boolean",
    access: "RW",
    default: false,
    vendor: true,
    description: "charge without authorization, with FreeChargingIdTag",
  },
  {
    name: "FreeChargingIdTag",
    nvsKey: "FreeChargingTag",
    type: "string",
    access: "RW",
    default: "FreeCharging",
    maxLength: 20,
    vendor: true,
    validate: (v) => typeof v === "string" && v.length > 0,
    description: "idTag of StartTransaction when FreeCharging is on",
  },
  {
    name: "UseAuthorizationKeyWithoutDecoding",
    nvsKey: "AuthKeyRaw",
    type: "boolean",
    access: "RW",
    default: false,
    vendor: true,
    description: "use AuthorizationKey as the password as-is instead of hex-decoding it",
  },
  {
    name: "PreBootTransactions",
    nvsKey: "PreBootTx",
    type: "boolean",
    access: "RW",
    default: false,
    vendor: true,
    description: "allow transactions before BootNotification was accepted in this boot",
  },
];
for (const definition of CORE_KEYS) Object.freeze(definition);
Object.freeze(CORE_KEYS);

/** The defaults of the Core keys that depend on the board's connector count and the build's profiles. */
export function coreKeyDefaults(numberOfConnectors: number, supportedProfiles: readonly string[]): Record<string, ConfigValue> {
  return {
    ConnectorPhaseRotationMaxLength: numberOfConnectors + 1,
    NumberOfConnectors: numberOfConnectors,
    SupportedFeatureProfiles: supportedProfiles.join(","),
  };
}
