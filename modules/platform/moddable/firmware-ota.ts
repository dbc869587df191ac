/**
 * Board firmware slot over Moddable's `ota` module (ESP32 OTA partitions):
 * begin opens the next update partition, finish verifies the image and sets
 * it as the boot partition (esp_ota_end + esp_ota_set_boot_partition).
 * The image is also checked as it streams in (platform/common/esp32-image, the
 * same check the simulated slot makes, but for the appended SHA-256 which
 * esp_ota_end checks with the hardware SHA), so a corrupt image is refused
 * with a clear reason before ESP-IDF's own validation [OCTT TC_044_3].
 */
import OTA from "ota";
import { FirmwareUpdateError, type FirmwareSlot } from "ports/firmware-update";
import { Esp32ImageVerifier } from "platform/common/esp32-image";

export class OtaFirmwareSlot implements FirmwareSlot {
  #ota: OTA | undefined;
  #verifier: Esp32ImageVerifier | undefined;

  begin(expectedSize?: number): void {
    if (this.#ota !== undefined) throw new FirmwareUpdateError("busy", "an update is already open");
    try {
      // The SDK opens the partition for sequential writes whatever the size; keep it for future SDKs.
      this.#ota = new OTA(expectedSize === undefined ? {} : { byteLength: expectedSize });
      // The appended SHA-256 is left to esp_ota_end (hardware SHA); JS checks all the rest.
      this.#verifier = new Esp32ImageVerifier({ totalBytes: expectedSize, checkHash: false });
    } catch (error) {
      throw new FirmwareUpdateError("begin", String((error as Error).message ?? error));
    }
  }

  write(chunk: Uint8Array): void {
    const ota = this.#ota;
    if (ota === undefined) throw new FirmwareUpdateError("state", "write before begin");
    try {
      ota.write(chunk);
      this.#verifier?.update(chunk);
    } catch (error) {
      this.abort();
      throw new FirmwareUpdateError("write", String((error as Error).message ?? error));
    }
  }

  finish(): void {
    const ota = this.#ota;
    if (ota === undefined) throw new FirmwareUpdateError("state", "finish before begin");
    this.#ota = undefined;
    const verdict = this.#verifier?.finish();
    this.#verifier = undefined;
    if (verdict !== undefined && !verdict.ok) {
      try {
        ota.cancel();
      } catch {
        // The partition is left unset either way.
      }
      throw new FirmwareUpdateError("verify", `not a valid ESP32 app image: ${verdict.reason}`);
    }
    try {
      ota.complete();
    } catch (error) {
      const message = String((error as Error).message ?? error);
      throw new FirmwareUpdateError(message.indexOf("boot") >= 0 ? "activate" : "verify", message);
    }
  }

  abort(): void {
    const ota = this.#ota;
    this.#ota = undefined;
    this.#verifier = undefined;
    if (ota === undefined) return;
    try {
      ota.cancel();
    } catch {
      // Already ended by the failure that brought us here.
    }
  }
}
