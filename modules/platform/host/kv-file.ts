/**
 * Host key-value store: the NVS rules of MemoryKeyValueStore, saved to a
 * JSON file with an atomic rename after every change (like NVS, a change
 * is either there after a crash or not).
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { KvValue } from "ports/kv";
import { MemoryKeyValueStore } from "platform/common/memory-kv";

type StoredValue = boolean | number | string | { bytes: string };
type StoredFile = Record<string, Record<string, StoredValue>>;

export class FileKeyValueStore extends MemoryKeyValueStore {
  readonly path: string;

  constructor(path: string) {
    super();
    this.path = path;
    this.#load();
  }

  protected override changed(): void {
    const file: StoredFile = {};
    for (const [namespace, entries] of this.namespaces) {
      const stored: Record<string, StoredValue> = {};
      for (const [key, value] of entries) {
        stored[key] = value instanceof ArrayBuffer ? { bytes: Buffer.from(value).toString("base64") } : value;
      }
      file[namespace] = stored;
    }
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, JSON.stringify(file));
    renameSync(temporary, this.path);
  }

  #load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return; // no file yet: an erased NVS partition
    }
    const file = JSON.parse(text) as StoredFile;
    for (const namespace of Object.keys(file)) {
      const entries = new Map<string, KvValue>();
      for (const [key, stored] of Object.entries(file[namespace])) {
        if (typeof stored === "object") {
          const bytes = Buffer.from(stored.bytes, "base64");
          entries.set(key, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        } else entries.set(key, stored);
      }
      this.namespaces.set(namespace, entries);
    }
  }
}
