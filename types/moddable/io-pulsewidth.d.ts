// Checked against $MODDABLE/modules/io/pulsewidth/esp32/_pulsewidth.js and _pulsewidth.c
// (Moddable SDK 8.2.3, esp32 only; the SDK ships no typings for it). The EV emulator's manifest
// lists this file in its typescript types.
declare module "embedded:io/pulsewidth" {
  export interface PulseWidthOptions {
    /** GPIO into the MCPWM capture unit. */
    pin: number;
    /** PulseWidth.RisingToFalling ... FallingToFalling: which edges start and end a width. */
    edges: number;
    /** PulseWidth.Input / InputPullUp / InputPullDown (the 8.2.3 implementation ignores the pulls). */
    mode?: number;
    /** Called (deferred from the capture interrupt) when a width is ready. */
    onReadable?: (this: PulseWidth) => void;
    format?: "number";
  }

  /** Measures the time between two edges on a pin with the MCPWM capture timer (APB clock). */
  export default class PulseWidth {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly RisingToFalling: number;
    static readonly FallingToRising: number;
    static readonly RisingToRising: number;
    static readonly FallingToFalling: number;
    constructor(options: PulseWidthOptions);
    /** The newest width in µs, cleared by the read; undefined until the next one. */
    read(): number | undefined;
    close(): void;
    format: "number";
  }
}
