/**
 * Charging profiles kept across reboots [ERR 3.37] in the key-value store:
 * one JSON record per profile under key "p<chargingProfileId>", and the
 * TxProfile of an accepted RemoteStartTransaction, waiting for its
 * transaction, under "r<connectorId>". Each record is written whole by one
 * NVS write; a replacement writes the new record before deleting the old
 * one, and `seq` lets the loader keep the newer of two conflicting records
 * left by a power cut in between.
 */
import type { KeyValueStore } from "ports/kv";
import type { ChargingProfile } from "./types";

export const PROFILE_NAMESPACE = "chgprofiles";

export interface ProfileRecord {
  /** Connector the profile was set on. */
  connectorId: number;
  /** Installation order. */
  seq: number;
  /** When it was installed (anchors an Absolute profile without startSchedule). */
  installedAtMs: number;
  profile: ChargingProfile;
}

export function profileKey(chargingProfileId: number): string {
  return "p" + String(chargingProfileId);
}

export function pendingKey(connectorId: number): string {
  return "r" + String(connectorId);
}

function isRecord(value: unknown): value is ProfileRecord {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  const profile = record.profile as Record<string, unknown> | null;
  return (
    typeof record.connectorId === "number" &&
    typeof record.seq === "number" &&
    typeof record.installedAtMs === "number" &&
    typeof profile === "object" &&
    profile !== null &&
    typeof profile.chargingSchedule === "object"
  );
}

export class ProfileStore {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /** Writes a record; throws the store's error (e.g. KvError too-large) when it cannot. */
  write(key: string, record: ProfileRecord): void {
    this.#kv.set(PROFILE_NAMESPACE, key, JSON.stringify(record));
  }

  remove(key: string): void {
    this.#kv.delete(PROFILE_NAMESPACE, key);
  }

  /** Every readable record with its key; unreadable ones are reported in `broken`. */
  readAll(): { records: Array<{ key: string; record: ProfileRecord }>; broken: string[] } {
    const records: Array<{ key: string; record: ProfileRecord }> = [];
    const broken: string[] = [];
    const keys = this.#kv.keys(PROFILE_NAMESPACE);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const raw = this.#kv.get(PROFILE_NAMESPACE, key);
      let parsed: unknown;
      try {
        parsed = typeof raw === "string" ? JSON.parse(raw) : undefined;
      } catch {
        parsed = undefined;
      }
      if (isRecord(parsed)) records.push({ key, record: parsed });
      else broken.push(key);
    }
    return { records, broken };
  }
}
