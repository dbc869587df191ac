/**
 * Firmware slot of the `lin` simulator build, which has no `ota` module: an
 * image held in RAM (lost at exit). The manifest maps
 * `platform/moddable/firmware-ota` here on lin and to `firmware-ota.ts` on esp32.
 */
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";

export class OtaFirmwareSlot extends SimFirmwareSlot {}
