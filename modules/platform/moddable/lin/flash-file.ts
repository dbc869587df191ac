/**
 * Flash of the lin build: a SimFlash (NOR rules) whose cells are mirrored
 * into `<partition>.bin` in the state directory; every erase and write goes
 * to the file before it returns, so killing the process (a power cut) keeps
 * what the chip would keep. Sizes are the Node simulator's (HOST_PARTITIONS),
 * so one state directory serves both. The manifest maps
 * `platform/moddable/flash` here on lin.
 */
import { SimFlash } from "platform/common/sim-flash";
import { openBlock, readBlock, writeBlock } from "platform/moddable/lin/host";
import { linStateDir } from "platform/moddable/lin/state-dir";

const SECTOR_SIZE = 4096;

/** Sectors per partition (as platform/host's HOST_PARTITIONS); others get 16. */
function sectorsOf(partition: string): number {
  return partition === "seclog" ? 4 : 16;
}

export class ModdableFlash extends SimFlash {
  readonly #fd: number;

  constructor(partition: string) {
    const sectors = sectorsOf(partition);
    super(SECTOR_SIZE, sectors);
    this.#fd = openBlock(`${linStateDir()}/${partition}.bin`, SECTOR_SIZE * sectors);
    readBlock(this.#fd, this.cells.buffer as ArrayBuffer, this.cells.byteOffset, this.byteLength, 0);
  }

  protected override changed(offset: number, length: number): void {
    writeBlock(this.#fd, this.cells.buffer as ArrayBuffer, this.cells.byteOffset + offset, length, offset);
  }
}
