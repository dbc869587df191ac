/**
 * Key-value store of the lin build: the NVS rules of MemoryKeyValueStore,
 * saved after every change to `nvs.json` in the state directory with an
 * atomic rename (a change is either there after a power cut or not). The
 * file format is the Node simulator's (platform/host/kv-file): an object of
 * namespaces, bytes as {"bytes": base64}; provisioning writes it too.
 */
import type { KeyValueStore, KvValue } from "ports/kv";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { decodeBase64, encodeBase64 } from "util/base64";
import { decodeUtf8 } from "util/utf8";
import { readFile, writeFileAtomic } from "platform/moddable/lin/host";
import { linStateDir } from "platform/moddable/lin/state-dir";

type StoredValue = boolean | number | string | { bytes: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class FileKeyValueStore extends MemoryKeyValueStore {
  readonly path: string;

  constructor(path: string) {
    super();
    this.path = path;
    this.#load();
  }

  protected override changed(): void {
    const file: Record<string, Record<string, StoredValue>> = {};
    this.namespaces.forEach((entries, namespace) => {
      const stored: Record<string, StoredValue> = {};
      entries.forEach((value, key) => {
        stored[key] = value instanceof ArrayBuffer ? { bytes: encodeBase64(new Uint8Array(value)) } : value;
      });
      file[namespace] = stored;
    });
    writeFileAtomic(this.path, JSON.stringify(file));
  }

  #load(): void {
    const bytes = readFile(this.path);
    if (bytes === undefined) return; // no file yet: an erased NVS partition
    let parsed: unknown;
    try {
      parsed = JSON.parse(decodeUtf8(new Uint8Array(bytes)));
    } catch {
      trace(`kv: ${this.path} is not JSON; starting from an erased NVS\n`);
      return;
    }
    if (!isRecord(parsed)) return;
    for (const namespace of Object.keys(parsed)) {
      const stored = parsed[namespace];
      if (!isRecord(stored)) continue;
      const entries = new Map<string, KvValue>();
      for (const key of Object.keys(stored)) {
        const value = stored[key];
        if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") entries.set(key, value);
        else if (isRecord(value) && typeof value.bytes === "string") {
          const decoded = decodeBase64(value.bytes);
          if (decoded) {
            const copy = new ArrayBuffer(decoded.length);
            new Uint8Array(copy).set(decoded);
            entries.set(key, copy);
          }
        }
      }
      this.namespaces.set(namespace, entries);
    }
  }
}

/** The lin build's store: `nvs.json` in the state directory (the manifest maps `platform/moddable/kv` here on lin). */
export function createBoardKeyValueStore(): KeyValueStore {
  return new FileKeyValueStore(`${linStateDir()}/nvs.json`);
}
