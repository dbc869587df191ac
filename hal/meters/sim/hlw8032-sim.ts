/**
 * A simulated HLW8032: produces the chip's 24-byte frame every 50 ms from
 * set readings into a SimSerialLink, with a PF pulse counter that wraps at
 * 16 bits (flipping bit 7 of the update register) and restarts on `reset()`.
 */
import { HLW8032_FRAME as F } from "hal/meters/hlw8032";
import type { SimSerialLink } from "./sim-serial";

export class SimHlw8032 {
  voltageV = 230;
  currentA = 0;
  powerW = 0;
  /** Board coefficients the frames are computed for. */
  kv: number;
  ki: number;
  /** Datasheet-typical parameter registers. */
  voltageParameter = 0x02e2c0;
  currentParameter = 0x003e80;
  powerParameter = 0x4c4b40;
  /** Next frames to send with a wrong checksum. */
  corruptFrames = 0;
  /** Next frames to send with state 0xAA (chip calibration error). */
  errorFrames = 0;
  /** Stops sending (chip unpowered, cable off). */
  silent = false;
  pf = 0;
  #pfFraction = 0;
  #pfOverflow = 0;
  #sinceFrameMs = 0;
  #frame = new Uint8Array(F.LENGTH);

  constructor(kv = 1.88, ki = 1) {
    this.kv = kv;
    this.ki = ki;
  }

  /** Wh one PF pulse stands for. */
  get whPerPulse(): number {
    return (this.powerParameter * this.kv * this.ki) / 3.6e9;
  }

  /** The chip restarts: the PF counter and its overflow flag start from zero. */
  reset(): void {
    this.pf = 0;
    this.#pfFraction = 0;
    this.#pfOverflow = 0;
  }

  /** Lets `ms` pass: energy accrues and a frame goes out every 50 ms. */
  advance(link: SimSerialLink, ms: number): void {
    for (let step = 0; step < ms; step += 10) {
      this.#pfFraction += (this.powerW * 10) / 3.6e6 / this.whPerPulse;
      const whole = Math.floor(this.#pfFraction);
      this.#pfFraction -= whole;
      this.pf += whole;
      if (this.pf > 0xffff) {
        this.pf -= 0x10000;
        this.#pfOverflow ^= F.UPDATE_PF_OVERFLOW;
      }
      this.#sinceFrameMs += 10;
      if (this.#sinceFrameMs >= 50) {
        this.#sinceFrameMs = 0;
        if (!this.silent) link.push(this.#build());
      }
    }
  }

  #build(): Uint8Array {
    const b = this.#frame;
    b[F.OFFSET_STATE] = F.STATE_NORMAL;
    b[F.OFFSET_CHECK] = F.CHECK;
    const put24 = (at: number, value: number) => {
      const v = Math.max(0, Math.min(0xffffff, Math.round(value)));
      b[at] = v >>> 16;
      b[at + 1] = (v >>> 8) & 0xff;
      b[at + 2] = v & 0xff;
    };
    put24(F.OFFSET_VOLTAGE_PARAMETER, this.voltageParameter);
    put24(F.OFFSET_VOLTAGE, this.voltageV > 0 ? (this.voltageParameter * this.kv) / this.voltageV : 0);
    put24(F.OFFSET_CURRENT_PARAMETER, this.currentParameter);
    put24(F.OFFSET_CURRENT, this.currentA > 0 ? (this.currentParameter * this.ki) / this.currentA : 0);
    put24(F.OFFSET_POWER_PARAMETER, this.powerParameter);
    put24(F.OFFSET_POWER, this.powerW > 0 ? (this.powerParameter * this.kv * this.ki) / this.powerW : 0);
    let state: number = F.STATE_NORMAL;
    if (this.currentA <= 0) state = F.STATE_OVERFLOW_MASK | F.STATE_CURRENT_OVERFLOW;
    if (this.powerW <= 0)
      state = state === F.STATE_NORMAL ? F.STATE_OVERFLOW_MASK | F.STATE_POWER_OVERFLOW : state | F.STATE_POWER_OVERFLOW;
    b[F.OFFSET_STATE] = state;
    b[F.OFFSET_DATA_UPDATE] = this.#pfOverflow | F.UPDATE_VOLTAGE | F.UPDATE_CURRENT | F.UPDATE_POWER;
    b[F.OFFSET_PF] = this.pf >>> 8;
    b[F.OFFSET_PF + 1] = this.pf & 0xff;
    let sum = 0;
    for (let i = F.OFFSET_VOLTAGE_PARAMETER; i < F.OFFSET_CHECKSUM; i++) sum += b[i];
    b[F.OFFSET_CHECKSUM] = sum & 0xff;
    if (this.corruptFrames > 0) {
      this.corruptFrames--;
      b[F.OFFSET_CHECKSUM] ^= 0x01;
    }
    if (this.errorFrames > 0) {
      this.errorFrames--;
      b[F.OFFSET_STATE] = F.STATE_CALIBRATION_ERROR;
    }
    return b;
  }
}
