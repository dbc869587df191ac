/**
 * Simulated NOR flash partition with power-cut injection, for the host and
 * the XS bridge. A power cut makes one chosen write or erase torn (half
 * done) or lost (not done), then every access throws PowerCutError until
 * `powerOn()`: what a board sees after it reboots.
 */
import { checkFlashRange, type FlashPartition } from "ports/flash";

export type PowerCutMode = "torn" | "lost";

export class PowerCutError extends Error {
  override name = "PowerCutError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  constructor() {
    super("power cut: flash is unpowered");
  }
}

export class SimFlash implements FlashPartition {
  readonly sectorSize: number;
  readonly byteLength: number;
  /** The cell array; persistent subclasses save it. */
  protected readonly cells: Uint8Array;
  #operations = 0;
  #cutAtOperation = 0; // 0: no cut armed
  #cutMode: PowerCutMode = "lost";
  #powered = true;

  constructor(sectorSize: number, sectorCount: number, initial?: Uint8Array) {
    this.sectorSize = sectorSize;
    this.byteLength = sectorSize * sectorCount;
    this.cells = new Uint8Array(this.byteLength);
    if (initial && initial.length === this.byteLength) this.cells.set(initial);
    else this.cells.fill(0xff);
  }

  /** Writes and erases done since construction (count before arming a cut). */
  get operationCount(): number {
    return this.#operations;
  }

  get powered(): boolean {
    return this.#powered;
  }

  /** Arms a power cut at the `n`-th write or erase from now (1 = the next one). */
  cutPowerAtOperation(n: number, mode: PowerCutMode): void {
    this.#cutAtOperation = this.#operations + n;
    this.#cutMode = mode;
  }

  /** Cuts power now, between operations. */
  cutPower(): void {
    this.#powered = false;
    this.#cutAtOperation = 0;
  }

  /** Restores power after a cut: the board rebooted. */
  powerOn(): void {
    this.#powered = true;
    this.#cutAtOperation = 0;
  }

  erase(sector: number): void {
    this.#checkPower();
    if (!Number.isInteger(sector) || sector < 0 || sector * this.sectorSize >= this.byteLength) {
      checkFlashRange(this, sector * this.sectorSize, this.sectorSize);
    }
    const start = sector * this.sectorSize;
    const cut = this.#countOperation();
    const end = cut === "lost" ? start : cut === "torn" ? start + (this.sectorSize >> 1) : start + this.sectorSize;
    this.cells.fill(0xff, start, end);
    this.changed(start, this.sectorSize);
    if (cut) this.#die();
  }

  read(offset: number, into: Uint8Array): void {
    this.#checkPower();
    checkFlashRange(this, offset, into.length);
    into.set(this.cells.subarray(offset, offset + into.length));
  }

  write(offset: number, bytes: Uint8Array): void {
    this.#checkPower();
    checkFlashRange(this, offset, bytes.length);
    const cut = this.#countOperation();
    const count = cut === "lost" ? 0 : cut === "torn" ? bytes.length >> 1 : bytes.length;
    for (let i = 0; i < count; i++) this.cells[offset + i] &= bytes[i];
    this.changed(offset, bytes.length);
    if (cut) this.#die();
  }

  /** A copy of the whole partition (for tests and persistence). */
  snapshot(): Uint8Array {
    return this.cells.slice();
  }

  /** Hook for persistent subclasses: a range changed. */
  protected changed(_offset: number, _length: number): void {}

  #checkPower(): void {
    if (!this.#powered) throw new PowerCutError();
  }

  /** Counts a mutating operation; returns the cut mode if this one is cut. */
  #countOperation(): PowerCutMode | undefined {
    this.#operations++;
    return this.#cutAtOperation !== 0 && this.#operations === this.#cutAtOperation ? this.#cutMode : undefined;
  }

  #die(): never {
    this.#powered = false;
    this.#cutAtOperation = 0;
    throw new PowerCutError();
  }
}
