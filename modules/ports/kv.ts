/**
 * Key-value store port with the ESP32 NVS rules (Moddable `preference`).
 *
 * Every implementation enforces the same rules through `checkKvWrite`, so a
 * test on the host fails exactly where the board would:
 * - namespace and key: 1..15 characters of printable ASCII;
 * - numbers: 32-bit signed integers only (NVS has no floats);
 * - strings: at most 4000 bytes of UTF-8 including NVS's terminating NUL;
 * - bytes (ArrayBuffer): at most 4000 bytes;
 * - booleans.
 */
import { utf8ByteLength } from "util/utf8";

const charCodeAt = String.prototype.charCodeAt;

export { utf8ByteLength };
export type KvValue = boolean | number | string | ArrayBuffer;

export interface KeyValueStore {
  /** The stored value, or undefined when the key is absent. */
  get(namespace: string, key: string): KvValue | undefined;
  /** Stores a value; throws KvError when the value breaks an NVS rule. */
  set(namespace: string, key: string, value: KvValue): void;
  /** Removes a key; absent keys are ignored. */
  delete(namespace: string, key: string): void;
  /** Keys present in a namespace, in no particular order. */
  keys(namespace: string): string[];
}

export const NVS_MAX_NAME_LENGTH = 15;
export const NVS_MAX_VALUE_BYTES = 4000;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export type KvErrorCode = "bad-name" | "not-integer" | "out-of-range" | "too-large" | "bad-type";

export class KvError extends Error {
  override name = "KvError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  readonly code: KvErrorCode;
  constructor(code: KvErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Throws KvError when a namespace or key name breaks the NVS rules. */
export function checkKvName(kind: "namespace" | "key", name: string): void {
  // The length read once and the unbound charCodeAt: on XS each `name.length` or `name.charCodeAt`
  // boxes the string (slots of garbage), and this runs twice per NVS access (issue 9: collections
  // during boot).
  const length = name.length;
  if (length < 1 || length > NVS_MAX_NAME_LENGTH) {
    throw new KvError("bad-name", `${kind} "${name}" must have 1 to ${NVS_MAX_NAME_LENGTH} characters`);
  }
  for (let i = 0; i < length; i++) {
    const code = charCodeAt.call(name, i);
    if (code < 0x21 || code > 0x7e) {
      throw new KvError("bad-name", `${kind} "${name}" must be printable ASCII without spaces`);
    }
  }
}

/** Throws KvError when a write would fail on the board's NVS. */
export function checkKvWrite(namespace: string, key: string, value: KvValue): void {
  checkKvName("namespace", namespace);
  checkKvName("key", key);
  switch (typeof value) {
    case "boolean":
      return;
    case "number":
      if (!Number.isInteger(value)) {
        throw new KvError("not-integer", `${namespace}/${key}: NVS stores integers only, got ${value}`);
      }
      if (value < INT32_MIN || value > INT32_MAX) {
        throw new KvError("out-of-range", `${namespace}/${key}: ${value} is outside the 32-bit integer range`);
      }
      return;
    case "string":
      // NVS counts the terminating NUL within its 4000-byte string limit.
      if (utf8ByteLength(value) + 1 > NVS_MAX_VALUE_BYTES) {
        throw new KvError("too-large", `${namespace}/${key}: string longer than ${NVS_MAX_VALUE_BYTES - 1} bytes`);
      }
      return;
    default:
      if (value instanceof ArrayBuffer) {
        if (value.byteLength > NVS_MAX_VALUE_BYTES) {
          throw new KvError("too-large", `${namespace}/${key}: ${value.byteLength} bytes exceed ${NVS_MAX_VALUE_BYTES}`);
        }
        return;
      }
      throw new KvError("bad-type", `${namespace}/${key}: unsupported value type`);
  }
}
