/**
 * A simulated ATM90E32 register file behind SPI: 4-byte frames, MeterEn that
 * a soft reset clears, energy registers that clear on read, and
 * `present = false` for a missing chip (MISO floats high).
 */
import type { SpiBus } from "hal/bus";
import { ATM90E32_REGISTERS as R, ATM90E32_VALUES as V } from "hal/meters/atm90e32";

export class SimAtm90e32 {
  readonly registers = new Map<number, number>();
  present = true;
  configWrites = 0;

  /** Chip reset: configuration and energy cleared, metering off. */
  reset(): void {
    this.registers.clear();
  }

  setPhase(phase: number, voltageV: number, currentA: number, powerW: number): void {
    this.registers.set(R.URMS_A + phase, Math.round(voltageV / V.VOLTS_PER_LSB));
    this.registers.set(R.IRMS_A + phase, Math.round(currentA / V.AMPS_PER_LSB));
    const raw = Math.round(powerW / V.WATTS_PER_LSB) | 0;
    this.registers.set(R.PMEAN_A + phase, (raw >>> 16) & 0xffff);
    this.registers.set(R.PMEAN_A_LSB + phase, raw & 0xffff);
  }

  setFrequency(hz: number): void {
    this.registers.set(R.FREQ, Math.round(hz / V.HZ_PER_LSB));
  }

  addEnergyWh(wh: number): void {
    const lsb = (this.registers.get(R.AP_ENERGY_T) ?? 0) + Math.round(wh / V.WH_PER_ENERGY_LSB);
    this.registers.set(R.AP_ENERGY_T, Math.min(0xffff, lsb));
  }

  readonly spi: SpiBus = {
    transfer: (buffer: Uint8Array) => {
      if (buffer.length !== 4) throw new Error("atm90e32 sim: frames are 4 bytes");
      if (!this.present) {
        buffer.fill(0xff);
        return;
      }
      const register = ((buffer[0] & V.ADDRESS_HIGH_MASK) << 8) | buffer[1];
      if (buffer[0] & V.READ_FLAG) {
        const value = this.registers.get(register) ?? 0;
        if (register === R.AP_ENERGY_T) this.registers.set(register, 0);
        buffer[2] = value >>> 8;
        buffer[3] = value & 0xff;
        return;
      }
      const value = (buffer[2] << 8) | buffer[3];
      if (register === R.SOFT_RESET && value === V.SOFT_RESET_KEY) {
        this.registers.delete(R.METER_EN);
        return;
      }
      this.configWrites++;
      this.registers.set(register, value);
    },
    close: () => {},
  };
}
