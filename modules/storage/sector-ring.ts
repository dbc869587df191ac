/**
 * The sector ring under FlashQueue and FlashRing: sectors used round-robin,
 * ordered by the generation in their header, each record written with its
 * header and CRC (layout in sector-format.ts). The two differ only in what a
 * record's markers mean (a queue's records wait to be popped; a log's are
 * kept until their sector is reused) and they keep that state themselves.
 *
 * After a flash error (a power cut) the ring is dead: build a new one on the
 * same partition, as the board does when it boots.
 */
import type { FlashPartition } from "ports/flash";
import {
  MAX_FIELD_LENGTH,
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
  recordCrc,
  recordLength,
  scanRecord,
  writeU16,
  writeU32,
} from "./sector-format";
import { sectorBuffer, sectorHeaderBuffer } from "./shared-buffers";
import { TextPacker } from "./text-packer";

const RETIRED = new Uint8Array(4);

/**
 * A per-sector table of numbers, zeroed. A plain array, not a typed one: on XS a typed array and
 * its buffer take 7 heap slots and a few sectors' numbers fit an array's 2 (docs/memory.md).
 */
function sectorTable(count: number): number[] {
  const table: number[] = [];
  for (let i = 0; i < count; i++) table.push(0);
  return table;
}

export class SectorRing {
  readonly flash: FlashPartition;
  readonly sectorSize: number;
  readonly sectorCount: number;
  readonly packer: TextPacker;
  /** Sector image for recovery, and the record being built (shared by every ring: shared-buffers.ts). */
  readonly scratch: Uint8Array;
  readonly #magic: number;

  // Per sector: header valid, generation, erase count, end of the scanned or written area.
  readonly valid: number[];
  readonly generation: number[];
  readonly erases: number[];
  readonly end: number[];

  /** The sector records are appended to (-1: none yet). */
  tail = -1;
  /** No more records go into the tail (a torn write, or its header not written yet). */
  tailSealed = false;
  maxGeneration = 0;
  /** Sequence number of the next record (never reused while the partition is not wiped). */
  nextSeq = 1;

  /** `what` names the user in errors ("FlashQueue"); `magic` marks its sectors. */
  constructor(flash: FlashPartition, magic: number, compress: boolean, what: string) {
    const count = Math.floor(flash.byteLength / flash.sectorSize);
    if (count < 2) throw new RangeError(`${what} needs at least 2 sectors`);
    if (flash.sectorSize < 256) throw new RangeError(`${what} needs sectors of at least 256 bytes`);
    this.flash = flash;
    this.#magic = magic;
    this.sectorSize = flash.sectorSize;
    this.sectorCount = count;
    this.scratch = sectorBuffer(flash.sectorSize);
    this.packer = new TextPacker(flash.sectorSize, compress);
    this.valid = sectorTable(count);
    this.generation = sectorTable(count);
    this.erases = sectorTable(count);
    this.end = sectorTable(count);
  }

  /** Bytes of records one sector holds. */
  get payloadBytes(): number {
    return this.sectorSize - SECTOR_HEADER_BYTES;
  }

  /** Stored bytes the partition can hold (record headers and stored payloads). */
  get capacityBytes(): number {
    return this.sectorCount * (this.sectorSize - SECTOR_HEADER_BYTES);
  }

  /** Largest payload in stored bytes (after compression) one record may take. */
  get maxRecordBytes(): number {
    return Math.min(MAX_FIELD_LENGTH, this.sectorSize - SECTOR_HEADER_BYTES - RECORD_HEADER_BYTES);
  }

  /** The sector the ring opens next. */
  get nextSector(): number {
    return this.tail < 0 ? 0 : (this.tail + 1) % this.sectorCount;
  }

  /** The valid sector with the next higher generation after `sector`, or -1. */
  after(sector: number): number {
    const generation = this.generation;
    const after = generation[sector];
    let best = -1;
    for (let s = 0; s < this.sectorCount; s++) {
      if (this.valid[s] && generation[s] > after && (best < 0 || generation[s] < generation[best])) best = s;
    }
    return best;
  }

  /** The valid sector with the lowest generation, or -1. */
  oldest(): number {
    const generation = this.generation;
    let oldest = -1;
    for (let s = 0; s < this.sectorCount; s++) {
      if (this.valid[s] && (oldest < 0 || generation[s] < generation[oldest])) oldest = s;
    }
    return oldest;
  }

  /**
   * Packs `text` into the scratch buffer after a record header's room; returns its stored length,
   * or -1 when it does not fit in a sector even compressed. The packer's codec tells how it is stored.
   */
  pack(text: string): number {
    return this.packer.pack(text, this.scratch, RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + this.maxRecordBytes);
  }

