// A small checker for the bench API's JSON bodies: every field declared, unknown fields refused,
// and each error names the field and what was expected.

export type FieldSpec =
  | { kind: "int"; min?: number; max?: number; optional?: boolean }
  | { kind: "number"; min?: number; max?: number; optional?: boolean }
  | { kind: "string"; minLength?: number; maxLength?: number; optional?: boolean }
  | { kind: "bool"; optional?: boolean }
  | { kind: "enum"; values: readonly string[]; optional?: boolean }
  | { kind: "datetime"; optional?: boolean }
  /** A connector number, checked against the charger's connectors (0 = whole charger when allowed). */
  | { kind: "connector"; allowZero?: boolean; optional?: boolean }
  | { kind: "object"; fields: ObjectSpec; optional?: boolean }
  /** Any JSON object, passed through unchecked (the CSMS's schema check sees it). */
  | { kind: "json-object"; optional?: boolean }
  | { kind: "array"; items: FieldSpec; maxItems?: number; optional?: boolean };

export type ObjectSpec = Readonly<Record<string, FieldSpec>>;

export class BadRequest extends Error {
  override name = "BadRequest";
}

/** Checks `value` against `spec`; throws BadRequest naming the first problem. */
export function checkBody(value: unknown, spec: ObjectSpec, connectorCount: number): Record<string, unknown> {
  checkObject(value, spec, "body", connectorCount);
  return value as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkObject(value: unknown, spec: ObjectSpec, where: string, connectorCount: number): void {
  if (!isPlainObject(value)) throw new BadRequest(`${where} must be a JSON object`);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(spec, key)) {
      const known = Object.keys(spec);
      throw new BadRequest(`unknown field '${path(where, key)}'${known.length ? ` (allowed: ${known.join(", ")})` : ""}`);
    }
  }
  for (const [key, field] of Object.entries(spec)) {
    const name = path(where, key);
    if (value[key] === undefined) {
      if (!field.optional) throw new BadRequest(`missing field '${name}'`);
      continue;
    }
    checkField(value[key], field, name, connectorCount);
  }
}

function checkField(value: unknown, field: FieldSpec, name: string, connectorCount: number): void {
  switch (field.kind) {
    case "int":
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value) || (field.kind === "int" && !Number.isInteger(value))) {
        throw new BadRequest(`'${name}' must be ${field.kind === "int" ? "an integer" : "a number"}`);
      }
      if (field.min !== undefined && value < field.min) throw new BadRequest(`'${name}' must be >= ${field.min}`);
      if (field.max !== undefined && value > field.max) throw new BadRequest(`'${name}' must be <= ${field.max}`);
      return;
    }
    case "string": {
      if (typeof value !== "string") throw new BadRequest(`'${name}' must be a string`);
      if (field.minLength !== undefined && value.length < field.minLength) {
        throw new BadRequest(`'${name}' must have at least ${field.minLength} characters`);
      }
      if (field.maxLength !== undefined && value.length > field.maxLength) {
        throw new BadRequest(`'${name}' must have at most ${field.maxLength} characters`);
      }
      return;
    }
    case "bool":
      if (typeof value !== "boolean") throw new BadRequest(`'${name}' must be true or false`);
      return;
    case "enum":
      if (typeof value !== "string" || !field.values.includes(value)) {
        throw new BadRequest(`'${name}' must be one of ${field.values.map((v) => `"${v}"`).join(", ")}`);
      }
      return;
    case "datetime":
      if (typeof value !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) || Number.isNaN(Date.parse(value))) {
        throw new BadRequest(`'${name}' must be an ISO 8601 date-time such as 2025-01-31T12:00:00Z`);
      }
      return;
    case "connector": {
      const min = field.allowZero ? 0 : 1;
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > connectorCount) {
        throw new BadRequest(`'${name}' must be a connector number from ${min} to ${connectorCount}`);
      }
      return;
    }
    case "object":
      checkObject(value, field.fields, name, connectorCount);
      return;
    case "json-object":
      if (!isPlainObject(value)) throw new BadRequest(`'${name}' must be a JSON object`);
      return;
    case "array": {
      if (!Array.isArray(value)) throw new BadRequest(`'${name}' must be an array`);
      if (field.maxItems !== undefined && value.length > field.maxItems) {
        throw new BadRequest(`'${name}' must have at most ${field.maxItems} items`);
      }
      value.forEach((item, i) => checkField(item, field.items, `${name}[${i}]`, connectorCount));
      return;
    }
  }
}

function path(where: string, key: string): string {
  return where === "body" ? key : `${where}.${key}`;
}

/**
 * Checks a query string against `spec` like a body: each parameter once, numbers for `int`,
 * `number` and `connector` fields (`ignore`: parameters handled elsewhere, e.g. `charger`).
 */
export function checkQuery(
  params: URLSearchParams,
  spec: ObjectSpec,
  connectorCount: number,
  ignore: readonly string[] = [],
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) {
    if (ignore.includes(key)) continue;
    if (!Object.hasOwn(spec, key)) throw new BadRequest(`unknown query parameter '${key}' (allowed: ${Object.keys(spec).join(", ")})`);
    const values = params.getAll(key);
    if (values.length > 1) throw new BadRequest(`query parameter '${key}' given ${values.length} times`);
    const kind = spec[key].kind;
    const numeric = kind === "int" || kind === "number" || kind === "connector";
    fields[key] = numeric && /^-?\d+(\.\d+)?$/.test(values[0]) ? Number(values[0]) : values[0];
  }
  return checkBody(fields, spec, connectorCount);
}
