/**
 * Host flash partition: a SimFlash (NOR rules, power-cut injection) whose
 * cells live in a file, so state survives a restart like a board's.
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { SimFlash } from "platform/common/sim-flash";

export class FileFlash extends SimFlash {
  readonly path: string;
  #fd: number;

  constructor(path: string, sectorSize: number, sectorCount: number) {
    const size = sectorSize * sectorCount;
    const existing = existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
    super(sectorSize, sectorCount, existing && existing.length === size ? existing : undefined);
    this.path = path;
    this.#fd = openSync(path, existing && existing.length === size ? "r+" : "w+");
    if (!existing || existing.length !== size) writeSync(this.#fd, this.cells, 0, size, 0);
  }

  protected override changed(offset: number, length: number): void {
    writeSync(this.#fd, this.cells, offset, length, offset);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
