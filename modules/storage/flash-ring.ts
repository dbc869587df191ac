/**
 * FlashRing: a bounded log of text entries on a flash partition that
 * survives reboots. Entries are appended round-robin over the sectors;
 * when the ring is full the oldest sector is erased (its entries dropped).
 * Same sector and record layout as the queue (sector-format.ts): one write
 * per entry with the commit marker already cleared, CRC per entry. A torn
 * entry is skipped after a reboot and the next entry goes to a fresh
 * sector, so the ring never breaks. See docs/storage.md.
 *
 * clear() is one erase and one header write: the new sector's "floor
 * generation" hides every older sector, which is erased when reached.
 */
import type { FlashPartition } from "ports/flash";
import {
  RECORD_HEADER_BYTES,
  RecordField,
  RecordScan,
  SECTOR_HEADER_BYTES,
  SectorField,
  MAX_FIELD_LENGTH,
  alignedSize,
  buildSectorHeader,
  isBlank,
  isSectorHeaderValid,
  readU32,
  recordCodec,
  recordCrc,
  recordLength,
  scanRecord,
  writeU16,
  writeU32,
} from "./sector-format";
import { nextEraseCount, nextInRing, oldestInRing, retireAndErase } from "./sector-ring";
import { TextPacker } from "./text-packer";
import { sectorBuffer } from "./shared-buffers";
import { sectorTable } from "./sector-ring";

/** "FLR1": sector magic of a log ring. */
const RING_MAGIC = 0x31524c46;
const TRUNCATED = " …[truncated]";

export interface FlashRingOptions {
  /** Compress entries with the OCPP-primed LZ codec (default true). */
  compress?: boolean;
}

export class FlashRing {
  readonly #flash: FlashPartition;
  readonly #sectorSize: number;
  readonly #sectorCount: number;
  readonly #packer: TextPacker;
  readonly #scratch: Uint8Array;
  readonly #sectorHeader = new Uint8Array(SECTOR_HEADER_BYTES);

  readonly #valid: number[];
  readonly #generation: number[];
  readonly #erases: number[];
  readonly #end: number[];

  #tail = -1;
  #tailSealed = false;
  #maxGeneration = 0;
  #floor = 0;
  #nextSeq = 1;

  constructor(flash: FlashPartition, options: FlashRingOptions = {}) {
    const count = Math.floor(flash.byteLength / flash.sectorSize);
    if (count < 2) throw new RangeError("FlashRing needs at least 2 sectors");
    if (flash.sectorSize < 256) throw new RangeError("FlashRing needs sectors of at least 256 bytes");
    this.#flash = flash;
    this.#sectorSize = flash.sectorSize;
    this.#sectorCount = count;
    this.#scratch = sectorBuffer(flash.sectorSize);
    this.#packer = new TextPacker(flash.sectorSize, options.compress !== false);
    this.#valid = sectorTable(count);
    this.#generation = sectorTable(count);
    this.#erases = sectorTable(count);
    this.#end = sectorTable(count);
    this.#recover();
  }

