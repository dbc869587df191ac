/**
 * The Authorization Cache (OCPP 1.6 §4.5, SPEC 3.5.1): the IdTagInfo last
 * received from the CSMS per idTag, bounded, least recently used evicted
 * (non-valid entries go first), kept in NVS as one binary blob (≤ 4000 bytes,
 * written atomically by NVS) so it survives reboots and power cuts.
 *
 * Blob: u8 format (1) | u16 count | entries oldest-used first, each
 *   keyLen u8 | key | flags u8 | [expiry u32 UTC s] | parentLen u8 | parent
 * (the Local List record layout). Use order is saved with the next change,
 * not on every lookup, to spare NVS writes.
 */
import type { KeyValueStore } from "ports/kv";
import { parseIsoUtcMsLenient } from "util/iso8601";
import { decodeRecordInfo, decodeRecordKey, encodeRecord, recordPlausible, recordSize, RECORD_MAX_BYTES } from "./list-record";
import { foldIdTag, type IdTagInfo } from "./types";

const FORMAT = 1;
/** Largest capacity whose worst-case blob fits NVS's 4000 bytes. */
export const CACHE_MAX_CAPACITY = Math.floor((4000 - 3) / RECORD_MAX_BYTES);

export interface AuthorizationCacheOptions {
  /** Most entries kept; default 64, at most CACHE_MAX_CAPACITY. */
  capacity?: number;
  /** NVS namespace; default "authcache". */
  namespace?: string;
  /** UTC now in ms, to find expired entries when evicting (e.g. `clock.utcMs`). */
  nowUtcMs?: () => number;
}

interface CacheEntry {
  idTag: string;
  info: IdTagInfo;
}

export class AuthorizationCache {
  readonly capacity: number;
  #kv: KeyValueStore;
  #namespace: string;
  /** Keyed by folded idTag; Map order = use order, least recent first. */
  #entries = new Map<string, CacheEntry>();
  #record = new Uint8Array(RECORD_MAX_BYTES);
  #nowUtcMs: (() => number) | undefined;

  constructor(kv: KeyValueStore, options: AuthorizationCacheOptions = {}) {
    this.#kv = kv;
    this.#namespace = options.namespace ?? "authcache";
    this.#nowUtcMs = options.nowUtcMs;
    this.capacity = Math.max(1, Math.min(CACHE_MAX_CAPACITY, options.capacity ?? 64));
    this.load();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Reads the cache from NVS (a damaged blob leaves an empty cache). */
  load(): void {
    this.#entries.clear();
    const stored = this.#kv.get(this.#namespace, "entries");
    if (!(stored instanceof ArrayBuffer)) return;
    const bytes = new Uint8Array(stored);
    if (bytes.length < 3 || bytes[0] !== FORMAT) return;
    const count = (bytes[1] << 8) | bytes[2];
    let at = 3;
    for (let i = 0; i < count && at < bytes.length; i++) {
      const available = bytes.length - at;
      this.#record.fill(0);
      this.#record.set(bytes.subarray(at, at + Math.min(available, RECORD_MAX_BYTES)));
      if (!recordPlausible(this.#record, available)) break;
      const key = decodeRecordKey(this.#record);
      this.#entries.set(key, { idTag: key, info: decodeRecordInfo(this.#record) });
      at += recordSize(this.#record);
    }
    while (this.#entries.size > this.capacity) this.#evictOne();
  }

  /** The cached IdTagInfo (marks the entry as recently used). */
  get(idTag: string): IdTagInfo | undefined {
    const key = foldIdTag(idTag);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.info;
  }

  /** True when cached (no use recorded). */
  has(idTag: string): boolean {
    return this.#entries.has(foldIdTag(idTag));
  }

  /** Stores or replaces an entry; false when it cannot be stored (idTag too long, bad date). */
  put(idTag: string, info: IdTagInfo): boolean {
    if (typeof encodeRecord(idTag, info, this.#record) !== "number") return false;
    const key = foldIdTag(idTag);
    const copy: IdTagInfo = { status: info.status };
    if (info.expiryDate !== undefined) copy.expiryDate = info.expiryDate;
    if (info.parentIdTag !== undefined) copy.parentIdTag = info.parentIdTag;
    this.#entries.delete(key);
    while (this.#entries.size >= this.capacity) this.#evictOne();
    this.#entries.set(key, { idTag: key, info: copy });
    this.#save();
    return true;
  }

  /** Removes an entry (e.g. when the idTag went into the Local List). */
  remove(idTag: string): void {
    if (this.#entries.delete(foldIdTag(idTag))) this.#save();
  }

  /** ClearCache.req. */
  clear(): void {
    this.#entries.clear();
    this.#kv.delete(this.#namespace, "entries");
  }

  /**
   * Drops one entry: the least recently used non-valid one (not Accepted,
   * or past its expiry) if any, else the least recently used [ERR 3.4].
   */
  #evictOne(): void {
    const nowSeconds = this.#nowUtcMs ? Math.floor(this.#nowUtcMs() / 1000) : -1;
    let victim: string | undefined;
    let oldest: string | undefined;
    for (const [key, entry] of this.#entries) {
      if (oldest === undefined) oldest = key;
      if (entry.info.status !== "Accepted" || this.#expiredAt(entry, nowSeconds)) {
        victim = key;
        break;
      }
    }
    const drop = victim ?? oldest;
    if (drop !== undefined) this.#entries.delete(drop);
  }

  #expiredAt(entry: CacheEntry, nowSeconds: number): boolean {
    if (nowSeconds < 0 || entry.info.expiryDate === undefined) return false;
    const expiresMs = parseIsoUtcMsLenient(entry.info.expiryDate);
    return Number.isFinite(expiresMs) && expiresMs <= nowSeconds * 1000;
  }

  #save(): void {
    let total = 3;
    for (const entry of this.#entries.values()) {
      const size = encodeRecord(entry.idTag, entry.info, this.#record);
      if (typeof size === "number") total += size;
    }
    const blob = new Uint8Array(total);
    blob[0] = FORMAT;
    let count = 0;
    let at = 3;
    for (const entry of this.#entries.values()) {
      const size = encodeRecord(entry.idTag, entry.info, this.#record);
      if (typeof size !== "number") continue;
      blob.set(this.#record.subarray(0, size), at);
      at += size;
      count++;
    }
    blob[1] = (count >> 8) & 0xff;
    blob[2] = count & 0xff;
    this.#kv.set(this.#namespace, "entries", blob.buffer);
  }
}
