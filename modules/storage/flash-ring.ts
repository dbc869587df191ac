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
  SECTOR_HEADER_BYTES,
  SectorField,
  alignedSize,
  readU32,
  recordCodec,
  recordLength,
} from "./sector-format";
import { SectorRing } from "./sector-ring";

/** "FLR1": sector magic of a log ring. */
const RING_MAGIC = 0x31524c46;
const TRUNCATED = " …[truncated]";

export interface FlashRingOptions {
  /** Compress entries with the OCPP-primed LZ codec (default true). */
  compress?: boolean;
}

export class FlashRing {
  readonly #ring: SectorRing;
  /** Generation of the sector the last clear() opened: every older sector is free. */
  #floor = 0;

  constructor(flash: FlashPartition, options: FlashRingOptions = {}) {
    this.#ring = new SectorRing(flash, RING_MAGIC, options.compress !== false, "FlashRing");
    this.#recover();
  }

  /** Bytes taken by the entries kept (headers and stored payloads). */
  get usedBytes(): number {
    const ring = this.#ring;
    let used = 0;
    for (let s = 0; s < ring.sectorCount; s++) if (ring.valid[s]) used += ring.end[s] - SECTOR_HEADER_BYTES;
    return used;
  }

  /** Bytes the ring can hold before it drops its oldest sector. */
  get capacityBytes(): number {
    return this.#ring.capacityBytes;
  }

  /** Sequence number the next entry gets. */
  get nextSeq(): number {
    return this.#ring.nextSeq;
  }

  /** Appends an entry (too long for a sector: cut and marked " …[truncated]"). */
  append(entry: string): void {
    const ring = this.#ring;
    let length = ring.pack(entry);
    if (length < 0) {
      // Plain UTF-8 takes at most 3 bytes per UTF-16 unit: this cut always fits.
      const keep = Math.floor((ring.maxRecordBytes - TRUNCATED.length * 3) / 3);
      length = ring.pack(entry.slice(0, keep) + TRUNCATED);
    }
    if (ring.needsSector(length)) this.#openNextSector(this.#floor);
    ring.writeRecord(length, true);
  }

  /** Visits the entries oldest first; the visitor must not append. */
  forEach(visitor: (seq: number, entry: string) => void): void {
    const ring = this.#ring;
    // Its own buffer, for this call only: a visitor may append to a ring (the shared buffer), and
    // exports are rare enough not to keep 4 KB for them.
    const image = new Uint8Array(ring.sectorSize);
    let sector = ring.oldest();
    while (sector >= 0) {
      const end = ring.end[sector];
      ring.flash.read(sector * ring.sectorSize, image.subarray(0, end));
      let at = SECTOR_HEADER_BYTES;
      while (at + RECORD_HEADER_BYTES <= end) {
        const length = recordLength(image, at);
        const seq = readU32(image, at + RecordField.seq);
        visitor(seq, ring.packer.unpack(recordCodec(image, at), image, at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length));
        at += alignedSize(RECORD_HEADER_BYTES + length);
      }
      sector = ring.after(sector);
    }
  }

  /** Drops every entry: one erase and one header write (sequence numbers go on). */
  clear(): void {
    const ring = this.#ring;
    this.#openNextSector(ring.maxGeneration + 1);
    for (let s = 0; s < ring.sectorCount; s++) if (s !== ring.tail) ring.valid[s] = 0;
  }

  #openNextSector(floor: number): void {
    this.#ring.openNextSector(floor);
    this.#floor = floor;
  }

  #recover(): void {
    const ring = this.#ring;
    let floor = 0;
    const image = ring.sectorImage();
    for (let s = 0; s < ring.sectorCount; s++) {
      if (!ring.recoverSector(s, image)) continue;
      const sectorFloor = readU32(image, SectorField.floorGeneration);
      if (sectorFloor > floor) floor = sectorFloor;
    }
    // Sectors older than the last clear() are free.
    for (let s = 0; s < ring.sectorCount; s++) if (ring.valid[s] && ring.generation[s] < floor) ring.valid[s] = 0;
    this.#floor = floor;
  }
}
