/**
 * The configuration-key registry [SPEC 5.3, 5.8, ch. 9]: every key with its
 * type, access, validation, unit, default and reboot flag, persisted through
 * the key-value port within NVS limits (each key has a short NVS name of at
 * most 15 characters). Services of every profile declare their keys here
 * (`declare`), read them typed (`bool`, `int`, `string`, `list`) and listen to
 * changes (`onChange`). ChangeConfiguration and GetConfiguration go through
 * `change` and `report`.
 */
import type { KeyValueStore } from "ports/kv";

export type ConfigValue = boolean | number | string;
export type ConfigType = "boolean" | "integer" | "string" | "csl";
/** R read-only, RW read-write, W write-only (never reported, e.g. AuthorizationKey). */
export type ConfigAccess = "R" | "RW" | "W";
export type ChangeResult = "Accepted" | "Rejected" | "RebootRequired" | "NotSupported";

export interface ConfigKeyDefinition {
  /** OCPP key name, as the CSMS writes it (matched case-insensitively). */
  name: string;
  /** NVS key, 1..15 printable characters, unique. */
  nvsKey: string;
  type: ConfigType;
  access: ConfigAccess;
  default: ConfigValue;
  /** Unit for documentation ("s", "Wh", "A", ...). */
  unit?: string;
  /** Integer bounds (inclusive). */
  min?: number;
  max?: number;
  /** Most characters of a string value (CiString500 by default). */
  maxLength?: number;
  /** CSL: allowed items (case-sensitive) and most items. */
  allowedItems?: readonly string[];
  maxItems?: number;
  /** The new value applies after a reboot (ChangeConfiguration answers RebootRequired). */
  rebootRequired?: boolean;
  /** Extra check of a parsed value; false rejects it. */
  validate?: (value: ConfigValue) => boolean;
  /** Not persisted (values computed at boot, e.g. NumberOfConnectors). */
  volatile?: boolean;
  /** One-line description for docs/configuration-keys.md. */
  description?: string;
  /** Vendor key (not in the OCPP specification). */
  vendor?: boolean;
}

interface Entry {
  def: ConfigKeyDefinition;
  /** Value in effect now. */
  value: ConfigValue;
  /** Created by the first `onChange` (most keys have none). */
  listeners?: Array<(value: ConfigValue) => void>;
}

export interface ReportedKey {
  key: string;
  readonly: boolean;
  value?: string;
}

const NAMESPACE = "ocppcfg";
const CI_STRING_500 = 500;

export function formatConfigValue(value: ConfigValue): string {
  return typeof value === "boolean" ? (value ? "true" : "false") : String(value);
}

export class ConfigurationRegistry {
  readonly #kv: KeyValueStore;
  readonly #namespace: string;
  readonly #entries = new Map<string, Entry>(); // by lower-case name, in declaration order
  readonly #nvsKeys = new Set<string>();

  constructor(kv: KeyValueStore, namespace = NAMESPACE) {
    this.#kv = kv;
    this.#namespace = namespace;
  }

  /** Declares a key; its persisted value (if valid) is loaded, else the default. */
  declare(def: ConfigKeyDefinition): void {
    const lower = def.name.toLowerCase();
    if (this.#entries.has(lower)) throw new Error(`configuration key ${def.name} declared twice`);
    if (def.nvsKey.length < 1 || def.nvsKey.length > 15) throw new Error(`NVS key of ${def.name} must be 1..15 characters`);
    if (this.#nvsKeys.has(def.nvsKey)) throw new Error(`NVS key ${def.nvsKey} of ${def.name} already used`);
    this.#nvsKeys.add(def.nvsKey);
    let value = def.default;
    if (!def.volatile) {
      const stored = this.#kv.get(this.#namespace, def.nvsKey);
      if (stored !== undefined && !(stored instanceof ArrayBuffer)) {
        const parsed = this.#parse(def, formatConfigValue(stored));
        if (parsed !== undefined) value = parsed;
      }
    }
    this.#entries.set(lower, { def, value });
  }

  declareAll(defs: readonly ConfigKeyDefinition[]): void {
    for (const def of defs) this.declare(def);
  }

  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase());
  }