  /** Bytes taken by the entries kept (headers and stored payloads). */
  get usedBytes(): number {
    let used = 0;
    for (let s = 0; s < this.#sectorCount; s++) if (this.#valid[s]) used += this.#end[s] - SECTOR_HEADER_BYTES;
    return used;
  }

  /** Bytes the ring can hold before it drops its oldest sector. */
  get capacityBytes(): number {
    return this.#sectorCount * (this.#sectorSize - SECTOR_HEADER_BYTES);
  }

  /** Sequence number the next entry gets. */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Appends an entry (too long for a sector: cut and marked " …[truncated]"). */
  append(entry: string): void {
    const scratch = this.#scratch;
    const limit = RECORD_HEADER_BYTES + Math.min(MAX_FIELD_LENGTH, this.#sectorSize - SECTOR_HEADER_BYTES - RECORD_HEADER_BYTES);
    let length = this.#packer.pack(entry, scratch, RECORD_HEADER_BYTES, limit);
    if (length < 0) {
      // Plain UTF-8 takes at most 3 bytes per UTF-16 unit: this cut always fits.
      const keep = Math.floor((limit - RECORD_HEADER_BYTES - TRUNCATED.length * 3) / 3);
      length = this.#packer.pack(entry.slice(0, keep) + TRUNCATED, scratch, RECORD_HEADER_BYTES, limit);
    }
    const total = alignedSize(RECORD_HEADER_BYTES + length);
    if (this.#tail < 0 || this.#tailSealed || this.#end[this.#tail] + total > this.#sectorSize) this.#openNextSector(this.#floor);
    const seq = this.#nextSeq;
    writeU16(scratch, RecordField.lengthCodec, length | (this.#packer.codec << 13));
    scratch[RecordField.commit] = 0; // a log entry is committed by its CRC alone
    scratch[RecordField.pop] = 0xff;
    writeU32(scratch, RecordField.seq, seq);
    writeU32(scratch, RecordField.crc, recordCrc(scratch, 0, length));
    const at = this.#tail * this.#sectorSize + this.#end[this.#tail];
    this.#end[this.#tail] += total;
    this.#nextSeq = seq + 1;
    this.#flash.write(at, scratch.subarray(0, RECORD_HEADER_BYTES + length));
  }

  /** Visits the entries oldest first; the visitor must not append. */
  forEach(visitor: (seq: number, entry: string) => void): void {
    // Its own buffer, for this call only: a visitor may append to a ring (the shared buffer), and
    // exports are rare enough not to keep 4 KB for them.
    const image = new Uint8Array(this.#sectorSize);
    let sector = oldestInRing(this.#valid, this.#generation);
    while (sector >= 0) {
      const end = this.#end[sector];
      this.#flash.read(sector * this.#sectorSize, image.subarray(0, end));
      let at = SECTOR_HEADER_BYTES;
      while (at + RECORD_HEADER_BYTES <= end) {
        const length = recordLength(image, at);
        const seq = readU32(image, at + RecordField.seq);
        visitor(seq, this.#packer.unpack(recordCodec(image, at), image, at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length));
        at += alignedSize(RECORD_HEADER_BYTES + length);
      }
      sector = nextInRing(this.#valid, this.#generation, sector);
    }
  }

  /** Drops every entry: one erase and one header write (sequence numbers go on). */
  clear(): void {
    this.#openNextSector(this.#maxGeneration + 1);
    for (let s = 0; s < this.#sectorCount; s++) if (s !== this.#tail) this.#valid[s] = 0;
  }

  #openNextSector(floor: number): void {
    const next = this.#tail < 0 ? 0 : (this.#tail + 1) % this.#sectorCount;
    const erases = nextEraseCount(this.#valid, this.#erases, next, this.#tail);
    const generation = this.#maxGeneration + 1;
    this.#tail = next;
    this.#tailSealed = true;
    retireAndErase(this.#flash, this.#valid, next);
    buildSectorHeader(this.#sectorHeader, RING_MAGIC, generation, erases, this.#nextSeq, floor);
    this.#flash.write(next * this.#sectorSize, this.#sectorHeader);
    this.#valid[next] = 1;
    this.#generation[next] = generation;
    this.#erases[next] = erases;
    this.#end[next] = SECTOR_HEADER_BYTES;
    this.#maxGeneration = generation;
    this.#floor = floor;
    this.#tailSealed = false;
  }

  #recover(): void {
    const size = this.#sectorSize;
    const image = this.#scratch.subarray(0, size);
    let maxSeq = 0;
    let floor = 0;
    for (let s = 0; s < this.#sectorCount; s++) {
      this.#flash.read(s * size, image);
      if (!isSectorHeaderValid(image, RING_MAGIC)) continue;
      this.#valid[s] = 1;
      const generation = readU32(image, SectorField.generation);
      this.#generation[s] = generation;
      this.#erases[s] = readU32(image, SectorField.eraseCount);
      const sectorFloor = readU32(image, SectorField.floorGeneration);
      if (sectorFloor > floor) floor = sectorFloor;
      const firstSeq = readU32(image, SectorField.firstSeq);
      if (firstSeq - 1 > maxSeq) maxSeq = firstSeq - 1;
      let at = SECTOR_HEADER_BYTES;
      while (at < size && scanRecord(image, at, size) === RecordScan.record) {
        const seq = readU32(image, at + RecordField.seq);
        if (seq > maxSeq) maxSeq = seq;
        at += alignedSize(RECORD_HEADER_BYTES + recordLength(image, at));
      }
      this.#end[s] = at > size ? size : at;
      if (this.#tail < 0 || generation > this.#maxGeneration) {
        this.#tail = s;
        this.#maxGeneration = generation;
        this.#tailSealed = !isBlank(image, this.#end[s], size);
      }
    }
    // Sectors older than the last clear() are free.
    for (let s = 0; s < this.#sectorCount; s++) if (this.#valid[s] && this.#generation[s] < floor) this.#valid[s] = 0;
    this.#floor = floor;
    this.#nextSeq = maxSeq + 1;
  }
}
