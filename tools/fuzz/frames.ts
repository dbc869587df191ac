/**
 * Seeded generator of frames a hostile or broken CSMS could send, each with
 * the answer the charge point owes it (docs/fuzzing.md has the table).
 *
 * Valid CALLs are built from the official OCPP 1.6 JSON schemas (the ones
 * modules/ocpp/generated/ocpp16.ts is generated from) and mutated one way
 * at a time, so the CALLERROR code expected for each mutation is known
 * without asking the validator under test. The generated validators are
 * used only to check that an unmutated payload really is valid.
 */
import { OCPP16_VALIDATORS } from "ocpp/generated/ocpp16";
import type { CallErrorCode } from "ocpp/rpc/frame";
import { loadOfficialSchemas, type JsonSchema } from "../schema/generate.ts";
import { mulberry32 } from "../safety/prng.ts";

/** The CALLERROR codes of OCPP-J 1.6 §4.2.3. */
export type ErrorCode = CallErrorCode;

/** What one frame must get back. */
export type Expectation =
  /** No frame at all addressed to anything in it. */
  | { kind: "none" }
  /** Exactly one answer with this id: a CALLRESULT when `result`, else a CALLERROR with one of `codes`. */
  | { kind: "answer"; id: string; result: boolean; codes: readonly ErrorCode[] };

/** How a frame travels: a text message, raw bytes of a text message (maybe invalid UTF-8, hex), or a binary message (hex). */
export type FrameKind = "text" | "bytes" | "binary";

export interface FuzzFrame {
  kind: FrameKind;
  /** The text, or the bytes in hex. */
  data: string;
  /** Big text frames travel as a recipe, built on the XS side: data + unit repeated count times + tail. */
  repeat?: { unit: string; count: number; tail: string };
  /** Which generator made it (figures per class). */
  klass: string;
  expect: Expectation;
}

/** CALLERRORs a handler may give a schema-valid request it cannot honour (OCTT accepts these for bad values). */
export const SEMANTIC_ERRORS: readonly ErrorCode[] = ["PropertyConstraintViolation", "OccurenceConstraintViolation"];

/** Actions the Central System sends (OCPP 1.6 + security white paper). */
export const CSMS_ACTIONS = [
  "CancelReservation",
  "CertificateSigned",
  "ChangeAvailability",
  "ChangeConfiguration",
  "ClearCache",
  "ClearChargingProfile",
  "DataTransfer",
  "DeleteCertificate",
  "ExtendedTriggerMessage",
  "GetCompositeSchedule",
  "GetConfiguration",
  "GetDiagnostics",
  "GetInstalledCertificateIds",
  "GetLocalListVersion",
  "GetLog",
  "InstallCertificate",
  "RemoteStartTransaction",
  "RemoteStopTransaction",
  "ReserveNow",
  "Reset",
  "SendLocalList",
  "SetChargingProfile",
  "SignedUpdateFirmware",
  "TriggerMessage",
  "UnlockConnector",
  "UpdateFirmware",
] as const;

/** Actions only the charge point sends (OCPP 1.6 and the Security white paper): known to it, but not accepted from the CSMS. */
export const CP_ACTIONS: readonly string[] = [
  "Authorize",
  "BootNotification",
  "DiagnosticsStatusNotification",
  "FirmwareStatusNotification",
  "Heartbeat",
  "LogStatusNotification",
  "MeterValues",
  "SecurityEventNotification",
  "SignCertificate",
  "SignedFirmwareStatusNotification",
  "StartTransaction",
  "StatusNotification",
  "StopTransaction",
];

/** Names no OCPP 1.6 action has, including Object.prototype members and near-misses of real ones. */
const UNKNOWN_ACTIONS = [
  "",
  "reset",
  "RESET",
  "Reset ",
  " Reset",
  "Reset.req",
  "ResetX",
  "Frobnicate",
  "GetVariables",
  "SetVariables",
  "RequestStartTransaction",
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "__defineGetter__",
  "Heartbeat\u0000",
  "R\u00e9set",
  "\ud83d\ude00",
];