  definitions(): ConfigKeyDefinition[] {
    const definitions: ConfigKeyDefinition[] = [];
    for (const entry of this.#entries.values()) definitions.push(entry.def);
    return definitions;
  }

  get(name: string): ConfigValue {
    return this.#entry(name).value;
  }

  bool(name: string): boolean {
    return this.#entry(name).value === true;
  }

  int(name: string): number {
    const value = this.#entry(name).value;
    return typeof value === "number" ? value : 0;
  }

  string(name: string): string {
    return formatConfigValue(this.#entry(name).value);
  }

  /** CSL items (empty list for ""). */
  list(name: string): string[] {
    const text = this.string(name);
    return text.length === 0 ? [] : text.split(",").map((item) => item.trim());
  }

  /** Calls `listener` with each new value in effect (not for reboot-required keys). */
  onChange(name: string, listener: (value: ConfigValue) => void): void {
    const entry = this.#entry(name);
    if (entry.listeners) entry.listeners.push(listener);
    else entry.listeners = [listener];
  }

  /** ChangeConfiguration rules [SPEC 5.3, 3.7 of our reference]. */
  change(name: string, text: string): ChangeResult {
    const entry = this.#entries.get(name.toLowerCase());
    if (!entry) return "NotSupported";
    if (entry.def.access === "R") return "Rejected";
    const parsed = this.#parse(entry.def, text);
    if (parsed === undefined) return "Rejected";
    this.#persist(entry, parsed);
    if (entry.def.rebootRequired) return "RebootRequired";
    this.#apply(entry, parsed);
    return "Accepted";
  }

  /** Sets a value from the firmware itself (read-only keys included); false if invalid. */
  setLocal(name: string, value: ConfigValue): boolean {
    const entry = this.#entry(name);
    const parsed = this.#parse(entry.def, formatConfigValue(value));
    if (parsed === undefined) return false;
    this.#persist(entry, parsed);
    this.#apply(entry, parsed);
    return true;
  }

  /**
   * GetConfiguration [SPEC 5.8]: no keys → every readable key; otherwise
   * each known readable key reported and each unknown one listed.
   * Write-only keys are never reported, neither known nor unknown.
   */
  report(keys: readonly string[] | undefined): { configurationKey: ReportedKey[]; unknownKey: string[] } {
    const configurationKey: ReportedKey[] = [];
    const unknownKey: string[] = [];
    const wanted = keys && keys.length > 0 ? keys : undefined;
    if (!wanted) {
      for (const entry of this.#entries.values()) if (entry.def.access !== "W") configurationKey.push(this.#reported(entry));
    } else {
      for (const key of wanted) {
        const entry = this.#entries.get(key.toLowerCase());
        if (!entry) unknownKey.push(key);
        else if (entry.def.access !== "W") configurationKey.push(this.#reported(entry));
      }
    }
    return { configurationKey, unknownKey };
  }

  #reported(entry: Entry): ReportedKey {
    const text = formatConfigValue(entry.value);
    return {
      key: entry.def.name,
      readonly: entry.def.access === "R",
      value: text.length > CI_STRING_500 ? text.slice(0, CI_STRING_500) : text,
    };
  }

  #entry(name: string): Entry {
    const entry = this.#entries.get(name.toLowerCase());
    if (!entry) throw new Error(`configuration key ${name} is not declared`);
    return entry;
  }

  #persist(entry: Entry, value: ConfigValue): void {
    if (!entry.def.volatile) this.#kv.set(this.#namespace, entry.def.nvsKey, value);
  }

  #apply(entry: Entry, value: ConfigValue): void {
    const changed = entry.value !== value;
    entry.value = value;
    if (!changed) return;
    if (entry.listeners) for (const listener of entry.listeners) listener(value);
  }

  /** Parses and validates a value's text; undefined when invalid. */
  #parse(def: ConfigKeyDefinition, text: string): ConfigValue | undefined {
    let value: ConfigValue;
    switch (def.type) {
      case "boolean": {
        const lower = text.trim().toLowerCase();
        if (lower !== "true" && lower !== "false") return undefined;
        value = lower === "true";
        break;
      }
      case "integer": {
        const trimmed = text.trim();
        if (!/^[+-]?\d{1,10}$/.test(trimmed)) return undefined;
        const n = Number(trimmed);
        if (!Number.isSafeInteger(n) || n < -2147483648 || n > 2147483647) return undefined;
        if (def.min !== undefined && n < def.min) return undefined;
        if (def.max !== undefined && n > def.max) return undefined;
        value = n;
        break;
      }
      case "string":
        if (text.length > (def.maxLength ?? CI_STRING_500)) return undefined;
        value = text;
        break;
      case "csl": {
        if (text.length > (def.maxLength ?? CI_STRING_500)) return undefined;
        const items = text.trim().length === 0 ? [] : text.split(",").map((item) => item.trim());
        const maxItems = def.maxItems ?? (def.allowedItems ? def.allowedItems.length : 1);
        if (items.length > maxItems) return undefined;
        for (const item of items) {
          if (item.length === 0) return undefined;
          if (def.allowedItems && def.allowedItems.indexOf(item) < 0) return undefined;
        }
        value = items.join(",");
        break;
      }
    }
    if (def.validate && !def.validate(value)) return undefined;
    return value;
  }
}
