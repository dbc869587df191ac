/**
 * Shared shapes of the authorization feature (OCPP 1.6 §2.4, §4.5):
 * IdTagInfo as the schemas define it, and case-insensitive idTag keys.
 */

export type AuthorizationStatus = "Accepted" | "Blocked" | "Expired" | "Invalid" | "ConcurrentTx";

/** IdTagInfo as in the OCPP 1.6 schemas (expiryDate: ISO 8601). */
export interface IdTagInfo {
  status: AuthorizationStatus;
  expiryDate?: string;
  parentIdTag?: string;
}

/** One entry of SendLocalList.req: without idTagInfo it deletes (Differential). */
export interface LocalListEntry {
  idTag: string;
  idTagInfo?: IdTagInfo;
}

/** Status codes as stored in flash and NVS (one byte). */
export const STATUS_CODES: readonly AuthorizationStatus[] = Object.freeze(["Accepted", "Blocked", "Expired", "Invalid", "ConcurrentTx"]);

export function statusCode(status: AuthorizationStatus): number {
  const code = STATUS_CODES.indexOf(status);
  return code < 0 ? 3 : code;
}

export function statusFromCode(code: number): AuthorizationStatus {
  return STATUS_CODES[code] ?? "Invalid";
}

/** IdToken is a CiString20: compare case-insensitively (ASCII letters folded to upper case). */
export function foldIdTag(idTag: string): string {
  let folded = "";
  let changed = false;
  for (let i = 0; i < idTag.length; i++) {
    const code = idTag.charCodeAt(i);
    if (code >= 0x61 && code <= 0x7a) changed = true;
  }
  if (!changed) return idTag;
  for (let i = 0; i < idTag.length; i++) {
    const code = idTag.charCodeAt(i);
    folded += String.fromCharCode(code >= 0x61 && code <= 0x7a ? code - 0x20 : code);
  }
  return folded;
}

/** True when two idTags name the same token (CiString comparison). */
export function sameIdTag(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return a.length === b.length && foldIdTag(a) === foldIdTag(b);
}

/** Longest idTag / parentIdTag in UTF-8 bytes that the stores keep (IdToken = CiString20). */
export const ID_TAG_MAX_BYTES = 20;
