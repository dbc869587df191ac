/**
 * Key-value store of the lin build: NVS kept in `nvs.json` in the state
 * directory, each change written with an atomic rename (a change is either
 * there after a power cut or not). The file format is the Node simulator's
 * (platform/host/kv-file): an object of namespaces, bytes as {"bytes": base64};
 * provisioning writes it too.
 */
import { checkKvName, checkKvWrite, type KeyValueStore, type KvValue } from "ports/kv";
import { decodeBase64, encodeBase64 } from "util/base64";
import { decodeUtf8 } from "util/utf8";
import { readFile, readJsonMember, writeFileAtomic } from "platform/moddable/lin/host";
import { linStateDir } from "platform/moddable/lin/state-dir";

type StoredValue = boolean | number | string | { bytes: string };
type StoredFile = Record<string, Record<string, StoredValue>>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A stored value's JSON text parsed; undefined when it is not JSON (a damaged file reads as erased). */
function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function decoded(value: unknown): KvValue | undefined {
  if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
  if (!isRecord(value) || typeof value.bytes !== "string") return undefined;
  const bytes = decodeBase64(value.bytes);
  if (!bytes) return undefined;
  const copy = new ArrayBuffer(bytes.length);
  new Uint8Array(copy).set(bytes);
  return copy;
}

/**
 * NVS in one JSON file, read on every access and rewritten (atomically) on every change, with
 * nothing kept in RAM between calls: like the board's NVS, the store costs the heap nothing, so the
 * lin build's memory figures are the board's (docs/memory.md). A read finds its one value in C
 * (host.c readJsonMember) and parses only that: parsing the whole file on every read made most of
 * the garbage of a boot (32 collections in the stock ESP32 VM). The format is the Node simulator's
 * (platform/host/kv-file), so the bench host can provision the same file.
 */
export class FileKeyValueStore implements KeyValueStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  get(namespace: string, key: string): KvValue | undefined {
    checkKvName("namespace", namespace);
    checkKvName("key", key);
    const text = this.#member(namespace, key);
    return text === undefined ? undefined : decoded(parsedOrUndefined(text));
  }

  set(namespace: string, key: string, value: KvValue): void {
    checkKvWrite(namespace, key, value);
    const file = this.#read();
    const entries = file[namespace] ?? (file[namespace] = {});
    entries[key] = value instanceof ArrayBuffer ? { bytes: encodeBase64(new Uint8Array(value)) } : value;
    writeFileAtomic(this.path, JSON.stringify(file));
  }

  delete(namespace: string, key: string): void {
    checkKvName("namespace", namespace);
    checkKvName("key", key);
    const file = this.#read();
    const entries = file[namespace];
    if (!entries || !Object.prototype.hasOwnProperty.call(entries, key)) return;
    delete entries[key];
    writeFileAtomic(this.path, JSON.stringify(file));
  }

  keys(namespace: string): string[] {
    checkKvName("namespace", namespace);
    const text = this.#member(namespace);
    const entries = text === undefined ? undefined : parsedOrUndefined(text);
    return isRecord(entries) ? Object.keys(entries) : [];
  }

  /** The JSON text of one namespace or one key, undefined when absent or when the file is not JSON. */
  #member(namespace: string, key?: string): string | undefined {
    try {
      return readJsonMember(this.path, namespace, key);
    } catch {
      trace(`kv: ${this.path} is not JSON; read as an erased NVS\n`);
      return undefined;
    }
  }

  #read(): StoredFile {
    const bytes = readFile(this.path);
    if (bytes === undefined) return {}; // no file yet: an erased NVS partition
    let parsed: unknown;
    try {
      parsed = JSON.parse(decodeUtf8(new Uint8Array(bytes)));
    } catch {
      trace(`kv: ${this.path} is not JSON; read as an erased NVS\n`);
      return {};
    }
    if (!isRecord(parsed)) return {};
    const file: StoredFile = {};
    for (const namespace of Object.keys(parsed)) {
      const stored = parsed[namespace];
      if (isRecord(stored)) file[namespace] = stored as Record<string, StoredValue>;
    }
    return file;
  }
}

export function createBoardKeyValueStore(): KeyValueStore {
  return new FileKeyValueStore(`${linStateDir()}/nvs.json`);
}
