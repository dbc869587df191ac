/**
 * The few generic checks the generated validators (ocpp/generated/ocpp16)
 * call: JSON object test, RFC 3339 date-time, URI, multipleOf. No field of
 * any message is checked here; that is the generated code's job.
 */

/** CALLERROR codes a schema check can produce (OCPP-J 1.6 spelling). */
export type SchemaErrorCode =
  "TypeConstraintViolation" | "OccurenceConstraintViolation" | "PropertyConstraintViolation" | "FormationViolation";

export interface SchemaViolation {
  code: SchemaErrorCode;
  /** JSON pointer of the offending value ("" = the payload itself). */
  path: string;
  message: string;
}

export function fail(code: SchemaErrorCode, path: string, message: string): SchemaViolation {
  return { code, path, message };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// RFC 3339 date-time as JSON Schema's "date-time" format: date, "T", time, optional fraction, zone.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 60;
}

const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;

export function isUri(text: string): boolean {
  return URI.test(text);
}

export function isMultipleOf(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(Math.round(ratio) - ratio) < 1e-6;
}
