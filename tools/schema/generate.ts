/**
 * Generates plain TypeScript validators and types from the official OCPP 1.6
 * JSON schemas shipped by npm `ocpp-rpc` (lib/schemas/ocpp1_6.json).
 *
 * Output (committed): modules/ocpp/generated/ocpp16.ts. Run
 * `npx tsx tools/schema/generate.ts` to rewrite it; a test checks that the
 * committed file equals a fresh generation.
 *
 * Keywords handled (all the 1.6 schemas use): type, properties, required,
 * additionalProperties:false, enum, maxLength, minItems, items, multipleOf,
 * format (date-time, uri), $ref to #/definitions. An unknown keyword fails
 * the generation, so a schema change cannot be silently ignored.
 *
 * CALLERROR mapping of a failed check (OCPP-J 1.6 §4.2.3):
 * type -> TypeConstraintViolation, required / minItems ->
 * OccurenceConstraintViolation, enum / maxLength / format / multipleOf /
 * additionalProperties -> PropertyConstraintViolation.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export interface JsonSchema {
  $id?: string;
  $schema?: string;
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  enum?: string[];
  maxLength?: number;
  minItems?: number;
  items?: JsonSchema;
  multipleOf?: number;
  format?: string;
  definitions?: Record<string, JsonSchema>;
}

const KNOWN_KEYWORDS = new Set([
  "$id",
  "$schema",
  "$ref",
  "type",
  "properties",
  "required",
  "additionalProperties",
  "enum",
  "maxLength",
  "minItems",
  "items",
  "multipleOf",
  "format",
  "definitions",
]);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const OUTPUT_PATH = resolve(ROOT, "modules/ocpp/generated/ocpp16.ts");

export function loadOfficialSchemas(): JsonSchema[] {
  const require = createRequire(import.meta.url);
  const path = require.resolve("ocpp-rpc/lib/schemas/ocpp1_6.json");
  return JSON.parse(readFileSync(path, "utf8")) as JsonSchema[];
}

/** "urn:StopTransaction.req" -> { action: "StopTransaction", kind: "Req" }. */
function nameOf(id: string): { action: string; kind: "Req" | "Conf" } {
  const match = /^urn:([A-Za-z]+)\.(req|conf)$/.exec(id);
  if (!match) throw new Error(`unexpected schema id ${id}`);
  return { action: match[1], kind: match[2] === "req" ? "Req" : "Conf" };
}

/** Concatenates a path expression and a literal suffix, folding literals at generation time. */
function cat(expr: string, literal: string): string {
  const match = /^"((?:[^"\\]|\\.)*)"$/.exec(expr);
  if (match) return JSON.stringify(JSON.parse(expr) + literal);
  return `${expr} + ${JSON.stringify(literal)}`;
}

class Emitter {
  lines: string[] = [];
  #depth = 0;
  #root: JsonSchema;

  constructor(root: JsonSchema) {
    this.#root = root;
  }

  resolveRef(schema: JsonSchema): JsonSchema {
    if (!schema.$ref) return schema;
    const match = /^#\/definitions\/(.+)$/.exec(schema.$ref);
    const target = match && this.#root.definitions ? this.#root.definitions[match[1]] : undefined;
    if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
    return this.resolveRef(target);
  }

  line(indent: string, text: string): void {
    this.lines.push(indent + text);
  }

