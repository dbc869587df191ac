/**
 * Charger-maker settings (docs/settings.md; reference §5): what a product
 * is provisioned with, read from the key-value store (namespace "settings",
 * NVS rules) over build-time defaults (mc/config on the board, the CLI on
 * the host). Every value is checked; a bad value is reported with a clear
 * message and the default is used, so a wrong setting never stops boot.
 */
import type { KeyValueStore, KvValue } from "ports/kv";
import type { LogLevel } from "ports/log";
import type { ConnectionSettings, UrlPrecedence } from "ocpp/core/connection-settings";
import { CHARGE_POINT_MODEL, CHARGE_POINT_VENDOR } from "boot/version";

export const SETTINGS_NAMESPACE = "settings";

export interface ChargerSettings {
  /** Serial number; substituted for {deviceId} and the Basic-auth user in legacy mode. */
  readonly deviceId: string;
  /** Installation URL template, e.g. "ws://host/ocpp/{deviceId}"; "" when unset. */
  readonly csmsUrlTemplate: string;
  /** Charger-level URL; "" when unset. */
  readonly csmsUrl: string;
  /** Which URL wins when both are set. */
  readonly urlPrecedence: UrlPrecedence;
  /** The charger's own Basic-auth password ("" when none). */
  readonly password: string;
  /** The installation's shared initial password, until the CSMS sets AuthorizationKey. */
  readonly initialPassword: string;
  /** Basic-auth user = deviceId even when the URL's last segment differs. */
  readonly legacyIdentity: boolean;
  /** Charge without authorization (seeds OCPP FreeCharging at first boot). */
  readonly freeCharging: boolean;
  /** idTag of transactions when authorization is off (seeds FreeChargingIdTag). */
  readonly freeChargingIdTag: string;
  /** Charger-side WebSocket ping period in s, 0 = off (seeds WebSocketPingInterval). */
  readonly webSocketPingIntervalS: number;
  /** Turns on 24 h of verbose OCPP logging (MeterValues and Heartbeat in the frame log). */
  readonly verboseLogging: boolean;
  /** Connectors the product has (checked against the board). */
  readonly connectors: number;
  /** Circuit breaker limit per phase shared by the connectors (A). */
  readonly circuitLimitA: number;
  /** Control-loop period (ms). */
  readonly loopPeriodMs: number;
  /** Minimum level of diagnostic log lines. */
  readonly logLevel: LogLevel;
  /** BootNotification chargePointVendor: the charger maker's name (CiString20). */
  readonly chargePointVendor: string;
  /** BootNotification chargePointModel: the product's model (CiString20). */
  readonly chargePointModel: string;
}

type Kind = "string" | "boolean" | "integer" | "number";

interface SettingDefinition {
  /** Setting name (defaults object, docs). */
  readonly name: keyof ChargerSettings;
  /** NVS key (<= 15 characters). */
  readonly nvsKey: string;
  readonly kind: Kind;
  readonly fallback: string | boolean | number;
  /** Returns an error text, or undefined when the value is fine. */
  readonly check?: (value: never) => string | undefined;
}

const URL_RE = /^wss?:\/\/[^/\s]+\/\S+$/;

function checkUrl(value: string): string | undefined {
  if (value === "") return undefined;
  return URL_RE.test(value) ? undefined : "must be ws:// or wss:// with a host and a path";
}

function checkPassword(value: string): string | undefined {
  if (value.length > 40) return "must have at most 40 characters";
  return /^[\x21-\x7e]*$/.test(value) ? undefined : "must be printable ASCII without spaces";
}

/** OCPP CiString20: 1 to 20 printable ASCII characters. */
function ciString20(value: string): string | undefined {
  return /^[\x20-\x7e]{1,20}$/.test(value) ? undefined : "must be 1 to 20 printable ASCII characters (CiString20)";
}

function intRange(min: number, max: number): (value: number) => string | undefined {
  return (value) => (Number.isInteger(value) && value >= min && value <= max ? undefined : `must be an integer from ${min} to ${max}`);
}

