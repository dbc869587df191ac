/**
 * Host firmware slot: the simulated slot whose verified image is written
 * to a file (atomically: temp file then rename), so the simulator can show
 * which image "boots next" after a restart.
 */
import { renameSync, writeFileSync } from "node:fs";
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";

export class FileFirmwareSlot extends SimFirmwareSlot {
  readonly path: string;

  constructor(path: string, capacity?: number) {
    super({
      capacity,
      onStored: (image) => {
        const temp = `${path}.tmp`;
        writeFileSync(temp, image);
        renameSync(temp, path);
      },
    });
    this.path = path;
  }
}
