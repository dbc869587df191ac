/**
 * ATM90E32AS three-phase energy metering IC (Microchip/Atmel), SPI mode 3.
 * Datasheet: https://ww1.microchip.com/downloads/en/devicedoc/Atmel-46003-SE-M90E32AS-Datasheet.pdf
 * Frame: 16-bit address (bit 15 set to read, bits 9..0 the register) then
 * 16-bit data, MSB first. Urms 0.01 V/LSB, Irms 0.001 A/LSB, Freq 0.01 Hz/LSB,
 * Pmean 32-bit (high register + LSB register) × 0.00032 W. Energy registers
 * clear on read; with the default PL constant (3200 pulses per kWh) one LSB is
 * 0.1 pulse = 1/32 Wh.
 */
import type { SpiBus } from "hal/bus";
import type { EnergyMeter, MeterSample } from "hal/meter";
import { PolledReadingState, type PolledMeterOptions } from "./reading-state";

export const ATM90E32_REGISTERS = Object.freeze({
  METER_EN: 0x00,
  MMODE0: 0x33,
  MMODE1: 0x34,
  UGAIN_A: 0x61,
  IGAIN_A: 0x62,
  UGAIN_B: 0x65,
  IGAIN_B: 0x66,
  UGAIN_C: 0x69,
  IGAIN_C: 0x6a,
  SOFT_RESET: 0x70,
  CFG_REG_ACC_EN: 0x7f,
  AP_ENERGY_T: 0x80, // total forward active energy, clears on read
  PMEAN_A: 0xb1, // + phase
  PMEAN_A_LSB: 0xc1, // + phase
  URMS_A: 0xd9, // + phase
  IRMS_A: 0xdd, // + phase
  FREQ: 0xf8,
});

export const ATM90E32_VALUES = Object.freeze({
  READ_FLAG: 0x80,
  ADDRESS_HIGH_MASK: 0x03,
  SOFT_RESET_KEY: 0x789a,
  CFG_ACCESS_KEY: 0x55aa,
  CFG_ACCESS_DONE: 0x0000,
  METER_ENABLE: 0x0001,
  /** MMODE0 for 50 Hz, 3P4W; bit 12 selects 60 Hz. */
  MMODE0_50HZ: 0x0185,
  MMODE0_60HZ_BIT: 0x1000,
  VOLTS_PER_LSB: 0.01,
  AMPS_PER_LSB: 0.001,
  WATTS_PER_LSB: 0.00032,
  HZ_PER_LSB: 0.01,
  WH_PER_ENERGY_LSB: 1 / 32,
});

export interface Atm90e32Options extends PolledMeterOptions {
  /** The chip on SPI mode 3 (≤ 200 kHz). */
  spi: SpiBus;
  /** 1 for a single-phase charger on phase A, 3 for three phases. */
  phases: 1 | 3;
  lineFrequencyHz?: 50 | 60;
  /** PGA gain word for MMODE1; default 0 (1×). */
  pgaGain?: number;
  /** Calibration gains per phase A..C; defaults suit CircuitSetup-style boards. */
  voltageGain?: readonly number[];
  currentGain?: readonly number[];
}

const R = ATM90E32_REGISTERS;
const V = ATM90E32_VALUES;

export class Atm90e32 implements EnergyMeter {
  readonly phases: 1 | 3;
  #spi: SpiBus;
  #frame = new Uint8Array(4);
  #state: PolledReadingState;
  #mmode0: number;
  #pgaGain: number;
  #voltageGain: readonly number[];
  #currentGain: readonly number[];
  #initialised = false;

  constructor(options: Atm90e32Options) {
    this.#spi = options.spi;
    this.phases = options.phases;
    this.#mmode0 = V.MMODE0_50HZ | (options.lineFrequencyHz === 60 ? V.MMODE0_60HZ_BIT : 0);
    this.#pgaGain = options.pgaGain ?? 0;
    this.#voltageGain = options.voltageGain ?? [7305, 7305, 7305];
    this.#currentGain = options.currentGain ?? [27961, 27961, 27961];
    this.#state = new PolledReadingState(options, "atm90e32");
  }

  poll(nowMs: number): void {
    if (!this.#state.due(nowMs)) return;
    try {
      if (!this.#initialised) this.#init();
      // MeterEn reads back 1 on a live, configured chip (0 after a reset, 0xFFFF when absent).
      if (this.#read(R.METER_EN) !== V.METER_ENABLE) {
        this.#initialised = false;
        throw new Error("atm90e32: metering not enabled (chip reset or absent)");
      }
      const work = this.#state.work;
      let powerW = 0;
      for (let phase = 0; phase < 3; phase++) {
        if (phase >= this.phases) {
          work.voltageV[phase] = 0;
          work.currentA[phase] = 0;
          continue;
        }
        work.voltageV[phase] = this.#read(R.URMS_A + phase) * V.VOLTS_PER_LSB;
        work.currentA[phase] = this.#read(R.IRMS_A + phase) * V.AMPS_PER_LSB;
        const high = this.#read(R.PMEAN_A + phase);
        const low = this.#read(R.PMEAN_A_LSB + phase);
        powerW += ((high << 16) | low) * V.WATTS_PER_LSB; // signed 32-bit
      }
      work.powerW = powerW;
      work.frequencyHz = this.#read(R.FREQ) * V.HZ_PER_LSB;
      const energyLsb = this.#read(R.AP_ENERGY_T);
      if (energyLsb > 0) this.#state.energy.addWh(energyLsb * V.WH_PER_ENERGY_LSB, nowMs);
      this.#state.readDone(nowMs);
    } catch (error) {
      this.#state.readFailed(nowMs, error);
    }
  }

  sample(into: MeterSample): boolean {
    return this.#state.sample(into);
  }

  close(): void {
    if (this.#state.close()) this.#spi.close();
  }

  #init(): void {
    this.#write(R.SOFT_RESET, V.SOFT_RESET_KEY);
    this.#write(R.CFG_REG_ACC_EN, V.CFG_ACCESS_KEY);
    this.#write(R.METER_EN, V.METER_ENABLE);
    this.#write(R.MMODE0, this.#mmode0);
    this.#write(R.MMODE1, this.#pgaGain);
    this.#write(R.UGAIN_A, this.#voltageGain[0]);
    this.#write(R.IGAIN_A, this.#currentGain[0]);
    this.#write(R.UGAIN_B, this.#voltageGain[1]);
    this.#write(R.IGAIN_B, this.#currentGain[1]);
    this.#write(R.UGAIN_C, this.#voltageGain[2]);
    this.#write(R.IGAIN_C, this.#currentGain[2]);
    this.#write(R.CFG_REG_ACC_EN, V.CFG_ACCESS_DONE);
    this.#initialised = true;
  }

  #read(register: number): number {
    const frame = this.#frame;
    frame[0] = V.READ_FLAG | ((register >>> 8) & V.ADDRESS_HIGH_MASK);
    frame[1] = register & 0xff;
    frame[2] = 0;
    frame[3] = 0;
    this.#spi.transfer(frame);
    return (frame[2] << 8) | frame[3];
  }

  #write(register: number, value: number): void {
    const frame = this.#frame;
    frame[0] = (register >>> 8) & V.ADDRESS_HIGH_MASK;
    frame[1] = register & 0xff;
    frame[2] = (value >>> 8) & 0xff;
    frame[3] = value & 0xff;
    this.#spi.transfer(frame);
  }
}
