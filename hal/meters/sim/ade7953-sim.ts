/**
 * A simulated ADE7953 register file behind SPI and I2C, speaking the chip's
 * frames: voltages, currents and power set in engineering units through the
 * calibration, AENERGYA/B read-with-reset, a `reset()` that clears them and
 * relocks the chip, and `present = false` for a missing chip (I2C NACK, SPI
 * reads all ones).
 */
import type { I2cBus, SpiBus } from "hal/bus";
import { ADE7953_REGISTERS as R, ADE7953_VALUES as V, ade7953Width } from "hal/meters/ade7953";

export class SimAde7953 {
  readonly registers = new Map<number, number>();
  present = true;
  unlocked = false;
  /** Transfers seen on either bus. */
  transfers = 0;
  #pointer = 0;

  constructor() {
    this.reset();
  }

  /** Power-on state: CONFIG default, energy accumulators cleared, locked. */
  reset(): void {
    this.registers.clear();
    this.registers.set(R.CONFIG, 0x8004);
    this.registers.set(R.PERIOD, 4474); // 50 Hz
    this.unlocked = false;
  }

  /** Sets readings in engineering units with the driver's default calibration. */
  setReadings(voltageV: number, currentA: number, powerW: number, frequencyHz = 50): void {
    this.registers.set(R.VRMS, Math.round(voltageV * 26000));
    this.registers.set(R.IRMSA, Math.round(currentA * 100000));
    this.registers.set(R.AWATT, Math.round(powerW * 154) >>> 0);
    this.registers.set(R.PERIOD, Math.round(V.PERIOD_CLOCK_HZ / frequencyHz) - 1);
  }

  /** Accrues energy in AENERGYA at the driver's default 5544 LSB per Wh. */
  addEnergyWh(wh: number): void {
    this.registers.set(R.AENERGYA, (this.registers.get(R.AENERGYA) ?? 0) + Math.round(wh * 5544));
  }

  #readRegister(address: number): number {
    const value = this.registers.get(address) ?? 0;
    if (address === R.AENERGYA || address === R.AENERGYB) this.registers.set(address, 0);
    return value;
  }

  #writeRegister(address: number, value: number): void {
    if (address === R.UNLOCK) this.unlocked = value === V.UNLOCK_KEY;
    this.registers.set(address, value);
  }

  /** The chip as an SPI device. */
  readonly spi: SpiBus = {
    transfer: (buffer: Uint8Array) => {
      this.transfers++;
      if (!this.present) {
        buffer.fill(0xff);
        return;
      }
      const address = (buffer[0] << 8) | buffer[1];
      const width = ade7953Width(address);
      if (buffer.length < 3 + width) throw new Error("ade7953 sim: short SPI frame");
      if (buffer[2] === V.SPI_READ) {
        const value = this.#readRegister(address);
        for (let i = 0; i < width; i++) buffer[3 + i] = Math.floor(value / 2 ** (8 * (width - 1 - i))) & 0xff;
      } else {
        let value = 0;
        for (let i = 0; i < width; i++) value = value * 256 + buffer[3 + i];
        this.#writeRegister(address, value);
      }
    },
    close: () => {},
  };

  /** The chip as an I2C device at 0x38. */
  readonly i2c: I2cBus = {
    write: (bytes: Uint8Array) => {
      this.transfers++;
      if (!this.present) throw new Error("i2c: NACK");
      this.#pointer = (bytes[0] << 8) | bytes[1];
      if (bytes.length > 2) {
        let value = 0;
        for (let i = 2; i < bytes.length; i++) value = value * 256 + bytes[i];
        this.#writeRegister(this.#pointer, value);
      }
    },
    read: (into: Uint8Array) => {
      this.transfers++;
      if (!this.present) throw new Error("i2c: NACK");
      const width = ade7953Width(this.#pointer);
      const value = this.#readRegister(this.#pointer);
      for (let i = 0; i < into.length; i++) into[i] = i < width ? Math.floor(value / 2 ** (8 * (width - 1 - i))) & 0xff : 0;
    },
    close: () => {},
  };
}
