/**
 * HLW8032 single-phase metering chip (HiLink/Hiliwei), UART only.
 * Datasheet: "HLW8032 User Manual" (hlktech / LCSC C128023). The chip sends a
 * 24-byte frame every 50 ms at 4800 baud 8E1:
 *   state, check (0x5A), voltage parameter (3), voltage (3), current
 *   parameter (3), current (3), power parameter (3), power (3), data update
 *   (1), PF pulse count (2), checksum (low byte of the sum of bytes 2..22).
 * V = Vparam / Vreg × Kv, I = Iparam / Ireg × Ki, P = Pparam / Preg × Kv × Ki;
 * one kWh is (1 / Pparam) × (1 / (Kv × Ki)) × 10⁹ × 3600 PF pulses.
 * Kv and Ki are the board's voltage divider and shunt coefficients.
 */
import type { SerialBus } from "hal/bus";
import type { KeyValueStore } from "ports/kv";
import type { EnergyMeter, MeterErrorHandler, MeterSample } from "hal/meter";
import { ReadingState, describeError } from "./reading-state";

export const HLW8032_FRAME = Object.freeze({
  LENGTH: 24,
  CHECK: 0x5a,
  STATE_NORMAL: 0x55,
  STATE_CALIBRATION_ERROR: 0xaa,
  /** State 0xFx: a measurement register overflowed (its quantity is near zero). */
  STATE_OVERFLOW_MASK: 0xf0,
  STATE_VOLTAGE_OVERFLOW: 0x08,
  STATE_CURRENT_OVERFLOW: 0x04,
  STATE_POWER_OVERFLOW: 0x02,
  OFFSET_STATE: 0,
  OFFSET_CHECK: 1,
  OFFSET_VOLTAGE_PARAMETER: 2,
  OFFSET_VOLTAGE: 5,
  OFFSET_CURRENT_PARAMETER: 8,
  OFFSET_CURRENT: 11,
  OFFSET_POWER_PARAMETER: 14,
  OFFSET_POWER: 17,
  OFFSET_DATA_UPDATE: 20,
  OFFSET_PF: 21,
  OFFSET_CHECKSUM: 23,
  /** Data update register bits. */
  UPDATE_PF_OVERFLOW: 0x80,
  UPDATE_VOLTAGE: 0x40,
  UPDATE_CURRENT: 0x20,
  UPDATE_POWER: 0x10,
});

export interface Hlw8032Options {
  /** UART at 4800 baud 8E1, receive only. */
  serial: SerialBus;
  kv: KeyValueStore;
  /** NVS key prefix; default "hlw8032". */
  key?: string;
  /** Voltage coefficient Kv (divider ratio); default 1.88 (datasheet reference board). */
  voltageCoefficient?: number;
  /** Current coefficient Ki (1 / shunt Ω); default 1 (1 mΩ… as calibrated). */
  currentCoefficient?: number;
  /** Offline when no valid frame arrived for this long; default 1000 ms (20 frames). */
  timeoutMs?: number;
  persistEveryWh?: number;
  persistEveryMs?: number;
  onError?: MeterErrorHandler;
}

const F = HLW8032_FRAME;

