/**
 * Firmware update port: the inactive image slot a new firmware is written
 * into while the running one keeps working (ESP32 OTA partitions).
 *
 * Order: begin → write* → finish, or abort at any point. Every method
 * throws FirmwareUpdateError on failure; after a failure the slot is back to
 * idle (the caller may begin again).
 */
export type FirmwareUpdateErrorCode = "busy" | "begin" | "write" | "verify" | "activate" | "state";

export class FirmwareUpdateError extends Error {
  override name = "FirmwareUpdateError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  readonly code: FirmwareUpdateErrorCode;
  constructor(code: FirmwareUpdateErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface FirmwareSlot {
  /** Opens the inactive slot for a new image of `expectedSize` bytes if known (erases it). */
  begin(expectedSize?: number): void;
  /** Appends bytes of the image (valid only during the call). */
  write(chunk: Uint8Array): void;
  /** Checks the whole image and makes it the one booted next; the old image stays until the reboot. */
  finish(): void;
  /** Drops a partly written image; harmless when idle. */
  abort(): void;
}
