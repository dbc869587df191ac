// Production-line provisioning (docs/settings.md "Provisioning on the production line"): checks
// a charger's settings with the firmware's own rules (provisionSetting / loadSettings of
// boot/settings, the NVS rules of ports/kv) and turns them into a simulator state dir or an
// ESP-IDF NVS partition CSV. Nothing here repeats a setting rule: a value is valid exactly when
// the firmware would write and read it back.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadSettings, provisionSetting, SETTING_DEFINITIONS, SETTINGS_NAMESPACE, type ChargerSettings } from "boot/settings";
import { checkKvName } from "ports/kv";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { FileKeyValueStore } from "platform/host/kv-file";

export type SettingName = keyof ChargerSettings;
export type SettingValue = string | boolean | number;

/** Settings whose values are never printed. */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set(["password", "initialPassword"]);

/** Settings that belong to one charger: with a fleet they come from the fleet CSV only. */
export const PER_CHARGER_SETTINGS: readonly SettingName[] = ["deviceId", "password", "csmsUrl"];

/** One NVS value of a charger, as the firmware stored it (type after the firmware's coercion). */
export interface NvsEntry {
  readonly name: SettingName;
  readonly key: string;
  readonly value: SettingValue;
}

export interface ProvisionedCharger {
  readonly deviceId: string;
  /** In the order of SETTING_DEFINITIONS. */
  readonly entries: readonly NvsEntry[];
}

export interface CheckResult {
  /** Present only when there is no error. */
  readonly charger?: ProvisionedCharger;
  readonly errors: string[];
}

const KNOWN = new Map<string, (typeof SETTING_DEFINITIONS)[number]>(SETTING_DEFINITIONS.map((d) => [d.name, d]));

/** Replaces every rendering of a secret value in a message (the firmware's messages quote values). */
function hideSecret(message: string, value: unknown): string {
  const forms = new Set<string>();
  if (typeof value === "string") {
    if (value.length === 0) return message;
    forms.add(JSON.stringify(value));
    if (value.length > 60) forms.add(JSON.stringify(value.slice(0, 60) + "…"));
  } else forms.add(String(value));
  let out = message;
  for (const form of forms) out = out.split(form).join("(hidden)");
  return out;
}

/** The text of a value for output: secrets hidden. */
export function showValue(name: string, value: SettingValue): string {
  return SECRET_SETTINGS.has(name) ? "(hidden)" : JSON.stringify(value);
}

/**
 * Checks one charger's settings (a JSON object of setting names) by provisioning them into an
 * in-memory NVS with the firmware's provisionSetting, then reading them back with loadSettings.
 * `origin` prefixes every error ("charger.json", "fleet.csv line 3").
 */
export function checkSettings(input: unknown, origin: string): CheckResult {
  const errors: string[] = [];
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { errors: [`${origin}: must be a JSON object of settings, e.g. {"deviceId": "CP-0001", ...}`] };
  }
  const kv = new MemoryKeyValueStore();
  const given = input as Record<string, unknown>;
  for (const [name, value] of Object.entries(given)) {
    if (!KNOWN.has(name)) {
      errors.push(`${origin}: unknown setting "${name}" (known: ${[...KNOWN.keys()].join(", ")})`);
      continue;
    }
    if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number") {
      errors.push(`${origin}: settings.${name}: must be a string, a boolean or a number, got ${value === null ? "null" : typeof value}`);
      continue;
    }
    const problem = provisionSetting(kv, name as SettingName, value);
    if (problem !== undefined) errors.push(`${origin}: ${SECRET_SETTINGS.has(name) ? hideSecret(problem, value) : problem}`);
  }
  if (given.deviceId === undefined) errors.push(`${origin}: settings.deviceId: missing (every charger needs its serial number)`);
  if (errors.length > 0) return { errors };

  // The read-back is what the charger will boot with; its remaining complaints (no CSMS URL) are
  // provisioning mistakes on the production line.
  const loaded = loadSettings(kv, {});
  for (const error of loaded.errors) errors.push(`${origin}: ${error}`);
  const entries: NvsEntry[] = [];
  for (const def of SETTING_DEFINITIONS) {
    const value = kv.get(SETTINGS_NAMESPACE, def.nvsKey);
    if (value === undefined) continue;
    if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number") continue;
    const entry: NvsEntry = { name: def.name, key: def.nvsKey, value };
    try {
      nvsCsvRow(entry);
    } catch (error) {
      errors.push(`${origin}: settings.${def.name}: ${(error as Error).message}`);
    }
    entries.push(entry);
  }
  if (errors.length > 0) return { errors };
  return { charger: { deviceId: loaded.settings.deviceId, entries }, errors };
}

