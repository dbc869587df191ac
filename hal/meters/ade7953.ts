/**
 * ADE7953 single-phase energy metering IC (Analog Devices), SPI or I2C.
 * Datasheet: https://www.analog.com/media/en/technical-documentation/data-sheets/ADE7953.pdf
 * Register width follows the address: 0x000-0x0FF 8 bit, 0x100-0x1FF 16 bit,
 * 0x200-0x2FF 24 bit, 0x300-0x3FF 32 bit (24-bit values sign-extended; we use
 * the 32-bit copies). SPI frame: address (2 bytes), 0x80 read / 0x00 write,
 * data MSB first. I2C (address 0x38): address (2 bytes) then data.
 * After reset the datasheet requires writing 0xAD to 0x0FE then 0x30 to 0x120.
 * AENERGYA is read-with-reset (LCYCMODE.RSTREAD, default on), so each read
 * returns the energy since the previous one.
 */
import type { I2cBus, SpiBus } from "hal/bus";
import type { EnergyMeter, MeterSample } from "hal/meter";
import { PolledReadingState, type PolledMeterOptions } from "./reading-state";

export const ADE7953_REGISTERS = Object.freeze({
  LCYCMODE: 0x004,
  PGA_V: 0x007,
  PGA_IA: 0x008,
  PGA_IB: 0x009,
  UNLOCK: 0x0fe,
  CONFIG: 0x102,
  PERIOD: 0x10e,
  RESERVED_SETTING: 0x120,
  AWATT: 0x312,
  BWATT: 0x313,
  IRMSA: 0x31a,
  IRMSB: 0x31b,
  VRMS: 0x31c,
  AENERGYA: 0x31e,
  AENERGYB: 0x31f,
});

export const ADE7953_VALUES = Object.freeze({
  UNLOCK_KEY: 0xad,
  RESERVED_SETTING: 0x30,
  SPI_READ: 0x80,
  SPI_WRITE: 0x00,
  I2C_ADDRESS: 0x38,
  /** PERIOD counts a 223.75 kHz clock: f = 223750 / (PERIOD + 1). */
  PERIOD_CLOCK_HZ: 223750,
  /** CONFIG reads back neither all zeros nor all ones from a live chip. */
  CONFIG_ABSENT_LOW: 0x0000,
  CONFIG_ABSENT_HIGH: 0xffff,
});

/** Width in bytes of the register at `address`. */
export function ade7953Width(address: number): number {
  return address < 0x100 ? 1 : address < 0x200 ? 2 : address < 0x300 ? 3 : 4;
}

export interface Ade7953Calibration {
  /** VRMS LSB per volt; default 26000 (Sonoff-style divider). */
  vrmsPerVolt?: number;
  /** IRMS LSB per amp; default 100000. */
  irmsPerAmp?: number;
  /** AWATT LSB per watt; default 154. */
  wattLsbPerWatt?: number;
  /** AENERGY LSB per Wh; board-specific, default 5544 is a placeholder: calibrate per board. */
  energyLsbPerWh?: number;
}

export interface Ade7953Options extends Ade7953Calibration, PolledMeterOptions {
  /** The chip on SPI (mode 3) … */
  spi?: SpiBus;
  /** … or on I2C at address 0x38. */
  i2c?: I2cBus;
  /** Which current channel feeds the charger; default "A". */
  channel?: "A" | "B";
}

const R = ADE7953_REGISTERS;
const V = ADE7953_VALUES;

export class Ade7953 implements EnergyMeter {
  readonly phases = 1 as const;
  #spi: SpiBus | undefined;
  #i2c: I2cBus | undefined;
  #frame = new Uint8Array(7);
  #address = new Uint8Array(2);
  #data = new Uint8Array(4);
  /** Views sized per register width (index = width in bytes), made once. */
  #spiFrames: Uint8Array[] = [];
  #i2cData: Uint8Array[] = [];
  #i2cWrites: Uint8Array[] = [];
  #state: PolledReadingState;
  #vrmsPerVolt: number;
  #irmsPerAmp: number;
  #wattLsbPerWatt: number;
  #energyLsbPerWh: number;
  #wattRegister: number;
  #irmsRegister: number;
  #energyRegister: number;
  #initialised = false;

