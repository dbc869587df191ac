/**
 * FlashQueue: a persistent FIFO of text records on a raw NOR flash
 * partition, for OCPP transaction messages that must survive reboots and
 * power cuts: none lost, none delivered twice. Layout in sector-format.ts,
 * policy in docs/storage.md.
 *
 * - push: one write of header + payload (commit marker still 0xFF), then a
 *   one-byte write that clears the commit marker. A record counts iff its
 *   CRC holds and its commit marker is not 0xFF: a cut before the commit
 *   leaves it absent, a cut after leaves it whole.
 * - pop: one single-byte write that clears the pop marker. Popped iff the
 *   marker is not 0xFF, so a torn pop counts as done or not done, and no
 *   later write ever sets those bits back (only an erase, of a sector whose
 *   records are all popped).
 * - Sectors are used round-robin (a log-structured ring); the next sector
 *   is erased only when the ring reaches it and none of its records is
 *   waiting; otherwise push throws QueueFullError.
 *
 * After a flash error (a power cut) the object is dead: build a new one on
 * the same partition, as the board does when it boots.
 */
import type { FlashPartition } from "ports/flash";
import {
  RECORD_HEADER_BYTES,
  RecordField,
  RecordScan,
  SECTOR_HEADER_BYTES,
  SectorField,
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
  MAX_FIELD_LENGTH,
} from "./sector-format";
import { nextEraseCount, nextInRing, oldestInRing, retireAndErase } from "./sector-ring";
import { TextPacker } from "./text-packer";
import { sectorBuffer } from "./shared-buffers";
import { sectorTable } from "./sector-ring";

/** "FQJ1": sector magic of the queue journal. */
const QUEUE_MAGIC = 0x314a5146;

/** Thrown by push when the journal has no room: undelivered records are never overwritten. */
export class QueueFullError extends Error {
  override name = "QueueFullError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message = "flash queue full") {
    super(message);
  }
}

/** Thrown by push for a record that cannot fit in one sector even compressed. */
export class RecordTooLargeError extends RangeError {
  override name = "RecordTooLargeError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor(message: string) {
    super(message);
  }
}

export interface FlashQueueOptions {
  /** Compress records with the OCPP-primed LZ codec (default true). */
  compress?: boolean;
}

export interface QueuedRecord {
  readonly seq: number;
  readonly record: string;
}

const MARKER_CLEARED = new Uint8Array([0]);

export class FlashQueue {
  readonly #flash: FlashPartition;
  readonly #sectorSize: number;
  readonly #sectorCount: number;
  readonly #packer: TextPacker;
  /** Sector image for recovery, and the record being built by push. */
  readonly #scratch: Uint8Array;
  readonly #header = new Uint8Array(RECORD_HEADER_BYTES);
  readonly #sectorHeader = new Uint8Array(SECTOR_HEADER_BYTES);

  // Per sector: header valid, generation, erase count, end of scanned/written area, waiting records.
  readonly #valid: number[];
  readonly #generation: number[];
  readonly #erases: number[];
  readonly #end: number[];
  readonly #waiting: number[];

  #tail = -1;
  #tailSealed = false;
  #maxGeneration = 0;
  #nextSeq = 1;
  #size = 0;
  // Oldest waiting record: sector, offset and seq (-1 when empty).
  #headSector = -1;
  #headOffset = 0;
  #headSeq = -1;
  #peeked: QueuedRecord | undefined;

  constructor(flash: FlashPartition, options: FlashQueueOptions = {}) {
    const count = Math.floor(flash.byteLength / flash.sectorSize);
    if (count < 2) throw new RangeError("FlashQueue needs at least 2 sectors");
    if (flash.sectorSize < 256) throw new RangeError("FlashQueue needs sectors of at least 256 bytes");
    this.#flash = flash;
    this.#sectorSize = flash.sectorSize;
    this.#sectorCount = count;
    this.#scratch = sectorBuffer(flash.sectorSize);
    this.#packer = new TextPacker(flash.sectorSize, options.compress !== false);
    this.#valid = sectorTable(count);
    this.#generation = sectorTable(count);
    this.#erases = sectorTable(count);
    this.#end = sectorTable(count);
    this.#waiting = sectorTable(count);
    this.#recover();
  }

  /** Records waiting for delivery. */
  get size(): number {
    return this.#size;
  }

  /** Stored bytes the partition can hold (record headers and compressed payloads). */
  get capacityBytes(): number {
    return this.#sectorCount * (this.#sectorSize - SECTOR_HEADER_BYTES);
  }