  /** Emits the checks of `expr` (a local holding an unknown) against `schema`. */
  check(schemaIn: JsonSchema, expr: string, path: string, indent: string): void {
    const schema = this.resolveRef(schemaIn);
    for (const key of Object.keys(schema)) {
      if (!KNOWN_KEYWORDS.has(key)) throw new Error(`schema keyword "${key}" is not handled by the generator`);
    }
    const where = path;
    switch (schema.type) {
      case "object": {
        this.line(indent, `if (!isObject(${expr})) return fail("TypeConstraintViolation", ${where}, "object expected");`);
        const props = schema.properties ?? {};
        for (const name of schema.required ?? []) {
          this.line(
            indent,
            `if (${expr}[${JSON.stringify(name)}] === undefined) return fail("OccurenceConstraintViolation", ${cat(where, "/" + name)}, "required");`,
          );
        }
        if (schema.additionalProperties === false) {
          const keyVar = `k${this.#depth}`;
          const allowed =
            Object.keys(props)
              .map((p) => `${keyVar} !== ${JSON.stringify(p)}`)
              .join(" && ") || "true";
          this.line(indent, `for (const ${keyVar} in ${expr}) {`);
          this.line(
            indent,
            `  if (${allowed}) return fail("PropertyConstraintViolation", ${cat(where, "/")} + ${keyVar}, "property not allowed");`,
          );
          this.line(indent, `}`);
        }
        for (const [name, sub] of Object.entries(props)) {
          const local = `v${++this.#depth}`;
          this.line(indent, `const ${local} = ${expr}[${JSON.stringify(name)}];`);
          this.line(indent, `if (${local} !== undefined) {`);
          this.check(sub, local, cat(where, "/" + name), indent + "  ");
          this.line(indent, `}`);
        }
        return;
      }
      case "array": {
        this.line(indent, `if (!Array.isArray(${expr})) return fail("TypeConstraintViolation", ${where}, "array expected");`);
        if (schema.minItems !== undefined) {
          this.line(
            indent,
            `if (${expr}.length < ${schema.minItems}) return fail("OccurenceConstraintViolation", ${where}, "at least ${schema.minItems} item(s)");`,
          );
        }
        if (schema.items) {
          const index = `i${++this.#depth}`;
          const item = `e${this.#depth}`;
          this.line(indent, `for (let ${index} = 0; ${index} < ${expr}.length; ${index}++) {`);
          this.line(indent, `  const ${item}: unknown = ${expr}[${index}];`);
          this.check(schema.items, item, `${cat(where, "/")} + ${index}`, indent + "  ");
          this.line(indent, `}`);
        }
        return;
      }
      case "string":
        this.line(indent, `if (typeof ${expr} !== "string") return fail("TypeConstraintViolation", ${where}, "string expected");`);
        if (schema.enum) {
          this.line(
            indent,
            `if (!${this.enumTable(schema.enum)}.has(${expr})) return fail("PropertyConstraintViolation", ${where}, "value not in enumeration");`,
          );
        }
        if (schema.maxLength !== undefined) {
          this.line(
            indent,
            `if (${expr}.length > ${schema.maxLength}) return fail("PropertyConstraintViolation", ${where}, "longer than ${schema.maxLength}");`,
          );
        }
        if (schema.format === "date-time") {
          this.line(indent, `if (!isDateTime(${expr})) return fail("PropertyConstraintViolation", ${where}, "not a date-time");`);
        } else if (schema.format === "uri") {
          this.line(indent, `if (!isUri(${expr})) return fail("PropertyConstraintViolation", ${where}, "not a URI");`);
        } else if (schema.format !== undefined) throw new Error(`format ${schema.format} not handled`);
        return;
      case "integer":
        this.line(
          indent,
          `if (typeof ${expr} !== "number" || !Number.isInteger(${expr})) return fail("TypeConstraintViolation", ${where}, "integer expected");`,
        );
        return;
      case "number":
        this.line(
          indent,
          `if (typeof ${expr} !== "number" || !Number.isFinite(${expr})) return fail("TypeConstraintViolation", ${where}, "number expected");`,
        );
        if (schema.multipleOf !== undefined) {
          this.line(
            indent,
            `if (!isMultipleOf(${expr}, ${schema.multipleOf})) return fail("PropertyConstraintViolation", ${where}, "not a multiple of ${schema.multipleOf}");`,
          );
        }
        return;
      case "boolean":
        this.line(indent, `if (typeof ${expr} !== "boolean") return fail("TypeConstraintViolation", ${where}, "boolean expected");`);
        return;
      default:
        throw new Error(`schema type ${String(schema.type)} not handled`);
    }
  }

