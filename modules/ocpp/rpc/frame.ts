/**
 * OCPP-J framing (OCPP-J 1.6 §4): CALL [2,id,action,payload],
 * CALLRESULT [3,id,payload], CALLERROR [4,id,code,description,details].
 */
import { isObject } from "./schema-runtime";
import { MAX_JSON_DEPTH, jsonNestingExceeds } from "util/json-depth";

/** The ten CALLERROR codes of OCPP-J 1.6 §4.2.3 (1.6 spellings). */
export const CALL_ERROR_CODES = Object.freeze([
  "NotImplemented",
  "NotSupported",
  "InternalError",
  "ProtocolError",
  "SecurityError",
  "FormationViolation",
  "PropertyConstraintViolation",
  "OccurenceConstraintViolation",
  "TypeConstraintViolation",
  "GenericError",
] as const);

export type CallErrorCode = (typeof CALL_ERROR_CODES)[number];

/** Message ids are at most 36 characters (room for a GUID) [J 4.1.4]. */
export const MAX_MESSAGE_ID_LENGTH = 36;

export type Payload = Record<string, unknown>;

export type ParsedFrame =
  | { kind: "call"; id: string; action: string; payload: unknown }
  | { kind: "result"; id: string; payload: unknown }
  | { kind: "error"; id: string; code: string; description: string; details: unknown }
  /** A malformed frame; `id` is set when a CALLERROR can be addressed to it. */
  | { kind: "bad"; id: string | undefined; code: CallErrorCode; message: string }
  /** Unknown message type number: ignored [J 4.1.3]. */
  | { kind: "ignore" };

// Finds the id of a CALL without parsing the whole text (used for oversized frames).
const CALL_PREFIX = /^\s*\[\s*2\s*,\s*"([^"\\]{1,36})"/;

export function callIdOfText(text: string): string | undefined {
  const match = CALL_PREFIX.exec(text.length > 128 ? text.slice(0, 128) : text);
  return match ? match[1] : undefined;
}

export function parseFrame(text: string): ParsedFrame {
  // Deep nesting aborts XS's JSON.parse (native stack) instead of throwing.
  if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) {
    return { kind: "bad", id: callIdOfText(text), code: "FormationViolation", message: `JSON nested deeper than ${MAX_JSON_DEPTH}` };
  }
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { kind: "bad", id: callIdOfText(text), code: "FormationViolation", message: "frame is not JSON" };
  }
  if (!Array.isArray(frame) || frame.length < 3) {
    return { kind: "bad", id: undefined, code: "FormationViolation", message: "frame is not an OCPP-J array" };
  }
  const type = frame[0];
  const id = frame[1];
  if (type !== 2 && type !== 3 && type !== 4) return { kind: "ignore" };
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_MESSAGE_ID_LENGTH) {
    return { kind: "bad", id: undefined, code: "FormationViolation", message: "bad message id" };
  }
  if (type === 2) {
    if (frame.length !== 4 || typeof frame[2] !== "string") {
      return { kind: "bad", id, code: "FormationViolation", message: "CALL needs [2, id, action, payload]" };
    }
    return { kind: "call", id, action: frame[2], payload: frame[3] };
  }
  if (type === 3) {
    if (frame.length !== 3) return { kind: "bad", id: undefined, code: "FormationViolation", message: "bad CALLRESULT" };
    return { kind: "result", id, payload: frame[2] };
  }
  if (frame.length < 4 || typeof frame[2] !== "string") {
    return { kind: "bad", id: undefined, code: "FormationViolation", message: "bad CALLERROR" };
  }
  return {
    kind: "error",
    id,
    code: frame[2],
    description: typeof frame[3] === "string" ? frame[3] : "",
    details: frame.length > 4 ? frame[4] : {},
  };
}

export function callFrame(id: string, action: string, payload: unknown): string {
  return `[2,${JSON.stringify(id)},${JSON.stringify(action)},${JSON.stringify(payload)}]`;
}

export function resultFrame(id: string, payload: unknown): string {
  return `[3,${JSON.stringify(id)},${JSON.stringify(payload)}]`;
}

export function errorFrame(id: string, code: CallErrorCode, description: string, details?: Payload): string {
  const safeDetails = details && isObject(details) ? details : {};
  return `[4,${JSON.stringify(id)},${JSON.stringify(code)},${JSON.stringify(description)},${JSON.stringify(safeDetails)}]`;
}

/** Thrown by an action handler to answer with a CALLERROR. */
export class OcppCallError extends Error {
  override name = "OcppCallError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  readonly code: CallErrorCode;
  readonly details: Payload;
  constructor(code: CallErrorCode, message: string, details: Payload = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** A CALL we sent was answered with a CALLERROR. */
export class CallErrorResponse extends Error {
  override name = "CallErrorResponse"; // a field: XS preload freezes Error.prototype, so assigning name throws
  readonly code: string;
  readonly details: unknown;
  constructor(action: string, code: string, description: string, details: unknown) {
    super(`${action}: ${code} ${description}`);
    this.code = code;
    this.details = details;
  }
}

/** A CALL we sent got no answer in time. */
export class CallTimeoutError extends Error {
  override name = "CallTimeoutError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(action: string) {
    super(`${action}: no response in time`);
  }
}

/** The connection closed before a CALL could be sent or answered. */
export class ConnectionLostError extends Error {
  override name = "ConnectionLostError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(action: string) {
    super(`${action}: connection lost`);
  }
}

/** The CSMS answered with a payload its schema refuses. */
export class InvalidResponseError extends Error {
  override name = "InvalidResponseError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(action: string, message: string) {
    super(`${action}: invalid response: ${message}`);
  }
}