function u24(bytes: Uint8Array, at: number): number {
  return (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
}

export class Hlw8032 implements EnergyMeter {
  readonly phases = 1 as const;
  #serial: SerialBus;
  #kv: number;
  #ki: number;
  #timeoutMs: number;
  #state: ReadingState;
  #buffer = new Uint8Array(F.LENGTH * 3);
  #length = 0;
  #lastFrameMs = -1;
  #lastPf = -1;
  #lastPfOverflow = 0;
  #closed = false;
  /** Frames accepted and rejected, for diagnostics. */
  frames = 0;
  badFrames = 0;

  constructor(options: Hlw8032Options) {
    this.#serial = options.serial;
    this.#kv = options.voltageCoefficient ?? 1.88;
    this.#ki = options.currentCoefficient ?? 1;
    this.#timeoutMs = options.timeoutMs ?? 1000;
    this.#state = new ReadingState({ ...options, key: options.key ?? "hlw8032", retries: 0 });
  }

  poll(nowMs: number): void {
    if (this.#closed) return;
    if (this.#lastFrameMs < 0) this.#lastFrameMs = nowMs;
    const buffer = this.#buffer;
    for (let guard = 0; guard < 16; guard++) {
      if (this.#length === buffer.length) this.#shift(F.LENGTH); // overrun: drop the oldest frame
      let got = 0;
      try {
        got = this.#serial.read(buffer, this.#length);
      } catch (error) {
        this.#state.report("bus", describeError(error));
        break;
      }
      if (got <= 0) break;
      this.#length += got;
      this.#scan(nowMs);
    }
    if (nowMs - this.#lastFrameMs > this.#timeoutMs && this.#state.online) {
      this.#state.fail("timeout", "hlw8032: no frame");
    }
  }

  sample(into: MeterSample): boolean {
    return this.#state.sample(into);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#state.energy.persist(this.#lastFrameMs);
    this.#serial.close();
  }

  #scan(nowMs: number): void {
    const buffer = this.#buffer;
    while (this.#length >= F.LENGTH) {
      const state = buffer[F.OFFSET_STATE];
      const plausible =
        buffer[F.OFFSET_CHECK] === F.CHECK &&
        (state === F.STATE_NORMAL || state === F.STATE_CALIBRATION_ERROR || (state & F.STATE_OVERFLOW_MASK) === F.STATE_OVERFLOW_MASK);
      if (!plausible) {
        this.#shift(1); // resynchronise on the next byte
        continue;
      }
      let sum = 0;
      for (let i = F.OFFSET_VOLTAGE_PARAMETER; i < F.OFFSET_CHECKSUM; i++) sum += buffer[i];
      if ((sum & 0xff) !== buffer[F.OFFSET_CHECKSUM]) {
        this.badFrames++;
        this.#state.report("crc", "hlw8032: checksum");
        this.#shift(1);
        continue;
      }
      this.#decode(nowMs);
      this.#shift(F.LENGTH);
    }
  }

  #decode(nowMs: number): void {
    const b = this.#buffer;
    const state = b[F.OFFSET_STATE];
    if (state === F.STATE_CALIBRATION_ERROR) {
      this.badFrames++;
      this.#state.report("bad-frame", "hlw8032: chip reports a calibration error");
      return;
    }
    this.frames++;
    this.#lastFrameMs = nowMs;
    const overflow = state === F.STATE_NORMAL ? 0 : state;
    const work = this.#state.work;
    const voltageParameter = u24(b, F.OFFSET_VOLTAGE_PARAMETER);
    const voltage = u24(b, F.OFFSET_VOLTAGE);
    const currentParameter = u24(b, F.OFFSET_CURRENT_PARAMETER);
    const current = u24(b, F.OFFSET_CURRENT);
    const powerParameter = u24(b, F.OFFSET_POWER_PARAMETER);
    const power = u24(b, F.OFFSET_POWER);
    const update = b[F.OFFSET_DATA_UPDATE];
    work.voltageV[0] = overflow & F.STATE_VOLTAGE_OVERFLOW || voltage === 0 ? 0 : (voltageParameter / voltage) * this.#kv;
    work.currentA[0] = overflow & F.STATE_CURRENT_OVERFLOW || current === 0 ? 0 : (currentParameter / current) * this.#ki;
    work.powerW = overflow & F.STATE_POWER_OVERFLOW || power === 0 ? 0 : (powerParameter / power) * this.#kv * this.#ki;
    work.frequencyHz = 0; // the HLW8032 does not measure it

    // Energy from the PF pulse counter; bit 7 of the update register flips on each wrap.
    const pf = (b[F.OFFSET_PF] << 8) | b[F.OFFSET_PF + 1];
    const pfOverflow = update & F.UPDATE_PF_OVERFLOW;
    if (this.#lastPf >= 0 && powerParameter > 0) {
      let pulses: number;
      if (pf >= this.#lastPf) pulses = pf - this.#lastPf;
      else if (pfOverflow !== this.#lastPfOverflow) pulses = pf + 0x10000 - this.#lastPf;
      else pulses = pf; // counter restarted (chip reset): pulses since then
      const whPerPulse = (powerParameter * this.#kv * this.#ki) / 3.6e9;
      this.#state.energy.addWh(pulses * whPerPulse, nowMs);
    }
    this.#lastPf = pf;
    this.#lastPfOverflow = pfOverflow;
    this.#state.succeed(nowMs);
  }

  #shift(count: number): void {
    this.#buffer.copyWithin(0, count, this.#length);
    this.#length -= count;
  }
}
