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

/** Slots of the name index: a power of two, comfortably above the keys of every profile together. */
const INDEX_SIZE = 256;

/** Case-insensitive hash of an ASCII key name (FNV-1a over the lower-cased code units), allocation-free. */
/**
 * `name.charCodeAt(i)` and `name.length` box the string on XS (slots of garbage per access, on
 * every key looked up): the unbound method on the primitive and the length read once do not.
 */
const charCodeAt = String.prototype.charCodeAt;

function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  const length = name.length;
  for (let i = 0; i < length; i++) {
    let code = charCodeAt.call(name, i);
    if (code >= 65 && code <= 90) code += 32;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash >>> 0;
}

/** `a` and `b` equal but for ASCII case, without building lower-case copies. */
function sameName(a: string, b: string): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) {
    let x = charCodeAt.call(a, i);
    let y = charCodeAt.call(b, i);
    if (x === y) continue;
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * The keys live in parallel arrays in declaration order (the definitions are
 * the profiles' constant tables, preloaded into flash on the board) and are
 * found through an open-addressing index of key numbers: per key the heap
 * holds its value only, not an entry object, a lower-case name and map
 * entries (docs/memory.md).
 */
export class ConfigurationRegistry {
  readonly #kv: KeyValueStore;
  readonly #namespace: string;
  readonly #definitions: ConfigKeyDefinition[] = [];
  readonly #values: ConfigValue[] = [];
  /** Key number + 1 by name hash (linear probing); 0 = free. */
  readonly #index = new Uint16Array(INDEX_SIZE);
  /** Change listeners, each with its key number (few keys have any: a flat list, not one per key). */
  readonly #listenerKeys: number[] = [];
  readonly #listeners: Array<(value: ConfigValue) => void> = [];
  /** Rules of the running firmware on top of the definitions', each with its key number. */
  readonly #guardKeys: number[] = [];
  readonly #guards: Array<(value: ConfigValue) => boolean> = [];

  constructor(kv: KeyValueStore, namespace = NAMESPACE) {
    this.#kv = kv;
    this.#namespace = namespace;
  }

  /** Declares a key; `defaultValue` replaces the definition's default (a value known only at boot). */
  declare(def: ConfigKeyDefinition, defaultValue: ConfigValue = def.default): void {
    if (this.#find(def.name) >= 0) throw new Error(`configuration key ${def.name} declared twice`);
    if (def.nvsKey.length < 1 || def.nvsKey.length > 15) throw new Error(`NVS key of ${def.name} must be 1..15 characters`);
    // An index loop: for-of makes an iterator and a result object per key, at every declaration.
    const definitions = this.#definitions;
    for (let i = 0; i < definitions.length; i++)
      if (definitions[i].nvsKey === def.nvsKey) throw new Error(`NVS key ${def.nvsKey} of ${def.name} already used`);
    if (this.#definitions.length >= INDEX_SIZE / 2) throw new Error(`configuration key ${def.name}: the registry is full`);
    let value = defaultValue;
    if (!def.volatile) {
      const stored = this.#kv.get(this.#namespace, def.nvsKey);
      if (stored !== undefined && !(stored instanceof ArrayBuffer)) {
        const parsed = this.#parse(def, formatConfigValue(stored));
        if (parsed !== undefined) value = parsed;
      }
    }
    const number = this.#definitions.length;
    this.#definitions.push(def);
    this.#values.push(value);
    let slot = nameHash(def.name) & (INDEX_SIZE - 1);
    while (this.#index[slot] !== 0) slot = (slot + 1) & (INDEX_SIZE - 1);
    this.#index[slot] = number + 1;
  }

  /** Declares every key of a profile's table; `defaults` gives boot-time defaults by key name. */
  declareAll(defs: readonly ConfigKeyDefinition[], defaults?: Readonly<Record<string, ConfigValue>>): void {
    for (const def of defs) this.declare(def, defaults?.[def.name] ?? def.default);
  }

  /** Like `declareAll`, leaving keys declared already (by the host or a test) as they are. */
  declareMissing(defs: readonly ConfigKeyDefinition[], defaults?: Readonly<Record<string, ConfigValue>>): void {
    for (const def of defs) if (this.#find(def.name) < 0) this.declare(def, defaults?.[def.name] ?? def.default);
  }

  /** A rule of the running firmware a new value must also pass (e.g. SecurityProfile only raised). */
  guard(name: string, rule: (value: ConfigValue) => boolean): void {
    this.#guardKeys.push(this.#number(name));
    this.#guards.push(rule);
  }

  has(name: string): boolean {
    return this.#find(name) >= 0;
  }

  definitions(): ConfigKeyDefinition[] {
    return this.#definitions.slice();
  }

  get(name: string): ConfigValue {
    return this.#values[this.#number(name)];
  }

  bool(name: string): boolean {
    return this.#values[this.#number(name)] === true;
  }

  int(name: string): number {
    const value = this.#values[this.#number(name)];
    return typeof value === "number" ? value : 0;
  }

  string(name: string): string {
    return formatConfigValue(this.#values[this.#number(name)]);
  }

  list(name: string): string[] {
    const text = this.string(name);
    return text.length === 0 ? [] : text.split(",").map((item) => item.trim());
  }

  onChange(name: string, listener: (value: ConfigValue) => void): void {
    this.#listenerKeys.push(this.#number(name));
    this.#listeners.push(listener);
  }

  change(name: string, text: string): ChangeResult {
    const number = this.#find(name);
    if (number < 0) return "NotSupported";
    const def = this.#definitions[number];
    if (def.access === "R") return "Rejected";
    const parsed = this.#checked(number, text);
    if (parsed === undefined) return "Rejected";
    this.#persist(number, parsed);
    if (def.rebootRequired) return "RebootRequired";
    this.#apply(number, parsed);
    return "Accepted";
  }

  setLocal(name: string, value: ConfigValue): boolean {
    const number = this.#number(name);
    const parsed = this.#checked(number, formatConfigValue(value));
    if (parsed === undefined) return false;
    this.#persist(number, parsed);
    this.#apply(number, parsed);
    return true;
  }

  report(keys: readonly string[] | undefined): { configurationKey: ReportedKey[]; unknownKey: string[] } {
    const configurationKey: ReportedKey[] = [];
    const unknownKey: string[] = [];
    const wanted = keys && keys.length > 0 ? keys : undefined;
    if (!wanted) {
      for (let number = 0; number < this.#definitions.length; number++)
        if (this.#definitions[number].access !== "W") configurationKey.push(this.#reported(number));
    } else {
      for (const key of wanted) {
        const number = this.#find(key);
        if (number < 0) unknownKey.push(key);
        else if (this.#definitions[number].access !== "W") configurationKey.push(this.#reported(number));
      }
    }
    return { configurationKey, unknownKey };
  }

  #reported(number: number): ReportedKey {
    const def = this.#definitions[number];
    const text = formatConfigValue(this.#values[number]);
    return {
      key: def.name,
      readonly: def.access === "R",
      value: text.length > CI_STRING_500 ? text.slice(0, CI_STRING_500) : text,
    };
  }

  /** The key's number, or -1 (names match case-insensitively). */
  #find(name: string): number {
    let slot = nameHash(name) & (INDEX_SIZE - 1);
    for (let probes = 0; probes < INDEX_SIZE; probes++) {
      const entry = this.#index[slot];
      if (entry === 0) return -1;
      if (sameName(this.#definitions[entry - 1].name, name)) return entry - 1;
      slot = (slot + 1) & (INDEX_SIZE - 1);
    }
    return -1;
  }

  #number(name: string): number {
    const number = this.#find(name);
    if (number < 0) throw new Error(`configuration key ${name} is not declared`);
    return number;
  }

  #checked(number: number, text: string): ConfigValue | undefined {
    const parsed = this.#parse(this.#definitions[number], text);
    if (parsed === undefined) return undefined;
    for (let i = 0; i < this.#guardKeys.length; i++) if (this.#guardKeys[i] === number && !this.#guards[i](parsed)) return undefined;
    return parsed;
  }

  #persist(number: number, value: ConfigValue): void {
    const def = this.#definitions[number];
    if (!def.volatile) this.#kv.set(this.#namespace, def.nvsKey, value);
  }

  #apply(number: number, value: ConfigValue): void {
    const changed = this.#values[number] !== value;
    this.#values[number] = value;
    if (!changed) return;
    for (let i = 0; i < this.#listenerKeys.length; i++) if (this.#listenerKeys[i] === number) this.#listeners[i](value);
  }

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
