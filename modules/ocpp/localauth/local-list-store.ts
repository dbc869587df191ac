/**
 * The Local Authorization List on a raw NOR partition ("authlist"), kept in
 * flash and never in RAM (OCPP 1.6 §2.4, §3.2).
 *
 * The partition is split into two banks. A bank holds:
 *   header (32 bytes) | index: count x u32 record offsets | records sorted by key
 * Header: magic "LAL1", sequence, listVersion, count, dataEnd, CRC of the
 * index, CRC of the records, CRC of the header itself. The valid bank with
 * the highest sequence is the list. An update (Full or Differential) writes
 * a complete new image into the other bank and commits it with the header
 * write, so a power cut at any point leaves either the old or the new list.
 *
 * Lookup is a binary search that reads index words and record heads from
 * flash into fixed scratch buffers: memory does not depend on the list size.
 */
import type { FlashPartition } from "ports/flash";
import { crc32 } from "util/crc32";
import { BANK_HEADER_BYTES, ListBankWriter } from "./list-bank-writer";
import {
  compareKeys,
  decodeRecordInfo,
  decodeRecordKey,
  encodeKey,
  encodeRecord,
  readU32,
  recordPlausible,
  recordSize,
  RECORD_MAX_BYTES,
  writeU32,
} from "./list-record";
import { ID_TAG_MAX_BYTES, type IdTagInfo, type LocalListEntry } from "./types";

const MAGIC = 0x4c414c31; // "LAL1"

/** Outcome of a list update. */
export type ListWriteResult = "ok" | "too-many" | "no-space" | "bad-entry" | "duplicate" | "write-failed";

export interface LocalListStoreOptions {
  /** Most entries the list may hold (LocalAuthListMaxLength); default 1000. */
  maxEntries?: number;
}

interface PreparedEntry {
  key: Uint8Array;
  idTag: string;
  info: IdTagInfo | undefined;
}

export class LocalListStore {
  readonly maxEntries: number;
  readonly bankSize: number;
  #flash: FlashPartition;
  #active = -1;
  #sequence = 0;
  #version = 0;
  #count = 0;
  #dataEnd = 0;
  #header = new Uint8Array(BANK_HEADER_BYTES);
  #word = new Uint8Array(4);
  #record = new Uint8Array(RECORD_MAX_BYTES);
  #key = new Uint8Array(ID_TAG_MAX_BYTES);
  #chunk = new Uint8Array(256);

  constructor(flash: FlashPartition, options: LocalListStoreOptions = {}) {
    const sectorsPerBank = Math.floor(flash.byteLength / flash.sectorSize / 2);
    if (sectorsPerBank < 1) throw new RangeError("authlist partition needs at least two sectors");
    this.#flash = flash;
    this.bankSize = sectorsPerBank * flash.sectorSize;
    this.maxEntries = options.maxEntries ?? 1000;
    this.open();
  }

  /** listVersion stored with the list (0 when none was ever stored). */
  get version(): number {
    return this.#version;
  }

  /** Entries in the list. */
  get count(): number {
    return this.#count;
  }

  /** Bytes the current image takes in its bank. */
  get bytesUsed(): number {
    return this.#dataEnd;
  }

  /** Which bank holds the list (-1: none, empty list). */
  get activeBank(): number {
    return this.#active;
  }

