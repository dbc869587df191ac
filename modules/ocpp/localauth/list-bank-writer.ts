/**
 * Writes one Local List bank image into the idle half of the "authlist"
 * partition: the offset index and the sorted records stream through two
 * small buffers; sectors are erased just ahead of the writes, sector 0
 * first, so a stale image in the idle bank is invalidated before anything
 * else happens. The header that makes the image valid is written last by
 * the store (commit), so a power cut anywhere before leaves the old bank
 * in charge.
 */
import type { FlashPartition } from "ports/flash";
import { crc32 } from "util/crc32";
import { writeU32 } from "./list-record";

export const BANK_HEADER_BYTES = 32;
const BUFFER_BYTES = 256;

export class ListBankWriter {
  readonly count: number;
  #flash: FlashPartition;
  #bankStart: number;
  #bankSize: number;
  #erasedTo = 0;
  #indexBuffer = new Uint8Array(BUFFER_BYTES);
  #indexLength = 0;
  #indexFlushAt = BANK_HEADER_BYTES;
  #recordBuffer = new Uint8Array(BUFFER_BYTES);
  #recordLength = 0;
  #recordFlushAt: number;
  #recordAt: number;
  #written = 0;
  #crcIndex = 0;
  #crcRecords = 0;

  /** Prepares a bank for `count` records; erases its first sector at once. */
  constructor(flash: FlashPartition, bankStart: number, bankSize: number, count: number) {
    this.#flash = flash;
    this.#bankStart = bankStart;
    this.#bankSize = bankSize;
    this.count = count;
    this.#recordAt = BANK_HEADER_BYTES + 4 * count;
    this.#recordFlushAt = this.#recordAt;
    this.#ensureErased(1);
  }

  /** Records added so far. */
  get written(): number {
    return this.#written;
  }

  /** True when all index space and the records fit so far. */
  fitsIndex(): boolean {
    return this.#recordAt <= this.#bankSize;
  }

  /** Appends a record (`record[0..size)`); false when the bank is full or the count is reached. */
  add(record: Uint8Array, size: number): boolean {
    if (this.#written >= this.count || this.#recordAt + size > this.#bankSize) return false;
    writeU32(this.#indexBuffer, this.#indexLength, this.#recordAt);
    this.#indexLength += 4;
    if (this.#indexLength === BUFFER_BYTES) this.#flushIndex();
    for (let i = 0; i < size; i++) {
      this.#recordBuffer[this.#recordLength++] = record[i];
      if (this.#recordLength === BUFFER_BYTES) this.#flushRecords();
    }
    this.#recordAt += size;
    this.#written++;
    return true;
  }

  /** Flushes both streams; returns where the data ends and the two CRC-32s. */
  finish(): { dataEnd: number; crcIndex: number; crcRecords: number } {
    this.#flushIndex();
    this.#flushRecords();
    return { dataEnd: this.#recordAt, crcIndex: this.#crcIndex, crcRecords: this.#crcRecords };
  }

  #flushIndex(): void {
    if (this.#indexLength === 0) return;
    this.#crcIndex = crc32(this.#indexBuffer, 0, this.#indexLength, this.#crcIndex);
    this.#program(this.#indexFlushAt, this.#indexBuffer, this.#indexLength);
    this.#indexFlushAt += this.#indexLength;
    this.#indexLength = 0;
  }

  #flushRecords(): void {
    if (this.#recordLength === 0) return;
    this.#crcRecords = crc32(this.#recordBuffer, 0, this.#recordLength, this.#crcRecords);
    this.#program(this.#recordFlushAt, this.#recordBuffer, this.#recordLength);
    this.#recordFlushAt += this.#recordLength;
    this.#recordLength = 0;
  }

  #program(at: number, buffer: Uint8Array, length: number): void {
    this.#ensureErased(at + length);
    this.#flash.write(this.#bankStart + at, length === buffer.length ? buffer : buffer.subarray(0, length));
  }

  /** Erases the bank's sectors in order until `end` (relative) is covered. */
  #ensureErased(end: number): void {
    const sectorSize = this.#flash.sectorSize;
    while (this.#erasedTo < end && this.#erasedTo < this.#bankSize) {
      this.#flash.erase((this.#bankStart + this.#erasedTo) / sectorSize);
      this.#erasedTo += sectorSize;
    }
  }
}