  /** Stored bytes free for new records without overwriting a waiting one. */
  get freeBytes(): number {
    const payloadBytes = this.#sectorSize - SECTOR_HEADER_BYTES;
    if (this.#tail < 0) return this.#sectorCount * payloadBytes;
    let free = this.#tailSealed ? 0 : this.#sectorSize - this.#end[this.#tail];
    for (let k = 1; k < this.#sectorCount; k++) {
      const s = (this.#tail + k) % this.#sectorCount;
      if (this.#valid[s] && this.#waiting[s] > 0) break;
      free += payloadBytes;
    }
    return free;
  }

  /** Largest payload in stored bytes (after compression) one record may take. */
  get maxRecordBytes(): number {
    return Math.min(MAX_FIELD_LENGTH, this.#sectorSize - SECTOR_HEADER_BYTES - RECORD_HEADER_BYTES);
  }

  /** Erase count of each sector as recorded in its header (wear statistics). */
  eraseCounts(): number[] {
    return Array.from(this.#erases);
  }

  /**
   * Appends a record; durable when it returns. Returns its sequence number
   * (increasing, never reused while the partition is not wiped).
   */
  push(record: string): number {
    const scratch = this.#scratch;
    const limit = RECORD_HEADER_BYTES + this.maxRecordBytes;
    const length = this.#packer.pack(record, scratch, RECORD_HEADER_BYTES, limit);
    if (length < 0) throw new RecordTooLargeError(`record of ${record.length} characters does not fit in a sector`);
    const codec = this.#packer.codec;
    const total = alignedSize(RECORD_HEADER_BYTES + length);
    if (this.#tail < 0 || this.#tailSealed || this.#end[this.#tail] + total > this.#sectorSize) this.#openNextSector();
    const seq = this.#nextSeq;
    writeU16(scratch, RecordField.lengthCodec, length | (codec << 13));
    scratch[RecordField.commit] = 0xff;
    scratch[RecordField.pop] = 0xff;
    writeU32(scratch, RecordField.seq, seq);
    writeU32(scratch, RecordField.crc, recordCrc(scratch, 0, length));
    const sector = this.#tail;
    const at = sector * this.#sectorSize + this.#end[sector];
    this.#end[sector] += total; // even if the write tears, nothing else goes here
    this.#peeked = undefined;
    this.#flash.write(at, scratch.subarray(0, RECORD_HEADER_BYTES + length));
    this.#flash.write(at + RecordField.commit, MARKER_CLEARED);
    this.#nextSeq = seq + 1;
    this.#waiting[sector]++;
    this.#size++;
    if (this.#headSeq < 0) {
      this.#headSector = sector;
      this.#headOffset = this.#end[sector] - total;
      this.#headSeq = seq;
    }
    return seq;
  }

  /** The oldest waiting record, or undefined when none waits. */
  peek(): QueuedRecord | undefined {
    if (this.#headSeq < 0) return undefined;
    if (this.#peeked) return this.#peeked;
    const record = this.#readRecord(this.#headSector, this.#headOffset);
    this.#peeked = { seq: this.#headSeq, record };
    return this.#peeked;
  }

  /**
   * Marks a record delivered, durably. Popping the head (the usual case) is
   * one flash write; any other waiting seq is found by a walk. A seq that is
   * not waiting (already popped, never pushed) is ignored.
   */
  pop(seq: number): void {
    if (this.#headSeq < 0 || !(seq >= this.#headSeq) || seq >= this.#nextSeq) return;
    if (seq === this.#headSeq) {
      const sector = this.#headSector;
      const offset = this.#headOffset;
      this.#markPopped(sector, offset);
      this.#peeked = undefined;
      this.#headSeq = -1;
      this.#findWaiting(sector, offset + alignedSize(RECORD_HEADER_BYTES + this.#lengthAt(sector, offset)), -1);
      return;
    }
    this.#findWaiting(this.#headSector, this.#headOffset, seq);
  }

  /** Visits waiting records oldest first (reads flash; for inspection, not the hot path). */
  forEach(visitor: (seq: number, record: string) => void): void {
    if (this.#headSeq < 0) return;
    let sector = this.#headSector;
    let offset = this.#headOffset;
    const header = this.#header;
    while (sector >= 0) {
      while (offset < this.#end[sector]) {
        this.#flash.read(sector * this.#sectorSize + offset, header);
        if (readU32(header, 0) === 0xffffffff) break;
        const length = recordLength(header, 0);
        if (header[RecordField.commit] !== 0xff && header[RecordField.pop] === 0xff) {
          visitor(readU32(header, RecordField.seq), this.#readRecord(sector, offset));
        }
        offset += alignedSize(RECORD_HEADER_BYTES + length);
      }
      sector = nextInRing(this.#valid, this.#generation, sector);
      offset = SECTOR_HEADER_BYTES;
    }
  }

  #markPopped(sector: number, offset: number): void {
    this.#flash.write(sector * this.#sectorSize + offset + RecordField.pop, MARKER_CLEARED);
    this.#waiting[sector]--;
    this.#size--;
  }

  #lengthAt(sector: number, offset: number): number {
    this.#flash.read(sector * this.#sectorSize + offset, this.#header);
    return recordLength(this.#header, 0);
  }

  #readRecord(sector: number, offset: number): string {
    const header = this.#header;
    const at = sector * this.#sectorSize + offset;
    this.#flash.read(at, header);
    const length = recordLength(header, 0);
    const payload = this.#scratch.subarray(0, length);
    this.#flash.read(at + RECORD_HEADER_BYTES, payload);
    return this.#packer.unpack(recordCodec(header, 0), payload, 0, length);
  }

  /**
   * Walks records from (sector, offset) in ring order. With `popSeq` < 0 it
   * makes the first waiting record the head; otherwise it pops the waiting
   * record with that seq, if any.
   */
  #findWaiting(sector: number, offset: number, popSeq: number): void {
    const header = this.#header;
    while (sector >= 0) {
      while (offset < this.#end[sector]) {
        this.#flash.read(sector * this.#sectorSize + offset, header);
        if (readU32(header, 0) === 0xffffffff) break;
        const length = recordLength(header, 0);
        if (header[RecordField.commit] !== 0xff && header[RecordField.pop] === 0xff) {
          const seq = readU32(header, RecordField.seq);
          if (popSeq < 0) {
            this.#headSector = sector;
            this.#headOffset = offset;
            this.#headSeq = seq;
            return;
          }
          if (seq === popSeq) {
            this.#markPopped(sector, offset);
            return;
          }
          if (seq > popSeq) return;
        }
        offset += alignedSize(RECORD_HEADER_BYTES + length);
      }
      sector = nextInRing(this.#valid, this.#generation, sector);
      offset = SECTOR_HEADER_BYTES;
    }
  }

  #openNextSector(): void {
    const next = this.#tail < 0 ? 0 : (this.#tail + 1) % this.#sectorCount;
    if (this.#valid[next] && this.#waiting[next] > 0) {
      throw new QueueFullError(`flash queue full: ${this.#size} records waiting`);
    }
    const erases = nextEraseCount(this.#valid, this.#erases, next, this.#tail);
    const generation = this.#maxGeneration + 1;
    this.#end[next] = this.#sectorSize;
    this.#waiting[next] = 0;
    this.#tail = next;
    this.#tailSealed = true; // until the header is written
    retireAndErase(this.#flash, this.#valid, next);
    // Not the scratch buffer: push has the packed record waiting there.
    const header = this.#sectorHeader;
    buildSectorHeader(header, QUEUE_MAGIC, generation, erases, this.#nextSeq, 0);
    this.#flash.write(next * this.#sectorSize, header);
    this.#valid[next] = 1;
    this.#generation[next] = generation;
    this.#erases[next] = erases;
    this.#end[next] = SECTOR_HEADER_BYTES;
    this.#maxGeneration = generation;
    this.#tailSealed = false;
  }

  /** Rebuilds the state from flash: one read per sector. */
  #recover(): void {
    const size = this.#sectorSize;
    const image = this.#scratch.subarray(0, size);
    let maxSeq = 0;
    for (let s = 0; s < this.#sectorCount; s++) {
      this.#flash.read(s * size, image);
      if (!isSectorHeaderValid(image, QUEUE_MAGIC)) {
        this.#valid[s] = 0;
        continue;
      }
      this.#valid[s] = 1;
      const generation = readU32(image, SectorField.generation);
      this.#generation[s] = generation;
      this.#erases[s] = readU32(image, SectorField.eraseCount);
      const firstSeq = readU32(image, SectorField.firstSeq);
      if (firstSeq - 1 > maxSeq) maxSeq = firstSeq - 1;
      let at = SECTOR_HEADER_BYTES;
      let waiting = 0;
      while (at < size && scanRecord(image, at, size) === RecordScan.record) {
        const seq = readU32(image, at + RecordField.seq);
        if (seq > maxSeq) maxSeq = seq;
        if (image[at + RecordField.commit] !== 0xff && image[at + RecordField.pop] === 0xff) waiting++;
        at += alignedSize(RECORD_HEADER_BYTES + recordLength(image, at));
      }
      this.#end[s] = at > size ? size : at;
      this.#waiting[s] = waiting;
      this.#size += waiting;
      if (this.#tail < 0 || generation > this.#maxGeneration) {
        this.#tail = s;
        this.#maxGeneration = generation;
        // Anything but erased space after the last good record (a torn push): append in a new sector.
        this.#tailSealed = !isBlank(image, this.#end[s], size);
      }
    }
    this.#nextSeq = maxSeq + 1;
    if (this.#size > 0) this.#findWaiting(oldestInRing(this.#valid, this.#generation), SECTOR_HEADER_BYTES, -1);
  }
}
