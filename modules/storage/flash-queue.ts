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
import { RECORD_HEADER_BYTES, RecordField, SECTOR_HEADER_BYTES, alignedSize, readU32, recordCodec, recordLength } from "./sector-format";
import { SectorRing } from "./sector-ring";

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
  readonly #ring: SectorRing;
  readonly #header = new Uint8Array(RECORD_HEADER_BYTES);
  /** Per sector: records waiting (committed, not popped). */
  readonly #waiting: number[] = [];
  #size = 0;
  // Oldest waiting record: sector, offset and seq (-1 when empty).
  #headSector = -1;
  #headOffset = 0;
  #headSeq = -1;
  #peeked: QueuedRecord | undefined;

  constructor(flash: FlashPartition, options: FlashQueueOptions = {}) {
    this.#ring = new SectorRing(flash, QUEUE_MAGIC, options.compress !== false, "FlashQueue");
    for (let s = 0; s < this.#ring.sectorCount; s++) this.#waiting.push(0);
    this.#recover();
  }

  /** Records waiting for delivery. */
  get size(): number {
    return this.#size;
  }

  /** Stored bytes the partition can hold (record headers and compressed payloads). */
  get capacityBytes(): number {
    return this.#ring.capacityBytes;
  }

  /** Stored bytes free for new records without overwriting a waiting one. */
  get freeBytes(): number {
    const ring = this.#ring;
    if (ring.tail < 0) return ring.capacityBytes;
    let free = ring.tailSealed ? 0 : ring.sectorSize - ring.end[ring.tail];
    for (let k = 1; k < ring.sectorCount; k++) {
      const s = (ring.tail + k) % ring.sectorCount;
      if (ring.valid[s] && this.#waiting[s] > 0) break;
      free += ring.payloadBytes;
    }
    return free;
  }

  /** Largest payload in stored bytes (after compression) one record may take. */
  get maxRecordBytes(): number {
    return this.#ring.maxRecordBytes;
  }

  /** Erase count of each sector as recorded in its header (wear statistics). */
  eraseCounts(): number[] {
    return Array.from(this.#ring.erases);
  }

  /**
   * Appends a record; durable when it returns. Returns its sequence number
   * (increasing, never reused while the partition is not wiped).
   */
  push(record: string): number {
    const ring = this.#ring;
    const length = ring.pack(record);
    if (length < 0) throw new RecordTooLargeError(`record of ${record.length} characters does not fit in a sector`);
    if (ring.needsSector(length)) this.#openNextSector();
    const seq = ring.nextSeq;
    const sector = ring.tail;
    this.#peeked = undefined;
    const offset = ring.writeRecord(length, false);
    ring.flash.write(sector * ring.sectorSize + offset + RecordField.commit, MARKER_CLEARED);
    this.#waiting[sector]++;
    this.#size++;
    if (this.#headSeq < 0) {
      this.#headSector = sector;
      this.#headOffset = offset;
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
    if (this.#headSeq < 0 || !(seq >= this.#headSeq) || seq >= this.#ring.nextSeq) return;
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
    this.#walk(this.#headSector, this.#headOffset, (sector, offset, seq) => {
      visitor(seq, this.#readRecord(sector, offset));
      return false;
    });
  }

  #markPopped(sector: number, offset: number): void {
    const ring = this.#ring;
    ring.flash.write(sector * ring.sectorSize + offset + RecordField.pop, MARKER_CLEARED);
    this.#waiting[sector]--;
    this.#size--;
  }

  #lengthAt(sector: number, offset: number): number {
    const ring = this.#ring;
    ring.flash.read(sector * ring.sectorSize + offset, this.#header);
    return recordLength(this.#header, 0);
  }

  #readRecord(sector: number, offset: number): string {
    const ring = this.#ring;
    const header = this.#header;
    const at = sector * ring.sectorSize + offset;
    ring.flash.read(at, header);
    const length = recordLength(header, 0);
    const payload = ring.scratch.subarray(0, length);
    ring.flash.read(at + RECORD_HEADER_BYTES, payload);
    return ring.packer.unpack(recordCodec(header, 0), payload, 0, length);
  }

  /**
   * Walks the waiting records from (sector, offset) in ring order, reading their headers from
   * flash, until `visit` returns true.
   */
  #walk(sector: number, offset: number, visit: (sector: number, offset: number, seq: number) => boolean): void {
    const ring = this.#ring;
    const header = this.#header;
    while (sector >= 0) {
      while (offset < ring.end[sector]) {
        ring.flash.read(sector * ring.sectorSize + offset, header);
        if (readU32(header, 0) === 0xffffffff) break;
        const length = recordLength(header, 0);
        if (header[RecordField.commit] !== 0xff && header[RecordField.pop] === 0xff) {
          if (visit(sector, offset, readU32(header, RecordField.seq))) return;
        }
        offset += alignedSize(RECORD_HEADER_BYTES + length);
      }
      sector = ring.after(sector);
      offset = SECTOR_HEADER_BYTES;
    }
  }

  /**
   * Walks records from (sector, offset) in ring order. With `popSeq` < 0 it
   * makes the first waiting record the head; otherwise it pops the waiting
   * record with that seq, if any.
   */
  #findWaiting(sector: number, offset: number, popSeq: number): void {
    this.#walk(sector, offset, (at, atOffset, seq) => {
      if (popSeq < 0) {
        this.#headSector = at;
        this.#headOffset = atOffset;
        this.#headSeq = seq;
        return true;
      }
      if (seq === popSeq) this.#markPopped(at, atOffset);
      return seq >= popSeq;
    });
  }

  #openNextSector(): void {
    const ring = this.#ring;
    const next = ring.nextSector;
    if (ring.valid[next] && this.#waiting[next] > 0) {
      throw new QueueFullError(`flash queue full: ${this.#size} records waiting`);
    }
    this.#waiting[next] = 0;
    ring.openNextSector(0);
  }

  /** Rebuilds the state from flash: one read per sector. */
  #recover(): void {
    const ring = this.#ring;
    let waiting = 0;
    const count = (image: Uint8Array, at: number): void => {
      if (image[at + RecordField.commit] !== 0xff && image[at + RecordField.pop] === 0xff) waiting++;
    };
    const image = ring.sectorImage();
    for (let s = 0; s < ring.sectorCount; s++) {
      waiting = 0;
      ring.recoverSector(s, image, count);
      this.#waiting[s] = waiting;
      this.#size += waiting;
    }
    if (this.#size > 0) this.#findWaiting(ring.oldest(), SECTOR_HEADER_BYTES, -1);
  }
}
