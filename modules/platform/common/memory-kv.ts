/**
 * In-memory key-value store with the NVS rules: the base of the host's
 * file-backed store and of tests; runs on XS as well.
 */
import { checkKvName, checkKvWrite, type KeyValueStore, type KvValue } from "ports/kv";

export class MemoryKeyValueStore implements KeyValueStore {
  protected readonly namespaces = new Map<string, Map<string, KvValue>>();

  get(namespace: string, key: string): KvValue | undefined {
    checkKvName("namespace", namespace);
    checkKvName("key", key);
    const value = this.namespaces.get(namespace)?.get(key);
    // Hand out a copy of bytes so a caller cannot change the stored value in place.
    return value instanceof ArrayBuffer ? value.slice(0) : value;
  }

  set(namespace: string, key: string, value: KvValue): void {
    checkKvWrite(namespace, key, value);
    let entries = this.namespaces.get(namespace);
    if (!entries) {
      entries = new Map();
      this.namespaces.set(namespace, entries);
    }
    entries.set(key, value instanceof ArrayBuffer ? value.slice(0) : value);
    this.changed();
  }

  delete(namespace: string, key: string): void {
    checkKvName("namespace", namespace);
    checkKvName("key", key);
    if (this.namespaces.get(namespace)?.delete(key)) this.changed();
  }

  keys(namespace: string): string[] {
    checkKvName("namespace", namespace);
    const entries = this.namespaces.get(namespace);
    return entries ? Array.from(entries.keys()) : [];
  }

  /** Hook for persistent subclasses: called after every change. */
  protected changed(): void {}
}
