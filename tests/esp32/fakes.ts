/**
 * Fake ECMA-419 IO classes for host tests of hal/esp32: they record
 * writes, let a test set input levels or hook reads (a simulated CP
 * waveform, a welded contactor, an RCD that trips or not), and enforce
 * "one owner per pin" like the esp32 implementations.
 */
import type {
  AnalogPortOptions,
  DigitalPortOptions,
  Esp32IoClasses,
  I2cPortOptions,
  PwmPortOptions,
  SerialPortOptions,
  SpiPortOptions,
} from "hal/esp32/io";

export const MODE = { Input: 0, InputPullUp: 1, InputPullDown: 2, Output: 3 } as const;

export class FakeEsp32Io {
  /** Level per pin: written by outputs, set by tests for inputs. */
  readonly level = new Map<number, number>();
  /** Pin mode as opened. */
  readonly mode = new Map<number, number>();
  /** Optional read hooks per pin (override `level`). */
  readonly digitalHook = new Map<number, () => number>();
  readonly analogHook = new Map<number, () => number>();
  /** Every digital write in order. */
  readonly writes: { pin: number; value: number }[] = [];
  /** Last PWM value per pin and its resolution. */
  readonly pwmValue = new Map<number, number>();
  readonly pwmOptions = new Map<number, PwmPortOptions>();
  /** Pins whose reads/writes throw. */
  readonly broken = new Set<number>();
  readonly inUse = new Set<number>();
  readonly closed: number[] = [];
  /** Serial: bytes the "line" delivers, bytes written. */
  readonly serialRx: number[] = [];
  readonly serialTx: number[][] = [];
  serialOptions: SerialPortOptions | null = null;
  /** Called with each serial write (a simulated device answers into serialRx). */
  onSerialWrite: (bytes: Uint8Array) => void = () => undefined;
  /** SPI: transfers with the CS levels seen at transfer time; the answer function fills the buffer. */
  readonly spiLog: { bytes: number[]; cs: Map<number, number> }[] = [];
  spiAnswer: (buffer: Uint8Array) => void = () => undefined;
  spiFlushes = 0;
  /** I2C: operations. */
  readonly i2cLog: { address: number; op: "read" | "write"; bytes: number[]; stop: boolean | undefined }[] = [];

  claim(pin: number): void {
    if (this.inUse.has(pin)) throw new Error(`in use: ${pin}`);
    this.inUse.add(pin);
  }