  /** (Re)reads both bank headers and checks their CRCs: what a reboot does. */
  open(): void {
    this.#active = -1;
    this.#sequence = 0;
    this.#version = 0;
    this.#count = 0;
    this.#dataEnd = 0;
    for (let bank = 0; bank < 2; bank++) {
      if (!this.#bankValid(bank)) continue;
      const sequence = readU32(this.#header, 4);
      if (this.#active >= 0 && sequence <= this.#sequence) continue;
      this.#active = bank;
      this.#sequence = sequence;
      this.#version = readU32(this.#header, 8) | 0;
      this.#count = readU32(this.#header, 12);
      this.#dataEnd = readU32(this.#header, 16);
    }
  }

  /** The stored IdTagInfo of `idTag`, read from flash; undefined when not listed. */
  lookup(idTag: string): IdTagInfo | undefined {
    const index = this.#find(idTag);
    return index < 0 ? undefined : decodeRecordInfo(this.#record);
  }

  /** True when `idTag` is listed. */
  has(idTag: string): boolean {
    return this.#find(idTag) >= 0;
  }

  /** The entry at a sorted position (idTag is the case-folded key), for reports and tests. */
  entryAt(index: number): LocalListEntry | undefined {
    if (index < 0 || index >= this.#count) return undefined;
    this.#readRecord(this.#recordOffset(index));
    return { idTag: decodeRecordKey(this.#record), idTagInfo: decodeRecordInfo(this.#record) };
  }

  /** Replaces the whole list (SendLocalList Full); an empty list clears it. */
  replaceAll(version: number, entries: readonly LocalListEntry[]): ListWriteResult {
    const prepared = this.#prepare(entries, true);
    if (typeof prepared === "string") return prepared;
    if (prepared.length > this.maxEntries) return "too-many";
    const writer = this.#startWriter(prepared.length);
    if (!writer) return "no-space";
    for (let i = 0; i < prepared.length; i++) {
      if (!this.#addPrepared(writer, prepared[i])) return "no-space";
    }
    return this.#commit(writer, version);
  }

  /** Adds, updates (entry with idTagInfo) and deletes (without) entries (SendLocalList Differential). */
  applyDifferential(version: number, entries: readonly LocalListEntry[]): ListWriteResult {
    const prepared = this.#prepare(entries, false);
    if (typeof prepared === "string") return prepared;
    let count = this.#count;
    for (let i = 0; i < prepared.length; i++) {
      const listed = this.#find(prepared[i].idTag) >= 0;
      if (prepared[i].info && !listed) count++;
      else if (!prepared[i].info && listed) count--;
    }
    if (count > this.maxEntries) return "too-many";
    const writer = this.#startWriter(count);
    if (!writer) return "no-space";
    // Merge the sorted old list (streamed from flash) with the sorted updates.
    let old = 0;
    let next = 0;
    while (old < this.#count || next < prepared.length) {
      let order: number;
      if (old >= this.#count) order = 1;
      else {
        this.#readRecord(this.#recordOffset(old));
        if (next >= prepared.length) order = -1;
        else {
          const key = prepared[next].key;
          order = compareKeys(this.#record, 1, this.#record[0], key, 0, key.length);
        }
      }
      if (order < 0) {
        if (!writer.add(this.#record, recordSize(this.#record))) return "no-space";
        old++;
      } else {
        if (prepared[next].info && !this.#addPrepared(writer, prepared[next])) return "no-space";
        if (order === 0) old++;
        next++;
      }
    }
    return this.#commit(writer, version);
  }

  #addPrepared(writer: ListBankWriter, entry: PreparedEntry): boolean {
    const size = encodeRecord(entry.idTag, entry.info as IdTagInfo, this.#record);
    return typeof size === "number" && writer.add(this.#record, size);
  }

  /** Validates, encodes keys and sorts the entries of one request (bounded by SendLocalListMaxLength). */
  #prepare(entries: readonly LocalListEntry[], infoRequired: boolean): PreparedEntry[] | ListWriteResult {
    const prepared: PreparedEntry[] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (!entry || typeof entry.idTag !== "string") return "bad-entry";
      const info = entry.idTagInfo;
      if (!info && infoRequired) return "bad-entry";
      if (info && typeof encodeRecord(entry.idTag, info, this.#record) !== "number") return "bad-entry";
      const length = encodeKey(entry.idTag, this.#key, 0);
      if (length < 0) return "bad-entry";
      prepared.push({ key: this.#key.slice(0, length), idTag: entry.idTag, info });
    }
    prepared.sort((a, b) => compareKeys(a.key, 0, a.key.length, b.key, 0, b.key.length));
    for (let i = 1; i < prepared.length; i++) {
      const a = prepared[i - 1].key;
      const b = prepared[i].key;
      if (compareKeys(a, 0, a.length, b, 0, b.length) === 0) return "duplicate";
    }
    return prepared;
  }

  #startWriter(count: number): ListBankWriter | undefined {
    if (BANK_HEADER_BYTES + 4 * count > this.bankSize) return undefined;
    const bank = this.#active === 0 ? 1 : 0;
    return new ListBankWriter(this.#flash, bank * this.bankSize, this.bankSize, count);
  }

  /** Writes the header that makes the new bank the list, then checks it reads back valid. */
  #commit(writer: ListBankWriter, version: number): ListWriteResult {
    if (writer.written !== writer.count) return "write-failed";
    const { dataEnd, crcIndex, crcRecords } = writer.finish();
    const bank = this.#active === 0 ? 1 : 0;
    const header = this.#header;
    writeU32(header, 0, MAGIC);
    writeU32(header, 4, (this.#sequence + 1) >>> 0);
    writeU32(header, 8, version >>> 0);
    writeU32(header, 12, writer.count);
    writeU32(header, 16, dataEnd);
    writeU32(header, 20, crcIndex);
    writeU32(header, 24, crcRecords);
    writeU32(header, 28, crc32(header, 0, 28));
    this.#flash.write(bank * this.bankSize, header);
    const previous = this.#active;
    this.open();
    return this.#active === bank && previous !== bank ? "ok" : "write-failed";
  }

  /** Binary search; on success the record is left in #record. */
  #find(idTag: string): number {
    const keyLength = encodeKey(idTag, this.#key, 0);
    if (keyLength < 0) return -1;
    let low = 0;
    let high = this.#count - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      this.#readRecord(this.#recordOffset(middle));
      const order = compareKeys(this.#record, 1, this.#record[0], this.#key, 0, keyLength);
      if (order === 0) return middle;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  #recordOffset(index: number): number {
    this.#flash.read(this.#active * this.bankSize + BANK_HEADER_BYTES + 4 * index, this.#word);
    return readU32(this.#word, 0);
  }

  #readRecord(offset: number): void {
    const bankStart = this.#active * this.bankSize;
    const available = this.bankSize - offset;
    if (available >= RECORD_MAX_BYTES) this.#flash.read(bankStart + offset, this.#record);
    else {
      this.#record.fill(0);
      this.#flash.read(bankStart + offset, this.#record.subarray(0, available));
    }
  }

  /** Header magic and CRC, bounds, then the CRCs of index and records read back in chunks. */
  #bankValid(bank: number): boolean {
    const bankStart = bank * this.bankSize;
    this.#flash.read(bankStart, this.#header);
    const header = this.#header;
    if (readU32(header, 0) !== MAGIC || readU32(header, 28) !== crc32(header, 0, 28)) return false;
    const count = readU32(header, 12);
    const dataEnd = readU32(header, 16);
    const recordsStart = BANK_HEADER_BYTES + 4 * count;
    if (recordsStart > this.bankSize || dataEnd < recordsStart || dataEnd > this.bankSize) return false;
    if (this.#crcOf(bankStart + BANK_HEADER_BYTES, bankStart + recordsStart) !== readU32(header, 20)) return false;
    if (this.#crcOf(bankStart + recordsStart, bankStart + dataEnd) !== readU32(header, 24)) return false;
    if (count > 0) {
      // A CRC match on a well-formed first record guards against a foreign image with a valid CRC.
      this.#word.fill(0);
      this.#flash.read(bankStart + BANK_HEADER_BYTES, this.#word);
      if (readU32(this.#word, 0) !== recordsStart) return false;
      this.#flash.read(bankStart + recordsStart, this.#record.subarray(0, Math.min(RECORD_MAX_BYTES, this.bankSize - recordsStart)));
      if (!recordPlausible(this.#record, dataEnd - recordsStart)) return false;
    }
    return true;
  }

  #crcOf(start: number, end: number): number {
    let crc = 0;
    for (let at = start; at < end;) {
      const length = Math.min(this.#chunk.length, end - at);
      const view = length === this.#chunk.length ? this.#chunk : this.#chunk.subarray(0, length);
      this.#flash.read(at, view);
      crc = crc32(view, 0, length, crc);
      at += length;
    }
    return crc;
  }
}
