// Checked against $MODDABLE/typings/embedded_io/digital.d.ts (Moddable SDK 8.2.3).
declare module "embedded:io/digital" {
  export interface DigitalOptions {
    /** GPIO number. */
    pin: number;
    /** One of Digital.Input ... Digital.OutputOpenDrain. */
    mode: number;
    /** Digital.Rising and/or Digital.Falling (bit mask); needed for onReadable. */
    edge?: number;
    activeLow?: boolean;
    /** Output level applied when the pin is opened. */
    initialValue?: 0 | 1;
    format?: "number";
    target?: unknown;
    /** Called (interrupt deferred to the event loop) when an `edge` occurs. */
    onReadable?: (this: Digital) => void;
  }

  export default class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly InputPullUpDown: number;
    static readonly Output: number;
    static readonly OutputOpenDrain: number;
    static readonly Rising: number;
    static readonly Falling: number;

    constructor(options: DigitalOptions);
    read(): 0 | 1;
    write(value: 0 | 1): void;
    close(): void;
    format: "number";
    target?: unknown;
  }
}