  constructor(options: Ade7953Options) {
    if (!options.spi === !options.i2c) throw new TypeError("ade7953: give exactly one of spi or i2c");
    this.#spi = options.spi;
    this.#i2c = options.i2c;
    this.#vrmsPerVolt = options.vrmsPerVolt ?? 26000;
    this.#irmsPerAmp = options.irmsPerAmp ?? 100000;
    this.#wattLsbPerWatt = options.wattLsbPerWatt ?? 154;
    this.#energyLsbPerWh = options.energyLsbPerWh ?? 5544;
    const b = options.channel === "B";
    this.#wattRegister = b ? R.BWATT : R.AWATT;
    this.#irmsRegister = b ? R.IRMSB : R.IRMSA;
    this.#energyRegister = b ? R.AENERGYB : R.AENERGYA;
    this.#state = new PolledReadingState(options, "ade7953");
    for (let width = 0; width <= 4; width++) {
      this.#spiFrames.push(this.#frame.subarray(0, 3 + width));
      this.#i2cData.push(this.#data.subarray(0, width));
      this.#i2cWrites.push(this.#frame.subarray(0, 2 + width));
    }
  }

  poll(nowMs: number): void {
    if (!this.#state.due(nowMs)) return;
    try {
      if (!this.#initialised) this.#init();
      const work = this.#state.work;
      work.voltageV[0] = this.#read(R.VRMS) / this.#vrmsPerVolt;
      work.currentA[0] = this.#read(this.#irmsRegister) / this.#irmsPerAmp;
      work.powerW = (this.#read(this.#wattRegister) | 0) / this.#wattLsbPerWatt;
      const period = this.#read(R.PERIOD);
      work.frequencyHz = V.PERIOD_CLOCK_HZ / (period + 1);
      // Energy since the last read (read-with-reset); only import counts.
      const energyLsb = this.#read(this.#energyRegister) | 0;
      if (energyLsb > 0) this.#state.energy.addWh(energyLsb / this.#energyLsbPerWh, nowMs);
      this.#state.readDone(nowMs);
    } catch (error) {
      this.#initialised = false; // the chip may have been reset: unlock again
      this.#state.readFailed(nowMs, error);
    }
  }

  sample(into: MeterSample): boolean {
    return this.#state.sample(into);
  }

  close(): void {
    if (this.#state.close()) (this.#spi ?? this.#i2c)?.close();
  }

  #init(): void {
    const config = this.#read(R.CONFIG);
    if (config === V.CONFIG_ABSENT_LOW || config === V.CONFIG_ABSENT_HIGH)
      throw new Error("ade7953: no answer (CONFIG reads 0x" + config.toString(16) + ")");
    this.#write(R.UNLOCK, V.UNLOCK_KEY);
    this.#write(R.RESERVED_SETTING, V.RESERVED_SETTING);
    this.#initialised = true;
  }

  /** Reads a register as an unsigned number of its width. */
  #read(register: number): number {
    const width = ade7953Width(register);
    const data = this.#data;
    if (this.#spi) {
      const frame = this.#spiFrames[width];
      frame[0] = register >>> 8;
      frame[1] = register & 0xff;
      frame[2] = V.SPI_READ;
      for (let i = 0; i < width; i++) frame[3 + i] = 0;
      this.#spi.transfer(frame);
      for (let i = 0; i < width; i++) data[i] = frame[3 + i];
    } else {
      const i2c = this.#i2c!;
      this.#address[0] = register >>> 8;
      this.#address[1] = register & 0xff;
      i2c.write(this.#address, false);
      i2c.read(this.#i2cData[width], true);
    }
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + data[i];
    return value;
  }

  #write(register: number, value: number): void {
    const width = ade7953Width(register);
    const frame = this.#frame;
    let at = 0;
    frame[at++] = register >>> 8;
    frame[at++] = register & 0xff;
    if (this.#spi) frame[at++] = V.SPI_WRITE;
    for (let i = width - 1; i >= 0; i--) frame[at++] = Math.floor(value / 2 ** (8 * i)) & 0xff;
    if (this.#spi) this.#spi.transfer(this.#spiFrames[width]);
    else this.#i2c!.write(this.#i2cWrites[width], true);
  }
}