/** Every setting with its NVS key, type, default and check. */
export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  {
    name: "deviceId",
    nvsKey: "deviceId",
    kind: "string",
    fallback: "WL-UNSET",
    check: (value: string) => (/^[A-Za-z0-9._-]{1,36}$/.test(value) ? undefined : "must be 1 to 36 letters, digits, '.', '_' or '-'"),
  },
  {
    name: "csmsUrlTemplate",
    nvsKey: "csmsUrlTemplate",
    kind: "string",
    fallback: "",
    check: (value: string) => checkUrl(value) ?? (value === "" || value.indexOf("{deviceId}") >= 0 ? undefined : "must contain {deviceId}"),
  },
  { name: "csmsUrl", nvsKey: "csmsUrl", kind: "string", fallback: "", check: checkUrl },
  {
    name: "urlPrecedence",
    nvsKey: "urlPrecedence",
    kind: "string",
    fallback: "installation",
    check: (value: string) => (value === "installation" || value === "charger" ? undefined : 'must be "installation" or "charger"'),
  },
  { name: "password", nvsKey: "password", kind: "string", fallback: "", check: checkPassword },
  { name: "initialPassword", nvsKey: "initialPassword", kind: "string", fallback: "", check: checkPassword },
  { name: "legacyIdentity", nvsKey: "legacyIdentity", kind: "boolean", fallback: false },
  { name: "freeCharging", nvsKey: "freeCharging", kind: "boolean", fallback: false },
  {
    name: "freeChargingIdTag",
    nvsKey: "freeChargeTag",
    kind: "string",
    fallback: "FreeCharging",
    check: (value: string) => (value.length >= 1 && value.length <= 20 ? undefined : "must have 1 to 20 characters (CiString20)"),
  },
  { name: "webSocketPingIntervalS", nvsKey: "wsPingS", kind: "integer", fallback: 0, check: intRange(0, 86400) },
  { name: "verboseLogging", nvsKey: "verboseLog", kind: "boolean", fallback: false },
  { name: "connectors", nvsKey: "connectors", kind: "integer", fallback: 1, check: intRange(1, 4) },
  {
    name: "circuitLimitA",
    nvsKey: "circuitLimitA",
    kind: "number",
    fallback: 32,
    check: (value: number) => (value >= 6 && value <= 500 ? undefined : "must be from 6 to 500 A"),
  },
  { name: "loopPeriodMs", nvsKey: "loopPeriodMs", kind: "integer", fallback: 10, check: intRange(1, 100) },
  {
    name: "logLevel",
    nvsKey: "logLevel",
    kind: "string",
    fallback: "info",
    check: (value: string) =>
      value === "debug" || value === "info" || value === "warn" || value === "error" ? undefined : "must be debug, info, warn or error",
  },
  { name: "chargePointVendor", nvsKey: "cpVendor", kind: "string", fallback: CHARGE_POINT_VENDOR, check: ciString20 },
  { name: "chargePointModel", nvsKey: "cpModel", kind: "string", fallback: CHARGE_POINT_MODEL, check: ciString20 },
];
for (const def of SETTING_DEFINITIONS) Object.freeze(def);
Object.freeze(SETTING_DEFINITIONS);

export interface LoadedSettings {
  readonly settings: ChargerSettings;
  /** One line per rejected value ("settings.csmsUrl: ..."). */
  readonly errors: string[];
  /** Where each value came from. */
  readonly sources: Readonly<Record<string, "nvs" | "defaults" | "built-in">>;
}

/** Coerces a raw value to the kind; text values (CLI) are parsed. */
function coerce(kind: Kind, raw: KvValue | unknown): string | boolean | number | undefined {
  switch (kind) {
    case "string":
      return typeof raw === "string" ? raw : undefined;
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === 1 || raw === "1" || raw === "true") return true;
      if (raw === 0 || raw === "0" || raw === "false") return false;
      return undefined;
    case "integer":
    case "number": {
      const n = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return undefined;
      return n;
    }
  }
}