/** A charger of the fleet CSV. */
export interface FleetRow {
  /** 1-based line of the row in the file. */
  readonly line: number;
  readonly deviceId: string;
  readonly password: string;
  /** Undefined when the file has no csmsUrl column or the cell is empty. */
  readonly csmsUrl?: string;
}

const FLEET_COLUMNS = ["deviceId", "password", "csmsUrl"] as const;

/** Splits CSV text (RFC 4180: quoted fields, "" inside quotes, CRLF or LF) into records with their line. */
function parseCsvRecords(text: string): { records: Array<{ line: number; fields: string[] }>; error?: string } {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      i++;
      continue;
    } else if (c === "\n") {
      endRecord();
      line++;
      recordLine = line;
    } else field += c;
    i++;
  }
  if (quoted) return { records, error: `line ${recordLine}: a quoted field is not closed` };
  endRecord();
  return { records };
}

/**
 * Reads a fleet CSV: a header naming the columns deviceId, password and optionally csmsUrl (any
 * order), then one row per charger. Values are taken as they are (no trimming): the firmware's
 * rules decide. Passwords never appear in an error.
 */
export function parseFleetCsv(text: string, origin: string): { rows: FleetRow[]; errors: string[] } {
  const errors: string[] = [];
  const rows: FleetRow[] = [];
  const parsed = parseCsvRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (parsed.error) return { rows, errors: [`${origin}: ${parsed.error}`] };
  const [header, ...body] = parsed.records;
  if (!header) return { rows, errors: [`${origin}: empty; expected a header "deviceId,password[,csmsUrl]" and one row per charger`] };
  const columns = new Map<string, number>();
  header.fields.forEach((name, index) => {
    if (!(FLEET_COLUMNS as readonly string[]).includes(name))
      errors.push(`${origin}: unknown column "${name}" in the header (columns: deviceId, password, csmsUrl)`);
    else if (columns.has(name)) errors.push(`${origin}: column "${name}" appears twice in the header`);
    else columns.set(name, index);
  });
  for (const required of ["deviceId", "password"]) {
    if (!columns.has(required)) errors.push(`${origin}: the header has no "${required}" column`);
  }
  if (errors.length > 0) return { rows, errors };
  if (body.length === 0) errors.push(`${origin}: no charger rows after the header`);
  const seen = new Map<string, number>();
  for (const record of body) {
    if (record.fields.length !== header.fields.length) {
      errors.push(`${origin} line ${record.line}: ${record.fields.length} fields, the header has ${header.fields.length}`);
      continue;
    }
    const deviceId = record.fields[columns.get("deviceId")!];
    const password = record.fields[columns.get("password")!];
    const urlIndex = columns.get("csmsUrl");
    const csmsUrl = urlIndex === undefined || record.fields[urlIndex] === "" ? undefined : record.fields[urlIndex];
    // Output files are named after the deviceId: two that differ only in case would collide on
    // a case-insensitive file system.
    const folded = deviceId.toLowerCase();
    const first = seen.get(folded);
    if (first !== undefined) {
      errors.push(`${origin} line ${record.line}: settings.deviceId: "${deviceId}" is already on line ${first}`);
      continue;
    }
    seen.set(folded, record.line);
    rows.push({ line: record.line, deviceId, password, csmsUrl });
  }
  return { rows, errors };
}

/** The settings of one fleet charger: the shared file plus the row's deviceId, password and URL. */
export function fleetChargerSettings(shared: Readonly<Record<string, unknown>>, row: FleetRow): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...shared, deviceId: row.deviceId };
  if (row.password !== "") settings.password = row.password;
  if (row.csmsUrl !== undefined) settings.csmsUrl = row.csmsUrl;
  return settings;
}