  io(): Esp32IoClasses {
    const hw = this;
    class Digital {
      static readonly Input = MODE.Input;
      static readonly InputPullUp = MODE.InputPullUp;
      static readonly InputPullDown = MODE.InputPullDown;
      static readonly Output = MODE.Output;
      readonly pin: number;
      constructor(o: DigitalPortOptions) {
        hw.claim(o.pin);
        this.pin = o.pin;
        hw.mode.set(o.pin, o.mode);
        if (o.mode === MODE.Output) hw.level.set(o.pin, o.initialValue ?? 0);
      }
      read(): number {
        if (hw.broken.has(this.pin)) throw new Error("broken");
        const hook = hw.digitalHook.get(this.pin);
        return hook ? hook() : (hw.level.get(this.pin) ?? 0);
      }
      write(value: 0 | 1): void {
        if (hw.broken.has(this.pin)) throw new Error("broken");
        if (hw.mode.get(this.pin) !== MODE.Output) throw new Error("not an output");
        hw.level.set(this.pin, value);
        hw.writes.push({ pin: this.pin, value });
      }
      close(): void {
        hw.inUse.delete(this.pin);
        hw.closed.push(this.pin);
      }
    }
    class Pwm {
      readonly pin: number;
      readonly resolution: number;
      readonly hz: number;
      constructor(o: PwmPortOptions) {
        hw.claim(o.pin);
        this.pin = o.pin;
        this.resolution = o.resolution ?? 10;
        this.hz = o.hz;
        hw.pwmOptions.set(o.pin, o);
      }
      write(value: number): void {
        if (hw.broken.has(this.pin)) throw new Error("broken");
        if (!Number.isInteger(value) || value < 0 || value > (1 << this.resolution) - 1) throw new RangeError("invalid value");
        hw.pwmValue.set(this.pin, value);
      }
      close(): void {
        hw.inUse.delete(this.pin);
        hw.closed.push(this.pin);
      }
    }
    class Analog {
      readonly pin: number;
      readonly resolution = 12;
      constructor(o: AnalogPortOptions) {
        hw.claim(o.pin);
        this.pin = o.pin;
      }
      read(): number {
        if (hw.broken.has(this.pin)) throw new Error("broken");
        const hook = hw.analogHook.get(this.pin);
        return hook ? hook() : 0;
      }
      close(): void {
        hw.inUse.delete(this.pin);
        hw.closed.push(this.pin);
      }
    }
    class Serial {
      constructor(o: SerialPortOptions) {
        hw.claim(o.receive);
        if (o.transmit !== undefined) hw.claim(o.transmit);
        hw.serialOptions = o;
      }
      read(buffer: ArrayBufferView): number | undefined {
        if (hw.serialRx.length === 0) return undefined;
        const view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        const n = Math.min(view.length, hw.serialRx.length);
        for (let i = 0; i < n; i++) view[i] = hw.serialRx.shift() as number;
        return n;
      }
      write(value: ArrayBufferView): void {
        const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        hw.serialTx.push(Array.from(bytes));
        hw.onSerialWrite(bytes);
      }
      close(): void {
        hw.closed.push(-1);
      }
    }
    class Spi {
      constructor(o: SpiPortOptions) {
        hw.claim(o.clock);
        hw.claim(o.out);
        hw.claim(o.in);
      }
      transfer(buffer: ArrayBufferView): void {
        const view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        hw.spiLog.push({ bytes: Array.from(view), cs: new Map(hw.level) });
        hw.spiAnswer(view);
      }
      flush(): void {
        hw.spiFlushes++;
      }
      close(): void {
        hw.closed.push(-2);
      }
    }
    class I2c {
      readonly address: number;
      constructor(o: I2cPortOptions) {
        this.address = o.address;
      }
      read(buffer: ArrayBufferView, stop?: boolean): number {
        const view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        view.fill(0xa5);
        hw.i2cLog.push({ address: this.address, op: "read", bytes: Array.from(view), stop });
        return view.length;
      }
      write(buffer: ArrayBufferView, stop?: boolean): void {
        const view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        hw.i2cLog.push({ address: this.address, op: "write", bytes: Array.from(view), stop });
      }
    }
    return { digital: Digital, pwm: Pwm, analog: Analog, serial: Serial, spi: Spi, i2c: I2c };
  }
}

/** Raw 12-bit ADC value for a CP voltage with the calibration the tests use (-12 V -> 310, +12 V -> 3661). */
export const RAW_MINUS_12 = 310;
export const RAW_PLUS_12 = 3661;
export function rawFor(volts: number): number {
  return Math.round(RAW_MINUS_12 + ((volts + 12) * (RAW_PLUS_12 - RAW_MINUS_12)) / 24);
}

/**
 * A CP line in time: a µs clock advanced by every IO call; the PWM duty is
 * read from the fake's last PWM value; the EV sets the high level, its diode
 * the low level. `analogUs` and `digitalUs` are the costs of a read.
 */
export class CpLine {
  tUs = 0;
  evHighV = 12;
  diode = true;
  shorted = false;
  analogUs = 25;
  digitalUs = 3;
  periodUs = 1000;
  constructor(
    readonly hw: FakeEsp32Io,
    readonly pwmPin: number,
    readonly resolution = 10,
  ) {}
  /** Is the PWM output high now? */
  outputHigh(): boolean {
    const max = (1 << this.resolution) - 1;
    const value = this.hw.pwmValue.get(this.pwmPin) ?? 0;
    if (value >= max) return true;
    if (value <= 0) return false;
    const highUs = (value / max) * this.periodUs;
    return this.tUs % this.periodUs < highUs;
  }
  /** CP voltage now. */
  volts(): number {
    if (this.shorted) return 0;
    if (this.outputHigh()) return this.evHighV;
    return this.diode || this.evHighV >= 11.5 ? -12 : -this.evHighV;
  }
  /** Hooks the fake's ADC and loop-back pins to this line. */
  attach(adcPin: number, syncPin: number | null): void {
    this.hw.analogHook.set(adcPin, () => {
      // The ADC samples at the start of its conversion.
      const raw = rawFor(this.volts());
      this.tUs += this.analogUs;
      return raw;
    });
    if (syncPin !== null) {
      this.hw.digitalHook.set(syncPin, () => {
        const level = this.outputHigh() ? 1 : 0;
        this.tUs += this.digitalUs;
        return level;
      });
    }
  }
}
