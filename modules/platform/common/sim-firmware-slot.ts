/**
 * A simulated firmware slot in RAM for tests and the simulator. It refuses
 * what a board refuses: finish checks the ESP32 app image as ESP-IDF does
 * (platform/common/esp32-image: header, segments, size, checksum, SHA-256),
 * so a corrupt image ends InstallationFailed [OCTT TC_044_3]. Failures on demand: a write failing once the image reaches byte N (a
 * flash write error in the middle of a download) and a failing finish (an
 * image that does not verify). `onStored` lets a host keep the image in a file.
 */
import { FirmwareUpdateError, type FirmwareSlot } from "ports/firmware-update";
import { Esp32ImageVerifier } from "platform/common/esp32-image";

export interface SimFirmwareSlotOptions {
  /** Most bytes an image may have (the partition size). */
  capacity?: number;
  /** Called by finish with the verified image. */
  onStored?: (image: Uint8Array) => void;
}

const DEFAULT_CAPACITY = 4 * 1024 * 1024;

export class SimFirmwareSlot implements FirmwareSlot {
  /** When set, the write that would take the image past this many bytes fails. */
  failWriteAtByte: number | undefined;
  /** When true, finish fails as an image that does not verify. */
  failFinish = false;
  /** The image that boots next, once finish succeeded. */
  pendingImage: Uint8Array | undefined;
  /** Counters for tests. */
  begins = 0;
  aborts = 0;
  readonly #capacity: number;
  readonly #onStored: ((image: Uint8Array) => void) | undefined;
  #buffer: Uint8Array | undefined;
  #length = 0;
  #expected: number | undefined;
  #verifier: Esp32ImageVerifier | undefined;

  constructor(options: SimFirmwareSlotOptions = {}) {
    this.#capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.#onStored = options.onStored;
  }

  get open(): boolean {
    return this.#buffer !== undefined;
  }

  /** Bytes written since begin. */
  get written(): number {
    return this.#length;
  }

  begin(expectedSize?: number): void {
    if (this.#buffer !== undefined) throw new FirmwareUpdateError("busy", "an update is already open");
    if (expectedSize !== undefined && (expectedSize <= 0 || expectedSize > this.#capacity)) {
      throw new FirmwareUpdateError("begin", `image of ${expectedSize} bytes does not fit the ${this.#capacity}-byte slot`);
    }
    this.begins++;
    this.#expected = expectedSize;
    this.#buffer = new Uint8Array(Math.min(expectedSize ?? 64 * 1024, this.#capacity));
    this.#length = 0;
    this.#verifier = new Esp32ImageVerifier({ maxImageBytes: this.#capacity, totalBytes: expectedSize });
  }

  write(chunk: Uint8Array): void {
    const buffer = this.#buffer;
    if (buffer === undefined) throw new FirmwareUpdateError("state", "write before begin");
    const end = this.#length + chunk.length;
    if (this.failWriteAtByte !== undefined && end > this.failWriteAtByte) {
      this.#close();
      throw new FirmwareUpdateError("write", `simulated write failure at byte ${this.failWriteAtByte}`);
    }
    if (end > this.#capacity) {
      this.#close();
      throw new FirmwareUpdateError("write", "image larger than the slot");
    }
    let target = buffer;
    if (end > buffer.length) {
      target = new Uint8Array(Math.min(this.#capacity, Math.max(end, buffer.length * 2)));
      target.set(buffer.subarray(0, this.#length));
      this.#buffer = target;
    }
    target.set(chunk, this.#length);
    this.#length = end;
    this.#verifier?.update(chunk);
  }

  finish(): void {
    const buffer = this.#buffer;
    if (buffer === undefined) throw new FirmwareUpdateError("state", "finish before begin");
    const length = this.#length;
    const expected = this.#expected;
    const verifier = this.#verifier;
    this.#close();
    if (this.failFinish) throw new FirmwareUpdateError("verify", "simulated image verification failure");
    if (length === 0 || (expected !== undefined && length !== expected)) {
      throw new FirmwareUpdateError("verify", `image has ${length} bytes, expected ${expected ?? "more than 0"}`);
    }
    const verdict = verifier?.finish();
    if (verdict !== undefined && !verdict.ok) throw new FirmwareUpdateError("verify", `not a valid ESP32 app image: ${verdict.reason}`);
    const image = buffer.slice(0, length);
    this.pendingImage = image;
    this.#onStored?.(image);
  }

  abort(): void {
    if (this.#buffer !== undefined) this.aborts++;
    this.#close();
  }

  #close(): void {
    this.#buffer = undefined;
    this.#length = 0;
    this.#expected = undefined;
    this.#verifier = undefined;
  }
}
