// Checked against $MODDABLE/typings/embedded_io/pwm.d.ts (Moddable SDK 8.2.3).
declare module "embedded:io/pwm" {
  export interface PWMOptions {
    /** GPIO number. */
    pin: number;
    /** Output frequency in Hz. */
    hz?: number;
    /** Duty-cycle resolution in bits (write() takes 0 ... 2^resolution - 1). */
    resolution?: number;
    /** Hardware channel (esp32: LEDC channel). */
    port?: number;
    format?: "number";
    target?: unknown;
  }

  export default class PWM {
    constructor(options: PWMOptions);
    /** Set the duty cycle: 0 (always low) ... 2^resolution - 1 (always high). */
    write(value: number): void;
    close(): void;
    readonly hz: number;
    readonly resolution: number;
    format: "number";
    target?: unknown;
  }
}