  enumTables = new Map<string, string>();
  enumTable(values: string[]): string {
    const key = JSON.stringify(values);
    let name = this.enumTables.get(key);
    if (!name) {
      name = `ENUM_${this.enumTables.size}`;
      this.enumTables.set(key, name);
    }
    return name;
  }

  typeOf(schemaIn: JsonSchema, indent: string): string {
    const schema = this.resolveRef(schemaIn);
    switch (schema.type) {
      case "object": {
        const props = schema.properties ?? {};
        const required = new Set(schema.required ?? []);
        const fields = Object.entries(props).map(
          ([name, sub]) => `${indent}  ${name}${required.has(name) ? "" : "?"}: ${this.typeOf(sub, indent + "  ")};`,
        );
        return fields.length === 0 ? "Record<string, never>" : `{\n${fields.join("\n")}\n${indent}}`;
      }
      case "array":
        return `Array<${schema.items ? this.typeOf(schema.items, indent) : "unknown"}>`;
      case "string":
        return schema.enum ? schema.enum.map((v) => JSON.stringify(v)).join(" | ") : "string";
      case "integer":
      case "number":
        return "number";
      case "boolean":
        return "boolean";
      default:
        return "unknown";
    }
  }
}

/** The generated module's text. */
export function generate(schemas: JsonSchema[]): string {
  const out: string[] = [];
  const enumTables = new Map<string, string>();
  const bodies: string[] = [];
  const actions = new Map<string, { Req?: string; Conf?: string }>();
  const sorted = schemas.slice().sort((a, b) => String(a.$id).localeCompare(String(b.$id)));
  for (const schema of sorted) {
    const { action, kind } = nameOf(String(schema.$id));
    const emitter = new Emitter(schema);
    emitter.enumTables = enumTables;
    const typeName = `${action}${kind}`;
    bodies.push(`/** ${schema.$id} */\nexport type ${typeName} = ${emitter.typeOf(schema, "")};\n`);
    emitter.check(schema, "value", `""`, "  ");
    bodies.push(
      `export function validate${typeName}(value: unknown): SchemaViolation | undefined {\n${emitter.lines.join("\n")}\n  return undefined;\n}\n`,
    );
    const entry = actions.get(action) ?? {};
    entry[kind] = typeName;
    actions.set(action, entry);
  }
  out.push("// Generated by tools/schema/generate.ts from ocpp-rpc's lib/schemas/ocpp1_6.json. Do not edit.");
  out.push("/* eslint-disable */");
  out.push('import { fail, isDateTime, isMultipleOf, isObject, isUri, type SchemaViolation } from "ocpp/rpc/schema-runtime";');
  out.push("");
  for (const [values, name] of enumTables) {
    out.push(`const ${name}: ReadonlySet<string> = new Set(${values});`);
  }
  out.push("");
  out.push(bodies.join("\n"));
  // Frozen, table and entries: a preloaded XS module keeps frozen objects in flash, without a RAM alias.
  out.push("/** Request and response validators of every OCPP 1.6 action, by action name. */");
  out.push(
    "export const OCPP16_VALIDATORS: Readonly<Record<string, { readonly request: (value: unknown) => SchemaViolation | undefined; readonly response: (value: unknown) => SchemaViolation | undefined }>> = Object.freeze({",
  );
  for (const [action, entry] of actions) {
    if (!entry.Req || !entry.Conf) throw new Error(`action ${action} lacks a req or conf schema`);
    out.push(`  ${action}: Object.freeze({ request: validate${entry.Req}, response: validate${entry.Conf} }),`);
  }
  out.push("});");
  out.push("");
  out.push("/** Maps each action to its request and response types. */");
  out.push("export interface Ocpp16Actions {");
  for (const [action, entry] of actions) out.push(`  ${action}: { request: ${entry.Req}; response: ${entry.Conf} };`);
  out.push("}");
  out.push("");
  return out.join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(OUTPUT_PATH, generate(loadOfficialSchemas()));
  console.log(`wrote ${OUTPUT_PATH}`);
}
