/**
 * Board flash partition over Moddable `flash`. Reads go through the memory
 * map when the platform has one (no copy allocated per read).
 */
import Flash from "flash";
import { checkFlashRange, type FlashPartition } from "ports/flash";

export class ModdableFlash implements FlashPartition {
  readonly sectorSize: number;
  readonly byteLength: number;
  #flash: Flash;
  #mapped: Uint8Array | undefined;

  constructor(partition: string) {
    this.#flash = new Flash(partition);
    this.sectorSize = this.#flash.blockSize;
    this.byteLength = this.#flash.byteLength;
    this.#mapped = this.#flash.map ? new Uint8Array(this.#flash.map()) : undefined;
  }

  erase(sector: number): void {
    checkFlashRange(this, sector * this.sectorSize, this.sectorSize);
    this.#flash.erase(sector);
  }

  read(offset: number, into: Uint8Array): void {
    checkFlashRange(this, offset, into.length);
    if (this.#mapped) into.set(this.#mapped.subarray(offset, offset + into.length));
    else into.set(new Uint8Array(this.#flash.read(offset, into.length)));
  }

  write(offset: number, bytes: Uint8Array): void {
    checkFlashRange(this, offset, bytes.length);
    if (bytes.length > 0) this.#flash.write(offset, bytes.length, bytes);
  }
}
