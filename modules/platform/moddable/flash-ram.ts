/**
 * Flash for the Moddable `lin` simulator build, which has no `flash`
 * module: the partitions live in RAM (lost at exit). The manifest maps
 * `platform/moddable/flash` here on lin and to `flash.ts` on esp32.
 */
import { SimFlash } from "platform/common/sim-flash";

const SECTOR_SIZE = 4096;
const SECTORS_PER_PARTITION = 16;

export class ModdableFlash extends SimFlash {
  constructor(_partition: string) {
    super(SECTOR_SIZE, SECTORS_PER_PARTITION);
  }
}
