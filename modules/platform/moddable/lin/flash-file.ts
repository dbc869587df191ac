/**
 * Flash of the lin build: each partition is the file `<partition>.bin` in the
 * state directory, read and programmed in place like a chip (NOR rules: erase
 * sets a sector to 0xFF, a write only clears bits), so killing the process (a
 * power cut) keeps exactly what flash would keep and the partitions take no
 * XS heap, as on the board. Sizes are the Node simulator's (HOST_PARTITIONS),
 * so one state directory serves both. The manifest maps
 * `platform/moddable/flash` here on lin.
 */
import { checkFlashRange, type FlashPartition } from "ports/flash";
import { eraseBlock, openBlock, programBlock, readBlock } from "platform/moddable/lin/host";
import { linStateDir } from "platform/moddable/lin/state-dir";

const SECTOR_SIZE = 4096;

/** Sectors per partition (as platform/host's HOST_PARTITIONS); others get 16. */
function sectorsOf(partition: string): number {
  return partition === "seclog" ? 4 : 16;
}

export class ModdableFlash implements FlashPartition {
  readonly sectorSize = SECTOR_SIZE;
  readonly byteLength: number;
  readonly #fd: number;

  constructor(partition: string) {
    this.byteLength = SECTOR_SIZE * sectorsOf(partition);
    this.#fd = openBlock(`${linStateDir()}/${partition}.bin`, this.byteLength);
  }

  erase(sector: number): void {
    checkFlashRange(this, sector * SECTOR_SIZE, SECTOR_SIZE);
    if (!Number.isInteger(sector)) checkFlashRange(this, -1, 0);
    eraseBlock(this.#fd, sector * SECTOR_SIZE, SECTOR_SIZE);
  }

  read(offset: number, into: Uint8Array): void {
    checkFlashRange(this, offset, into.length);
    readBlock(this.#fd, into.buffer as ArrayBuffer, into.byteOffset, into.length, offset);
  }

  write(offset: number, bytes: Uint8Array): void {
    checkFlashRange(this, offset, bytes.length);
    programBlock(this.#fd, bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length, offset);
  }
}