  /** True when a record of `length` stored bytes does not fit in the tail: open a sector first. */
  needsSector(length: number): boolean {
    const tail = this.tail;
    return tail < 0 || this.tailSealed || this.end[tail] + alignedSize(RECORD_HEADER_BYTES + length) > this.sectorSize;
  }

  /**
   * Erases the next sector and makes it the tail with a new header (generation one above the
   * highest). `floor`: the generation below which every sector counts as free (FlashRing.clear).
   */
  openNextSector(floor: number): void {
    const next = this.nextSector;
    const erases = this.#nextEraseCount(next);
    const generation = this.maxGeneration + 1;
    this.end[next] = this.sectorSize;
    this.tail = next;
    this.tailSealed = true; // until the header is written
    // Retire before erasing: with its magic zeroed the sector stays free even if a torn erase
    // leaves old records (and reset pop markers) behind in any order.
    if (this.valid[next]) this.flash.write(next * this.sectorSize + SectorField.magic, RETIRED);
    this.valid[next] = 0;
    this.flash.erase(next);
    const header = sectorHeaderBuffer(SECTOR_HEADER_BYTES);
    buildSectorHeader(header, this.#magic, generation, erases, this.nextSeq, floor);
    this.flash.write(next * this.sectorSize, header);
    this.valid[next] = 1;
    this.generation[next] = generation;
    this.erases[next] = erases;
    this.end[next] = SECTOR_HEADER_BYTES;
    this.maxGeneration = generation;
    this.tailSealed = false;
  }

  /**
   * Writes the packed record (`length` stored bytes in the scratch buffer, the tail with room for
   * it) in one flash write, with the next sequence number; `committed`: its commit marker is
   * cleared in that write (a log entry, committed by its CRC alone) rather than after it. Returns
   * the record's byte offset in its sector (the tail).
   */
  writeRecord(length: number, committed: boolean): number {
    const scratch = this.scratch;
    const sector = this.tail;
    const offset = this.end[sector];
    writeU16(scratch, RecordField.lengthCodec, length | (this.packer.codec << 13));
    scratch[RecordField.commit] = committed ? 0 : 0xff;
    scratch[RecordField.pop] = 0xff;
    writeU32(scratch, RecordField.seq, this.nextSeq);
    writeU32(scratch, RecordField.crc, recordCrc(scratch, 0, length));
    this.end[sector] = offset + alignedSize(RECORD_HEADER_BYTES + length); // even if the write tears, nothing else goes here
    this.nextSeq++;
    this.flash.write(sector * this.sectorSize + offset, scratch.subarray(0, RECORD_HEADER_BYTES + length));
    return offset;
  }

  /** A view of the scratch buffer one sector long, for `recoverSector` (one per recovery, not per sector). */
  sectorImage(): Uint8Array {
    return this.scratch.subarray(0, this.sectorSize);
  }

  /**
   * Reads sector `s` into `image` (from `sectorImage`) and takes its header and records into the
   * ring's state (one read per sector); false when its header is not valid. Records are scanned
   * up to the first that is torn or blank; `visit` sees each whole one.
   */
  recoverSector(s: number, image: Uint8Array, visit?: (image: Uint8Array, at: number) => void): boolean {
    const size = this.sectorSize;
    this.flash.read(s * size, image);
    if (!isSectorHeaderValid(image, this.#magic)) {
      this.valid[s] = 0;
      return false;
    }
    this.valid[s] = 1;
    const generation = readU32(image, SectorField.generation);
    this.generation[s] = generation;
    this.erases[s] = readU32(image, SectorField.eraseCount);
    let nextSeq = Math.max(this.nextSeq, readU32(image, SectorField.firstSeq));
    let at = SECTOR_HEADER_BYTES;
    while (at < size && scanRecord(image, at, size) === RecordScan.record) {
      const seq = readU32(image, at + RecordField.seq);
      if (seq >= nextSeq) nextSeq = seq + 1;
      if (visit) visit(image, at);
      at += alignedSize(RECORD_HEADER_BYTES + recordLength(image, at));
    }
    this.nextSeq = nextSeq;
    this.end[s] = at > size ? size : at;
    if (this.tail < 0 || generation > this.maxGeneration) {
      this.tail = s;
      this.maxGeneration = generation;
      // Anything but erased space after the last good record (a torn write): append in a new sector.
      this.tailSealed = !isBlank(image, this.end[s], size);
    }
    return true;
  }

  /**
   * The erase count `next` will have once erased again. Unknown for a blank or torn sector:
   * round-robin wear makes it one less than the sector before it in the ring (the tail).
   */
  #nextEraseCount(next: number): number {
    const tail = this.tail;
    let count = this.erases[next];
    if (!this.valid[next]) count = tail >= 0 && this.valid[tail] ? this.erases[tail] - 1 : 0;
    return count < 0 ? 1 : (count + 1) % 0x100000000;
  }
}
