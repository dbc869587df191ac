/**
 * The ECMA-419 IO classes as the ESP32 drivers use them: structural types
 * only, so a driver receives its IO constructor in its options (the board
 * module hands in `embedded:io/*`, a host test hands in a fake) and nothing
 * here imports a Moddable module.
 *
 * Each shape is the intersection of what the SDK's typings declare and what
 * the esp32 implementations in `$(MODDABLE)/modules/io` do, so the real
 * classes are assignable to them. `close` is optional on PWM, analog, SPI and
 * I2C because the SDK 8.2.3 typings omit it there (the implementations have it).
 */

/** `embedded:io/digital` instance. */
export interface DigitalPort {
  read(): number;
  write(value: 0 | 1): void;
  close(): void;
}

export interface DigitalPortOptions {
  pin: number;
  mode: number;
  initialValue?: 0 | 1;
}

/** `embedded:io/digital` class (the constructor and its mode constants). */
export interface DigitalClass {
  new (options: DigitalPortOptions): DigitalPort;
  readonly Input: number;
  readonly InputPullUp: number;
  readonly InputPullDown: number;
  readonly Output: number;
}

/** `embedded:io/pwm` instance: `write(0)` is always low, `write(2^resolution - 1)` always high. */
export interface PwmPort {
  write(value: number): void;
  readonly resolution: number;
  readonly hz: number;
  close?(): void;
}

export interface PwmPortOptions {
  pin: number;
  hz: number;
  /** Duty resolution in bits (esp32 LEDC: 8..14 at 1 kHz). */
  resolution?: number;
  /** LEDC channel. */
  port?: number;
}

export interface PwmClass {
  new (options: PwmPortOptions): PwmPort;
}

/** `embedded:io/analog` instance: a raw reading 0 .. 2^resolution - 1. */
export interface AnalogPort {
  read(): number;
  readonly resolution: number;
  close?(): void;
}

export interface AnalogPortOptions {
  pin: number;
  resolution?: number;
}

export interface AnalogClass {
  new (options: AnalogPortOptions): AnalogPort;
}

/** `embedded:io/serial` instance in format "buffer". */
export interface SerialPort {
  /**
   * Fills `buffer` with up to its length of pending bytes and returns the
   * count; undefined when none (esp32). The ArrayBuffer in the result type is
   * only there because the SDK's overloads (`read()`) are matched first.
   */
  read(buffer: Uint8Array): number | ArrayBuffer | undefined;
  write(value: Uint8Array): void;
  close(): void;
}

export interface SerialPortOptions {
  receive: number;
  transmit?: number;
  /** UART number (esp32: 1 or 2 for a bus; 0 is the console, which the bench link may share). */
  port: number;
  baud: number;
  format: "buffer";
  /** `count` received bytes wait to be read (the bench link's serial stream; the meter drivers poll). */
  onReadable?(count: number): void;
  /** `count` bytes fit the transmit FIFO now. */
  onWritable?(count: number): void;
}

export interface SerialClass {
  new (options: SerialPortOptions): SerialPort;
}

/** `embedded:io/spi` instance. */
export interface SpiPort {
  /** Full duplex in place. */
  transfer(buffer: Uint8Array): void;
  /** Waits for queued transfers; `deselect` releases the controller (and its own select line). */
  flush(deselect?: boolean): void;
  close?(): void;
}

export interface SpiPortOptions {
  out: number;
  in: number;
  clock: number;
  hz: number;
  mode: number;
  port?: number;
}

export interface SpiClass {
  new (options: SpiPortOptions): SpiPort;
}

/** `embedded:io/i2c` instance at one address. */
export interface I2cPort {
  read(buffer: Uint8Array, stop?: boolean): number;
  write(buffer: Uint8Array, stop?: boolean): void;
  close?(): void;
}

export interface I2cPortOptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
}

export interface I2cClass {
  new (options: I2cPortOptions): I2cPort;
}

/** The IO classes a board needs; `createEsp32Board` takes one of these. */
export interface Esp32IoClasses {
  readonly digital: DigitalClass;
  readonly pwm: PwmClass;
  readonly analog: AnalogClass;
  readonly serial: SerialClass;
  readonly spi: SpiClass;
  readonly i2c: I2cClass;
}

/** A digital pin with its polarity. `activeLow`: the asserted state is electrical 0. */
export interface DigitalPinOptions {
  readonly io: DigitalClass;
  readonly pin: number;
  readonly activeLow?: boolean;
}

/** A digital input: `pull` selects the input mode (default none). */
export interface DigitalInputOptions extends DigitalPinOptions {
  readonly pull?: "up" | "down" | "none";
}

/** Opens an output, de-asserted. */
export function openOutput(options: DigitalPinOptions): DigitalPort {
  const io = options.io;
  return new io({ pin: options.pin, mode: io.Output, initialValue: options.activeLow ? 1 : 0 });
}

/** Opens an input with its pull. */
export function openInput(options: DigitalInputOptions): DigitalPort {
  const io = options.io;
  const mode = options.pull === "up" ? io.InputPullUp : options.pull === "down" ? io.InputPullDown : io.Input;
  return new io({ pin: options.pin, mode });
}
