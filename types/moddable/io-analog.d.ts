// Checked against $MODDABLE/typings/embedded_io/analog.d.ts (Moddable SDK 8.2.3).
declare module "embedded:io/analog" {
  export interface AnalogOptions {
    /** ADC-capable GPIO number. */
    pin: number;
    /** Requested resolution in bits (the esp32 implementation ignores it). */
    resolution?: number;
    format?: "number";
    target?: unknown;
    onReadable?: (this: Analog) => void;
  }

  export default class Analog {
    constructor(options: AnalogOptions);
    /** A raw sample: 0 ... 2^resolution - 1. */
    read(): number;
    close(): void;
    /** Bits per sample. */
    readonly resolution: number;
    format: "number";
    target?: unknown;
  }
}
