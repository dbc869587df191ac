/**
 * Takes secrets out of an OCPP frame before it is logged: the value of a
 * secret configuration key (AuthorizationKey, any name with Password or Secret) in
 * ChangeConfiguration or GetConfiguration, any property named like a
 * password, secret, private key or `Authorization` header, Basic/Bearer
 * credentials and the password in `scheme://user:password@host` URLs.
 * Frames that are not JSON get the same treatment by pattern.
 */

import { jsonNestingExceeds } from "util/json-depth";

export const REDACTED = "***";

/**
 * Cheap test: frames without any of these go to the log untouched. `authorization` only as the
 * key (AuthorizationKey), a property or a header: a GetConfiguration answer names
 * AuthorizeRemoteTxRequests and AuthorizationCacheEnabled, and parsing and writing it again for
 * nothing took more chunk heap than the stock ESP32 VM had left (issue 9).
 */
const SUSPECT = /pass|pwd|secret|authorization(?:key|"|\s*:)|apikey|api_key|privatekey|private_key|bearer|@/i;
/** Configuration key names whose value is secret. */
const SECRET_NAME = /authorizationkey|password|passwd|passphrase|secret|privatekey|private_key|apikey|api_key/i;
/** Property names whose value is secret. */
const SECRET_PROPERTY = /authorizationkey|password|passwd|passphrase|secret|privatekey|private_key|apikey|api_key|^pwd$|^authorization$/i;
/** A new RegExp per use: a global one's lastIndex is written, and preloading freezes module-level objects on the board. */
const URL_PASSWORD = (): RegExp => /([a-z][a-z0-9+.-]*:\/\/[^/\s:@"]*):[^@/\s"]*@/gi;
const SCHEME_CREDENTIAL = (): RegExp => /\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{4,}/g;
const RAW_SECRET_PROPERTY =
  /("[^"\\]*(?:authorizationkey|password|passwd|passphrase|secret|privatekey|private_key|apikey|api_key)[^"\\]*"|"authorization"|"pwd")(\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/gi;
const RAW_VALUE = (): RegExp => /("value"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
const HEADER_LINE = (): RegExp => /(authorization\s*:\s*)[^\r\n"]+/gi;

function redactString(text: string): string {
  if (!SUSPECT.test(text)) return text;
  return text.replace(URL_PASSWORD(), `$1:${REDACTED}@`).replace(SCHEME_CREDENTIAL(), `$1 ${REDACTED}`);
}

/** Redacts in place; returns true when something changed. */
function redactValue(value: unknown): boolean {
  if (Array.isArray(value)) {
    let changed = false;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === "string") {
        const clean = redactString(item);
        if (clean !== item) {
          value[i] = clean;
          changed = true;
        }
      } else if (redactValue(item)) changed = true;
    }
    return changed;
  }
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  let changed = false;
  // {"key":"AuthorizationKey","value":"..."}: ChangeConfiguration.req, GetConfiguration.conf entries.
  if (typeof record.key === "string" && SECRET_NAME.test(record.key) && record.value !== undefined && record.value !== REDACTED) {
    record.value = REDACTED;
    changed = true;
  }
  for (const name of Object.keys(record)) {
    const item = record[name];
    if (SECRET_PROPERTY.test(name) && item !== null && typeof item !== "object") {
      if (item !== REDACTED) {
        record[name] = REDACTED;
        changed = true;
      }
    } else if (typeof item === "string") {
      const clean = redactString(item);
      if (clean !== item) {
        record[name] = clean;
        changed = true;
      }
    } else if (redactValue(item)) changed = true;
  }
  return changed;
}

/** The frame with its secrets replaced by "***" (the same string when it holds none). */
export function redactFrame(frame: string): string {
  if (!SUSPECT.test(frame)) return frame;
  // Too deep for JSON.parse on XS (see util/json-depth): patterns only.
  if (jsonNestingExceeds(frame)) return redactRaw(frame);
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return redactRaw(frame);
  }
  if (parsed === null || typeof parsed !== "object") return redactString(frame);
  return redactValue(parsed) ? JSON.stringify(parsed) : frame;
}

/** Pattern-based redaction for text that is not valid JSON. */
function redactRaw(text: string): string {
  let clean = text.replace(RAW_SECRET_PROPERTY, `$1$2"${REDACTED}"`);
  if (/authorizationkey/i.test(clean)) clean = clean.replace(RAW_VALUE(), `$1"${REDACTED}"`);
  return redactString(clean.replace(HEADER_LINE(), `$1${REDACTED}`));
}