/** Real configuration keys, so ChangeConfiguration and GetConfiguration reach more than "unknown key". */
const CONFIG_KEYS = [
  "HeartbeatInterval",
  "MeterValueSampleInterval",
  "ClockAlignedDataInterval",
  "ConnectionTimeOut",
  "MessageTimeout",
  "LocalAuthorizeOffline",
  "LocalPreAuthorize",
  "AuthorizeRemoteTxRequests",
  "AuthorizationCacheEnabled",
  "MeterValuesSampledData",
  "MeterValuesAlignedData",
  "StopTxnSampledData",
  "StopTxnAlignedData",
  "TransactionMessageAttempts",
  "TransactionMessageRetryInterval",
  "WebSocketPingInterval",
  "ResetRetries",
  "StopTransactionOnInvalidId",
  "StopTransactionOnEVSideDisconnect",
  "UnlockConnectorOnEVSideDisconnect",
  "LocalAuthListEnabled",
  "SendLocalListMaxLength",
  "ChargeProfileMaxStackLevel",
  "ChargingScheduleMaxPeriods",
  "MaxChargingProfilesInstalled",
  "SecurityProfile",
  "AuthorizationKey",
  "CpoName",
  "NumberOfConnectors",
  "SupportedFeatureProfiles",
  "LightIntensity",
  "MinimumStatusDuration",
  "BlinkRepeat",
  "FreeCharging",
  "CertificateSignedMaxChainSize",
  "CertificateStoreMaxLength",
  "AdditionalRootCertificateCheck",
];
const CONFIG_VALUES = [
  "",
  "0",
  "1",
  "-1",
  "30",
  "86400",
  "2147483648",
  "99999999999999999999",
  "true",
  "false",
  "TRUE",
  "1.5",
  "abc",
  "Energy.Active.Import.Register",
  "Energy.Active.Import.Register,Power.Active.Import,Voltage,Current.Import",
  "Energy.Active.Import.Register,Bogus",
  ",,,",
  "0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF",
  "4F43415F4F4354545F61646D696E5F74657374",
  "3",
  "2",
  "\u0000",
  "\ud800",
];
const ID_TAGS = ["", "TAG1", "ABCDEF0123", "tag1", "01234567890123456789", "\u00e9\u00e9", " "];
const EDGE_INTS = [0, 1, 2, -1, 3, 7, 99, 255, 65535, 2147483647, -2147483648, 4294967296, 9007199254740991, -9007199254740991, 1e21];
const EDGE_NUMBERS = [0, 0.1, 6, 16, 32, 6000, -1, -0.1, 1e15, 1e300, -1e300];
const DATE_TIMES = [
  "2030-01-01T00:00:00Z",
  "2020-02-29T12:34:56.789Z",
  "1970-01-01T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:60Z",
  "2030-06-01T10:00:00+14:00",
  "2030-06-01T10:00:00-12:00",
  "2030-02-31T00:00:00z",
  "2030-01-01t00:00:00.000000001Z",
];
const URIS = [
  "http://127.0.0.1:9/fw.bin",
  "https://127.0.0.1:9/x",
  "ftp://u:p@127.0.0.1:9/d",
  "ws:x",
  "a:",
  "file:///etc/passwd",
  "mailto:x@y",
];
const BAD_DATE_TIMES = [
  "",
  "2030-01-01",
  "2030-01-01T00:00:00",
  "2030-13-01T00:00:00Z",
  "2030-01-01 00:00:00Z",
  "yesterday",
  "2030-01-01T24:00:00Z",
  "1e9",
];
const BAD_URIS = ["", "no scheme", "://x", "1http://x", "http ://x", "\u0000:x"];