function describe(raw: unknown): string {
  if (typeof raw === "string") return JSON.stringify(raw.length > 60 ? raw.slice(0, 60) + "…" : raw);
  if (raw instanceof ArrayBuffer) return "a binary blob";
  return String(raw);
}

/** Reads the settings: NVS "settings" over `defaults` over the built-in fallback. */
export function loadSettings(kv: KeyValueStore, defaults: Readonly<Record<string, unknown>>): LoadedSettings {
  const values: Record<string, string | boolean | number> = {};
  const errors: string[] = [];
  const sources: Record<string, "nvs" | "defaults" | "built-in"> = {};
  for (const def of SETTING_DEFINITIONS) {
    let chosen: string | boolean | number = def.fallback;
    let source: "nvs" | "defaults" | "built-in" = "built-in";
    const layers: Array<["defaults" | "nvs", unknown]> = [["defaults", defaults[def.name]]];
    let stored: KvValue | undefined;
    try {
      stored = kv.get(SETTINGS_NAMESPACE, def.nvsKey);
    } catch (error) {
      errors.push(`settings.${def.name}: cannot be read from NVS (${(error as Error).message})`);
    }
    layers.push(["nvs", stored]);
    for (const [layer, raw] of layers) {
      if (raw === undefined) continue;
      const where = layer === "nvs" ? `NVS ${SETTINGS_NAMESPACE}/${def.nvsKey}` : "build defaults";
      const value = coerce(def.kind, raw);
      if (value === undefined) {
        errors.push(`settings.${def.name} (${where}): ${describe(raw)} is not a ${def.kind}; using ${describe(chosen)}`);
        continue;
      }
      const problem = def.check ? (def.check as (v: string | boolean | number) => string | undefined)(value) : undefined;
      if (problem !== undefined) {
        errors.push(`settings.${def.name} (${where}): ${describe(raw)} ${problem}; using ${describe(chosen)}`);
        continue;
      }
      chosen = value;
      source = layer;
    }
    values[def.name] = chosen;
    sources[def.name] = source;
  }
  const settings = values as unknown as ChargerSettings;
  if (settings.csmsUrlTemplate === "" && settings.csmsUrl === "") {
    errors.push("settings: neither csmsUrlTemplate nor csmsUrl is set; the charger stays offline");
  }
  return { settings, errors, sources };
}

/** Writes one setting into NVS as provisioning does (checked first); returns the error or undefined. */
export function provisionSetting(kv: KeyValueStore, name: keyof ChargerSettings, value: string | boolean | number): string | undefined {
  const def = SETTING_DEFINITIONS.find((d) => d.name === name);
  if (!def) return `settings.${name}: unknown setting`;
  const coerced = coerce(def.kind, value);
  if (coerced === undefined) return `settings.${name}: ${describe(value)} is not a ${def.kind}`;
  const problem = def.check ? (def.check as (v: string | boolean | number) => string | undefined)(coerced) : undefined;
  if (problem !== undefined) return `settings.${name}: ${describe(value)} ${problem}`;
  try {
    kv.set(SETTINGS_NAMESPACE, def.nvsKey, coerced);
  } catch (error) {
    return `settings.${name}: NVS refused ${describe(value)} (${(error as Error).message})`;
  }
  return undefined;
}

/** The OCPP connection settings these settings imply. */
export function connectionSettingsOf(settings: ChargerSettings): ConnectionSettings {
  return {
    deviceId: settings.deviceId,
    installationUrlTemplate: settings.csmsUrlTemplate,
    chargerUrl: settings.csmsUrl,
    precedence: settings.urlPrecedence,
    legacyIdentity: settings.legacyIdentity,
    chargerPassword: settings.password,
    installationInitialPassword: settings.initialPassword,
    caCertificates: [],
  };
}