/** Errors of a shared settings file used with a fleet: per-charger settings belong in the CSV. */
export function checkSharedForFleet(shared: unknown, origin: string): string[] {
  if (typeof shared !== "object" || shared === null || Array.isArray(shared)) return [];
  const errors: string[] = [];
  for (const name of PER_CHARGER_SETTINGS) {
    if (name in shared) errors.push(`${origin}: settings.${name}: set per charger in the fleet CSV, not in the shared settings file`);
  }
  return errors;
}

/** Checks every charger of a fleet; `chargers` holds all of them only when there is no error. */
export function checkFleet(
  shared: unknown,
  sharedOrigin: string,
  rows: readonly FleetRow[],
  fleetOrigin: string,
): { chargers: ProvisionedCharger[]; errors: string[] } {
  const errors = checkSharedForFleet(shared, sharedOrigin);
  const chargers: ProvisionedCharger[] = [];
  if (typeof shared !== "object" || shared === null || Array.isArray(shared)) {
    return { chargers, errors: [...errors, ...checkSettings(shared, sharedOrigin).errors] };
  }
  for (const row of rows) {
    const origin = `${fleetOrigin} line ${row.line}`;
    if (row.deviceId === "." || row.deviceId === "..") {
      errors.push(`${origin}: settings.deviceId: "${row.deviceId}" cannot name an output file`);
      continue;
    }
    const result = checkSettings(fleetChargerSettings(shared as Record<string, unknown>, row), origin);
    errors.push(...result.errors);
    if (result.charger) chargers.push(result.charger);
  }
  return { chargers: errors.length > 0 ? [] : chargers, errors };
}

/** Quotes a CSV field when Python's csv reader would otherwise split or change it. */
function csvField(text: string): string {
  return /[",]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row of nvs_partition_gen.py's CSV for an entry, with the NVS type Moddable's `preference`
 * module uses on ESP32: nvs_set_u8 for booleans, nvs_set_i32 for numbers (integers only in NVS),
 * nvs_set_str for strings. Throws when the value cannot be represented.
 */
export function nvsCsvRow(entry: NvsEntry): string {
  checkKvName("key", entry.key); // nvs_partition_gen.py refuses keys over 15 characters too
  switch (typeof entry.value) {
    case "boolean":
      return `${entry.key},data,u8,${entry.value ? 1 : 0}`;
    case "number":
      if (!Number.isInteger(entry.value)) throw new Error(`${entry.value} is not an integer (NVS i32)`);
      return `${entry.key},data,i32,${entry.value}`;
    case "string":
      // nvs_partition_gen.py drops lines that start with '#', which a quoted line break could make.
      if (/[\r\n]/.test(entry.value)) throw new Error("a line break cannot go into an NVS partition CSV");
      return `${entry.key},data,string,${csvField(entry.value)}`;
  }
}

/** The whole NVS partition CSV of a charger (namespace "settings"). */
export function nvsCsv(charger: ProvisionedCharger): string {
  const lines = ["key,type,encoding,value", `${SETTINGS_NAMESPACE},namespace,,`];
  for (const entry of charger.entries) lines.push(nvsCsvRow(entry));
  return lines.join("\n") + "\n";
}

/**
 * Writes a charger's settings into a simulator state dir (`nvs.json`, read by `npm start --
 * --state-dir DIR`) with the firmware's provisionSetting. The namespace "settings" is emptied
 * first so it holds exactly the provisioned set; other namespaces (OCPP keys, ...) stay.
 */
export function writeStateDir(dir: string, charger: ProvisionedCharger): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "nvs.json");
  const kv = new FileKeyValueStore(path);
  for (const key of kv.keys(SETTINGS_NAMESPACE)) kv.delete(SETTINGS_NAMESPACE, key);
  for (const entry of charger.entries) {
    const problem = provisionSetting(kv, entry.name, entry.value);
    if (problem !== undefined) throw new Error(`${path}: ${SECRET_SETTINGS.has(entry.name) ? hideSecret(problem, entry.value) : problem}`);
  }
  return path;
}