/** A small deterministic PRNG (mulberry32). */
export class Rng {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = mulberry32(seed);
  }
  next(): number {
    return this.#next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isJsonObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The request schemas by action, with $ref resolved against their definitions. */
function requestSchemas(): Map<string, JsonSchema> {
  const map = new Map<string, JsonSchema>();
  for (const schema of loadOfficialSchemas()) {
    const match = /^urn:([A-Za-z]+)\.req$/.exec(schema.$id ?? "");
    if (match) map.set(match[1], resolveRefs(schema, schema.definitions ?? {}));
  }
  return map;
}

function resolveRefs(schema: JsonSchema, definitions: Record<string, JsonSchema>): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/definitions\//, "");
    const target = definitions[name];
    if (!target) throw new Error(`unresolved ${schema.$ref}`);
    return resolveRefs(target, definitions);
  }
  const out: JsonSchema = { ...schema };
  if (schema.properties) {
    out.properties = {};
    for (const [name, sub] of Object.entries(schema.properties)) out.properties[name] = resolveRefs(sub, definitions);
  }
  if (schema.items) out.items = resolveRefs(schema.items, definitions);
  return out;
}

const PRINTABLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -_.:,;/\\\"'{}[]<>%$#@!?*+=~`|^&()";
const EXOTIC = ["\u0000", "\u001f", "\u00e9", "\u20ac", "\ufffd", "\ud83d\ude00", "\u2028", "\ud800", "\udfff"];

function randomString(rng: Rng, maxLength: number): string {
  const length = rng.chance(0.1) ? 0 : rng.chance(0.1) ? maxLength : 1 + rng.int(Math.min(maxLength, 24));
  let text = "";
  // Counted in UTF-16 units, as JSON Schema's maxLength is checked by the firmware (String.length).
  while (text.length < length) {
    const piece = rng.chance(0.05) ? rng.pick(EXOTIC) : PRINTABLE[rng.int(PRINTABLE.length)];
    if (text.length + piece.length > length) break;
    text += piece;
  }
  return text;
}

/** A value valid for `schema`; `name` is the property it goes in (hints for realistic values). */
function validValue(rng: Rng, schema: JsonSchema, name: string, depth: number): Json {
  switch (schema.type) {
    case "object":
      return validObject(rng, schema, depth);
    case "array": {
      const min = schema.minItems ?? 0;
      const count = rng.chance(0.03) ? 40 + rng.int(40) : min + rng.int(4);
      const items: Json[] = [];
      for (let i = 0; i < count; i++) items.push(validValue(rng, schema.items ?? {}, name, depth + 1));
      return items;
    }
    case "string": {
      if (schema.enum) return rng.pick(schema.enum);
      if (schema.format === "date-time") return rng.pick(DATE_TIMES);
      if (schema.format === "uri") return rng.pick(URIS);
      const max = schema.maxLength ?? 64;
      if (name === "key" && rng.chance(0.8)) return rng.pick(CONFIG_KEYS);
      if (name === "value" && rng.chance(0.8)) return rng.pick(CONFIG_VALUES);
      if ((name === "idTag" || name === "parentIdTag") && rng.chance(0.7)) return rng.pick(ID_TAGS);
      return randomString(rng, max);
    }
    case "integer":
      if (rng.chance(0.7)) return rng.int(4);
      return rng.pick(EDGE_INTS);
    case "number": {
      const raw = rng.chance(0.6) ? rng.int(400) / 10 : rng.pick(EDGE_NUMBERS);
      return schema.multipleOf ? Math.round(raw * 10) / 10 : raw;
    }
    case "boolean":
      return rng.chance(0.5);
    default:
      return null;
  }
}

function validObject(rng: Rng, schema: JsonSchema, depth: number): JsonObject {
  const out: JsonObject = {};
  const required = new Set(schema.required ?? []);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    if (required.has(name) || rng.chance(depth === 0 ? 0.6 : 0.4)) out[name] = validValue(rng, sub, name, depth + 1);
  }
  return out;
}

/** Where in a payload a mutation can go: the value at `path` and its schema. */
interface Site {
  /** The object holding the value (or the array). */
  parent: JsonObject | Json[];
  key: string | number;
  schema: JsonSchema;
}

