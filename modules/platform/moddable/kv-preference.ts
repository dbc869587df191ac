/**
 * Board key-value store over Moddable `preference` (NVS on ESP32). The same
 * checks as the host run first, so an error names the rule, not just "NVS".
 */
import Preference from "preference";
import { checkKvName, checkKvWrite, type KeyValueStore, type KvValue } from "ports/kv";

export class PreferenceKeyValueStore implements KeyValueStore {
  get(namespace: string, key: string): KvValue | undefined {
    checkKvName("namespace", namespace);
    checkKvName("key", key);
    return Preference.get(namespace, key);
  }

  set(namespace: string, key: string, value: KvValue): void {
    checkKvWrite(namespace, key, value);
    Preference.set(namespace, key, value);
  }

  delete(namespace: string, key: string): void {
    checkKvName("namespace", namespace);
    checkKvName("key", key);
    Preference.delete(namespace, key);
  }

  keys(namespace: string): string[] {
    checkKvName("namespace", namespace);
    return Preference.keys(namespace);
  }
}

/** The board's store (the manifest maps `platform/moddable/kv` here on esp32). */
export function createBoardKeyValueStore(): KeyValueStore {
  return new PreferenceKeyValueStore();
}
