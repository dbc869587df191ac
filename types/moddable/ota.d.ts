// Checked against $MODDABLE/build/devices/esp32/modules/ota/ota.js and ota.c (Moddable SDK 8.2.3):
// esp_ota_begin on the next update partition; every failure throws an Error.
declare module "ota" {
  export default class OTA {
    /** Opens the next OTA partition (erased as written); throws "no update parition" / "begin failed". */
    constructor(options?: { byteLength?: number });
    /** Appends image bytes; throws "write failed". */
    write(data: ArrayBuffer | ArrayBufferView): void;
    /** Drops the update (esp_ota_end without activating). */
    cancel(): void;
    /** Verifies the image (esp_ota_end) and sets it as boot partition; throws "end failed" / "can't change boot partition". */
    complete(): void;
  }
}