/** Every object node with its schema (for missing / extra properties). */
function objectNodes(value: Json, schema: JsonSchema, out: Array<{ node: JsonObject; schema: JsonSchema }>): void {
  if (schema.type === "object" && isJsonObject(value)) {
    out.push({ node: value, schema });
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      if (value[name] !== undefined) objectNodes(value[name], sub, out);
    }
  } else if (schema.type === "array" && Array.isArray(value)) {
    for (const item of value) objectNodes(item, schema.items ?? {}, out);
  }
}

/** Every present value with its schema (for type / constraint mutations). */
function valueSites(value: Json, schema: JsonSchema, out: Site[]): void {
  if (schema.type === "object" && isJsonObject(value)) {
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      if (value[name] === undefined) continue;
      out.push({ parent: value, key: name, schema: sub });
      valueSites(value[name], sub, out);
    }
  } else if (schema.type === "array" && Array.isArray(value)) {
    value.forEach((item, index) => {
      out.push({ parent: value, key: index, schema: schema.items ?? {} });
      valueSites(item, schema.items ?? {}, out);
    });
  }
}

function setAt(site: Site, value: Json): void {
  if (Array.isArray(site.parent)) site.parent[site.key as number] = value;
  else site.parent[site.key as string] = value;
}

/** A value of a JSON type `schema` does not allow. */
function wrongTypeValue(rng: Rng, schema: JsonSchema): Json {
  const candidates: Json[] = [];
  if (schema.type !== "string") candidates.push("1", "", "true");
  if (schema.type !== "integer" && schema.type !== "number") candidates.push(1, 0, -3.5);
  if (schema.type === "integer") candidates.push(1.5, -0.5, 1e-7);
  if (schema.type !== "boolean") candidates.push(true, false);
  if (schema.type !== "object") candidates.push({}, { a: 1 });
  if (schema.type !== "array") candidates.push([], [1]);
  candidates.push(null);
  return rng.pick(candidates);
}

const EXTRA_NAMES = ["extra", "__proto__", "constructor", "toString", "IDTAG", "connectorid", "", " ", "\u0000", "data2"];

type MutationResult = { klass: string; codes: ErrorCode[]; result?: boolean } | undefined;

/** Applies one mutation to a valid payload; returns its class and the CALLERROR it must get. */
function mutate(rng: Rng, payload: JsonObject, schema: JsonSchema): MutationResult {
  const choice = rng.int(9);
  if (choice === 0) {
    const nodes: Array<{ node: JsonObject; schema: JsonSchema }> = [];
    objectNodes(payload, schema, nodes);
    const withRequired = nodes.filter((n) => (n.schema.required ?? []).length > 0);
    if (withRequired.length === 0) return undefined;
    const target = rng.pick(withRequired);
    delete target.node[rng.pick(target.schema.required ?? [])];
    return { klass: "missing-field", codes: ["OccurenceConstraintViolation"] };
  }
  if (choice === 1) {
    const nodes: Array<{ node: JsonObject; schema: JsonSchema }> = [];
    objectNodes(payload, schema, nodes);
    const closed = nodes.filter((n) => n.schema.additionalProperties === false);
    if (closed.length === 0) return undefined;
    const target = rng.pick(closed);
    const name = rng.pick(EXTRA_NAMES);
    if (name in (target.schema.properties ?? {})) return undefined;
    // defineProperty: an own "__proto__" key, as JSON.parse makes on the other side.
    Object.defineProperty(target.node, name, {
      value: validValue(rng, { type: "string" }, "", 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return { klass: "extra-field", codes: ["PropertyConstraintViolation"] };
  }
  const sites: Site[] = [];
  valueSites(payload, schema, sites);
  if (choice === 2) {
    if (sites.length === 0) return undefined;
    const site = rng.pick(sites);
    setAt(site, wrongTypeValue(rng, site.schema));
    return { klass: "wrong-type", codes: ["TypeConstraintViolation"] };
  }
  if (choice === 3) {
    const enums = sites.filter((s) => s.schema.enum);
    if (enums.length === 0) return undefined;
    const site = rng.pick(enums);
    const original = String(Array.isArray(site.parent) ? site.parent[site.key as number] : site.parent[site.key as string]);
    setAt(site, rng.pick([original.toLowerCase(), original.toUpperCase(), `${original} `, "", "Other", "null", `${original}X`]));
    const now = Array.isArray(site.parent) ? site.parent[site.key as number] : site.parent[site.key as string];
    if (typeof now === "string" && (site.schema.enum ?? []).includes(now)) return undefined;
    // TriggerMessage: an unknown requestedMessage is answered status NotImplemented [SPEC 6.51] (a CALLRESULT).
    return { klass: "bad-enum", codes: ["PropertyConstraintViolation"], result: site.key === "requestedMessage" };
  }
  if (choice === 4) {
    const strings = sites.filter((s) => s.schema.maxLength !== undefined);
    if (strings.length === 0) return undefined;
    const site = rng.pick(strings);
    const max = site.schema.maxLength ?? 0;
    setAt(site, "X".repeat(max + 1 + (rng.chance(0.2) ? rng.int(2000) : rng.int(3))));
    return { klass: "too-long", codes: ["PropertyConstraintViolation"] };
  }
  if (choice === 5) {
    const dates = sites.filter((s) => s.schema.format === "date-time" || s.schema.format === "uri");
    if (dates.length === 0) return undefined;
    const site = rng.pick(dates);
    setAt(site, rng.pick(site.schema.format === "uri" ? BAD_URIS : BAD_DATE_TIMES));
    return { klass: "bad-format", codes: ["PropertyConstraintViolation"] };
  }
  if (choice === 6) {
    const steps = sites.filter((s) => s.schema.multipleOf !== undefined);
    if (steps.length === 0) return undefined;
    setAt(rng.pick(steps), rng.pick([16.05, 0.01, 6.123, -0.25, 1e-3]));
    return { klass: "not-multiple", codes: ["PropertyConstraintViolation"] };
  }
  if (choice === 7) {
    const lists = sites.filter((s) => (s.schema.minItems ?? 0) > 0);
    if (lists.length === 0) return undefined;
    setAt(rng.pick(lists), []);
    return { klass: "too-few-items", codes: ["OccurenceConstraintViolation"] };
  }
  return undefined;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

const MAX_FRAME_BYTES = 64 * 1024;

/** Generates frames for one seed; ids are unique across the run unless a class reuses one on purpose. */
export class FrameGenerator {
  readonly #rng: Rng;
  readonly #schemas: Map<string, JsonSchema>;
  readonly #prefix: string;
  #counter = 0;

  constructor(seed: number) {
    this.#rng = new Rng(seed);
    this.#schemas = requestSchemas();
    this.#prefix = `f${(seed >>> 0).toString(36)}-`;
    for (const action of CSMS_ACTIONS) if (!this.#schemas.has(action)) throw new Error(`no schema for ${action}`);
  }

  #id(): string {
    return `${this.#prefix}${(this.#counter++).toString(36)}`;
  }

  /** A schema-valid payload of `action` (checked with the generated validator). */
  validPayload(action: string): JsonObject {
    const schema = this.#schemas.get(action);
    if (!schema) throw new Error(`no schema for ${action}`);
    for (let attempt = 0; attempt < 20; attempt++) {
      const payload = validObject(this.#rng, schema, 0);
      if (OCPP16_VALIDATORS[action].request(payload) === undefined) return payload;
    }
    throw new Error(`cannot build a valid ${action}`);
  }

  /** The next `count` frames (a duplicate-id pair counts as two). */
  batch(count: number): FuzzFrame[] {
    const out: FuzzFrame[] = [];
    while (out.length < count) this.#one(out);
    if (out.length > count) out.length = count;
    return out;
  }

  #one(out: FuzzFrame[]): void {
    const rng = this.#rng;
    const roll = rng.int(100);
    if (roll < 30) out.push(this.#validCall());
    else if (roll < 55) out.push(this.#mutatedCall());
    else if (roll < 58) out.push(this.#notObjectPayload());
    else if (roll < 62) out.push(this.#unknownAction());
    else if (roll < 64) out.push(this.#cpAction());
    else if (roll < 67) this.#duplicates(out);
    else if (roll < 71) out.push(this.#answerToUnknown());
    else if (roll < 73) out.push(this.#binary());
    else if (roll < 76) out.push(this.#notArray());
    else if (roll < 79) out.push(this.#wrongTypeId());
    else if (roll < 83) out.push(this.#truncated());
    else if (roll < 86) out.push(this.#badShape());
    else if (roll < 89) out.push(this.#invalidUtf8());
    else if (roll < 91) out.push(this.#deeplyNested());
    else if (roll < 92) out.push(this.#oversize());
    else if (roll < 94) out.push(this.#validCall(true));
    else if (roll < 96) out.push(this.#oddId());
    else out.push(this.#validCall());
  }

  #callText(id: string, action: string, payload: Json, pretty = false): string {
    return pretty ? JSON.stringify([2, id, action, payload], null, 1) : JSON.stringify([2, id, action, payload]);
  }

  /** A CSMS action; the two that export the whole frame log (millions of computrons each) come 4 times less often. */
  #action(): string {
    const action = this.#rng.pick(CSMS_ACTIONS);
    if ((action === "GetDiagnostics" || action === "GetLog") && this.#rng.chance(0.75)) return this.#rng.pick(CSMS_ACTIONS);
    return action;
  }

  #validCall(pretty = false): FuzzFrame {
    const action = this.#action();
    const id = this.#id();
    return {
      kind: "text",
      data: this.#callText(id, action, this.validPayload(action), pretty),
      klass: pretty ? "valid-call-whitespace" : "valid-call",
      expect: { kind: "answer", id, result: true, codes: SEMANTIC_ERRORS },
    };
  }

  /** A valid CALL whose id is unusual but allowed (up to 36 characters, escapes, non-ASCII): echoed exactly. */
  #oddId(): FuzzFrame {
    const rng = this.#rng;
    const unique = this.#id();
    const suffix = rng.pick(['"', "\\", "\u0000", "\u00e9\u20ac", "\ud83d\ude00", " ", "\n\t", "{}[],:", "x".repeat(36)]);
    const id = `${unique}${suffix}`.slice(0, 36);
    const action = this.#action();
    return {
      kind: "text",
      data: this.#callText(id, action, this.validPayload(action)),
      klass: "odd-id",
      expect: { kind: "answer", id, result: true, codes: SEMANTIC_ERRORS },
    };
  }

  #mutatedCall(): FuzzFrame {
    for (;;) {
      const action = this.#rng.pick(CSMS_ACTIONS);
      const payload = this.validPayload(action);
      const mutation = mutate(this.#rng, payload, this.#schemas.get(action) ?? {});
      if (!mutation) continue;
      const id = this.#id();
      return {
        kind: "text",
        data: this.#callText(id, action, payload),
        klass: mutation.klass,
        expect: { kind: "answer", id, result: mutation.result === true, codes: mutation.codes },
      };
    }
  }

  #notObjectPayload(): FuzzFrame {
    const id = this.#id();
    const payload = this.#rng.pick<Json>([null, [], [{}], "{}", 0, true, ""]);
    return {
      kind: "text",
      data: this.#callText(id, this.#rng.pick(CSMS_ACTIONS), payload),
      klass: "payload-not-object",
      expect: { kind: "answer", id, result: false, codes: ["TypeConstraintViolation"] },
    };
  }

  #unknownAction(): FuzzFrame {
    const id = this.#id();
    return {
      kind: "text",
      data: this.#callText(id, this.#rng.pick(UNKNOWN_ACTIONS), {}),
      klass: "unknown-action",
      expect: { kind: "answer", id, result: false, codes: ["NotImplemented"] },
    };
  }

  #cpAction(): FuzzFrame {
    const id = this.#id();
    return {
      kind: "text",
      data: this.#callText(id, this.#rng.pick(CP_ACTIONS), {}),
      klass: "cp-action",
      expect: { kind: "answer", id, result: false, codes: ["NotSupported"] },
    };
  }

  /** The same CALL twice in a row: each gets one answer; the second may be GenericError while the first runs. */
  #duplicates(out: FuzzFrame[]): void {
    const first = this.#validCall();
    out.push({ ...first, klass: "duplicate-id" });
    if (first.expect.kind !== "answer") return;
    out.push({
      ...first,
      klass: "duplicate-id",
      expect: { ...first.expect, codes: [...first.expect.codes, "GenericError"] },
    });
  }

  #answerToUnknown(): FuzzFrame {
    const rng = this.#rng;
    const id = rng.chance(0.5) ? this.#id() : rng.pick(["1", "0", "x".repeat(36), "srv.1", "\u0000"]);
    const frames: Json[] = [
      [3, id, {}],
      [3, id, { status: "Accepted", currentTime: "2030-01-01T00:00:00Z", interval: 1 }],
      [3, id, null],
      [3, id],
      [3, id, {}, {}],
      [4, id, "GenericError", "", {}],
      [4, id, "NotAnErrorCode", 7, []],
      [4, id, "InternalError"],
      [4, id],
      [4, 12, "GenericError", "", {}],
    ];
    return { kind: "text", data: JSON.stringify(rng.pick(frames)), klass: "answer-to-unknown-id", expect: { kind: "none" } };
  }

  #binary(): FuzzFrame {
    const id = this.#id();
    const text = this.#callText(id, "Reset", { type: "Soft" });
    const bytes = this.#rng.chance(0.5)
      ? Buffer.from(text, "utf8")
      : Buffer.from(Array.from({ length: 1 + this.#rng.int(64) }, () => this.#rng.int(256)));
    return { kind: "binary", data: hex(bytes), klass: "binary", expect: { kind: "none" } };
  }

  #notArray(): FuzzFrame {
    const data = this.#rng.pick([
      "{}",
      '{"0":2,"1":"a","2":"Reset","3":{}}',
      "2",
      '"[2,\\"a\\",\\"Reset\\",{}]"',
      "null",
      "true",
      "[]",
      "[2]",
      '[2,"a"]',
      "",
      " ",
      "\n",
    ]);
    return { kind: "text", data, klass: "not-an-array", expect: { kind: "none" } };
  }

  #wrongTypeId(): FuzzFrame {
    const type = this.#rng.pick<Json>([0, 1, 5, 6, 99, -2, 2.5, "2", null, true, [2], { t: 2 }]);
    return {
      kind: "text",
      data: JSON.stringify([type, this.#id(), "Reset", { type: "Soft" }]),
      klass: "wrong-message-type",
      expect: { kind: "none" },
    };
  }

  #truncated(): FuzzFrame {
    const id = this.#id();
    const action = this.#rng.pick(CSMS_ACTIONS);
    const text = this.#callText(id, action, this.validPayload(action));
    const cut = this.#rng.int(text.length); // 0 .. length-1: never the whole frame
    const prefix = `[2,${JSON.stringify(id)}`.length;
    return {
      kind: "text",
      data: text.slice(0, cut),
      klass: "truncated",
      expect: cut >= prefix ? { kind: "answer", id, result: false, codes: ["FormationViolation"] } : { kind: "none" },
    };
  }

  /** OCPP-J arrays of the wrong shape. */
  #badShape(): FuzzFrame {
    const rng = this.#rng;
    const id = this.#id();
    const addressable: Json[] = [
      [2, id, "Reset"],
      [2, id, "Reset", { type: "Soft" }, {}],
      [2, id, 7, { type: "Soft" }],
      [2, id, null, {}],
      [2, id, ["Reset"], {}],
    ];
    if (rng.chance(0.6)) {
      return {
        kind: "text",
        data: JSON.stringify(rng.pick(addressable)),
        klass: "bad-shape",
        expect: { kind: "answer", id, result: false, codes: ["FormationViolation"] },
      };
    }
    const unaddressable: Json[] = [
      [2, 17, "Reset", { type: "Soft" }],
      [2, "", "Reset", { type: "Soft" }],
      [2, "y".repeat(37), "Reset", { type: "Soft" }],
      [2, null, "Reset", { type: "Soft" }],
      [2, { id }, "Reset", { type: "Soft" }],
    ];
    return { kind: "text", data: JSON.stringify(rng.pick(unaddressable)), klass: "bad-id", expect: { kind: "none" } };
  }

  /** Raw bytes of a text message with invalid UTF-8: decoded with U+FFFD replacement, then handled as text. */
  #invalidUtf8(): FuzzFrame {
    const rng = this.#rng;
    const id = this.#id();
    const bad = rng.pick([
      [0xff],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xc3],
    ]);
    const where = rng.int(3);
    const marker = "\u0001MARK\u0001";
    let text: string;
    let expect: Expectation;
    if (where === 0) {
      // In a free-text string value: still a valid DataTransfer.
      text = this.#callText(id, "DataTransfer", { vendorId: "fuzz", data: marker });
      expect = { kind: "answer", id, result: true, codes: SEMANTIC_ERRORS };
    } else if (where === 1) {
      // In the action name: no such action.
      text = this.#callText(id, `Re${marker}set`, { type: "Soft" });
      expect = { kind: "answer", id, result: false, codes: ["NotImplemented"] };
    } else {
      // Between JSON tokens: not JSON, but the id is readable.
      text = `[2,${JSON.stringify(id)},"Reset",${marker}{"type":"Soft"}]`;
      expect = { kind: "answer", id, result: false, codes: ["FormationViolation"] };
    }
    const encoded = JSON.stringify(marker);
    const inner = encoded.slice(1, -1); // the marker as it appears in the JSON text
    const at = text.indexOf(where === 2 ? marker : inner);
    const length = where === 2 ? marker.length : inner.length;
    const bytes = Buffer.concat([Buffer.from(text.slice(0, at), "utf8"), Buffer.from(bad), Buffer.from(text.slice(at + length), "utf8")]);
    return { kind: "bytes", data: hex(bytes), klass: "invalid-utf8", expect };
  }

  /** A payload field holding JSON nested thousands deep (arrays or objects). */
  #deeplyNested(): FuzzFrame {
    const rng = this.#rng;
    const id = this.#id();
    const depth = rng.pick([4, 14, 15, 64, 1000, 5000, 20000, 30000]);
    const arrays = rng.chance(0.5);
    const open = arrays ? "[" : '{"a":';
    const close = arrays ? "]" : "}";
    const head = `[2,${JSON.stringify(id)},"DataTransfer",{"vendorId":"fuzz","data":`;
    // data must be a string: the answer is a CALLERROR; deeper than the firmware's limit, FormationViolation.
    return {
      kind: "text",
      data: `${head}${open.repeat(depth)}1`,
      repeat: { unit: close, count: depth, tail: "}]" },
      klass: "deeply-nested",
      expect: { kind: "answer", id, result: false, codes: depth > 14 ? ["FormationViolation"] : ["TypeConstraintViolation"] },
    };
  }

  #oversize(): FuzzFrame {
    const rng = this.#rng;
    const id = this.#id();
    const size = MAX_FRAME_BYTES + 1 + rng.int(4096);
    const filler = rng.chance(0.5) ? "A" : "\u20ac"; // 1 or 3 UTF-8 bytes
    const head = `[2,${JSON.stringify(id)},"DataTransfer",{"vendorId":"fuzz","data":"`;
    const count = filler === "A" ? size - head.length : Math.ceil((size - head.length) / 3);
    // Unaddressed: a CALL whose type is written 2.0 (no id can be read from it) or a CALLRESULT.
    const addressed = rng.chance(0.8);
    const data = addressed ? head : rng.chance(0.5) ? head.replace("[2,", "[2.0,") : `[3,${JSON.stringify(id)},{"data":"`;
    return {
      kind: "text",
      data,
      repeat: { unit: filler, count, tail: '"}]' },
      klass: "oversize",
      expect: addressed ? { kind: "answer", id, result: false, codes: ["FormationViolation"] } : { kind: "none" },
    };
  }
}
