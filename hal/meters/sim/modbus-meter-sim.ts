/**
 * A simulated Modbus RTU slave that answers read-holding (0x03) and
 * read-input (0x04) requests from its register tables, the way an Eastron
 * SDM630/SDM120 or an ABB B23 does, with faults on demand: drop answers,
 * corrupt them (CRC error), or go silent. Requests with a bad CRC or another
 * address are ignored, as a real slave ignores them.
 */
import { appendCrc16Modbus, checkCrc16Modbus } from "hal/meters/crc16";
import { ABB_B23_REGISTERS } from "hal/meters/abb-b23";
import { SDM630_REGISTERS } from "hal/meters/sdm630";
import type { SimSerialDevice, SimSerialLink } from "./sim-serial";

const READ_HOLDING = 0x03;
const READ_INPUT = 0x04;
const ILLEGAL_FUNCTION = 0x01;
const ILLEGAL_DATA_ADDRESS = 0x02;

export class SimModbusSlave implements SimSerialDevice {
  address: number;
  /** Silent (unplugged, powered off). */
  offline = false;
  /** Answers to drop (no reply at all). */
  dropAnswers = 0;
  /** Answers to send with a flipped bit (CRC error at the master). */
  corruptAnswers = 0;
  /** Valid requests seen. */
  requests = 0;
  readonly holding = new Map<number, number>();
  readonly input = new Map<number, number>();
  #answer = new Uint8Array(3 + 250 + 2);
  #scratch = new DataView(new ArrayBuffer(8));

  constructor(address = 1) {
    this.address = address;
  }

  receive(bytes: Uint8Array, link: SimSerialLink): void {
    if (this.offline || bytes.length !== 8 || !checkCrc16Modbus(bytes, 8) || bytes[0] !== this.address) return;
    this.requests++;
    const fn = bytes[1];
    const start = (bytes[2] << 8) | bytes[3];
    const count = (bytes[4] << 8) | bytes[5];
    const answer = this.#answer;
    answer[0] = this.address;
    let length: number;
    const table = fn === READ_HOLDING ? this.holding : fn === READ_INPUT ? this.input : undefined;
    let exception = table === undefined ? ILLEGAL_FUNCTION : 0;
    if (table !== undefined) for (let i = 0; i < count; i++) if (!table.has(start + i)) exception = ILLEGAL_DATA_ADDRESS;
    if (count < 1 || count > 125) exception = ILLEGAL_DATA_ADDRESS;
    if (exception !== 0 || table === undefined) {
      answer[1] = fn | 0x80;
      answer[2] = exception;
      length = appendCrc16Modbus(answer, 3);
    } else {
      answer[1] = fn;
      answer[2] = count * 2;
      for (let i = 0; i < count; i++) {
        const word = table.get(start + i) ?? 0;
        answer[3 + i * 2] = word >>> 8;
        answer[4 + i * 2] = word & 0xff;
      }
      length = appendCrc16Modbus(answer, 3 + count * 2);
    }
    if (this.dropAnswers > 0) {
      this.dropAnswers--;
      return;
    }
    if (this.corruptAnswers > 0) {
      this.corruptAnswers--;
      answer[length >> 1] ^= 0x10;
    }
    link.push(answer, length);
  }

  /** Fills `count` registers from `start` with zero (so block reads succeed). */
  fill(fn: number, start: number, count: number): void {
    const table = this.#table(fn);
    for (let i = 0; i < count; i++) if (!table.has(start + i)) table.set(start + i, 0);
  }
  setU16(fn: number, register: number, value: number): void {
    this.#table(fn).set(register, value & 0xffff);
  }
  setU32(fn: number, register: number, value: number): void {
    this.#scratch.setUint32(0, value >>> 0, false);
    this.#words(fn, register, 2);
  }
  setS32(fn: number, register: number, value: number): void {
    this.#scratch.setInt32(0, value, false);
    this.#words(fn, register, 2);
  }
  setF32(fn: number, register: number, value: number): void {
    this.#scratch.setFloat32(0, value, false);
    this.#words(fn, register, 2);
  }
  setU64(fn: number, register: number, value: number): void {
    this.#scratch.setUint32(0, Math.floor(value / 4294967296), false);
    this.#scratch.setUint32(4, value % 4294967296, false);
    this.#words(fn, register, 4);
  }

  #words(fn: number, register: number, count: number): void {
    const table = this.#table(fn);
    for (let i = 0; i < count; i++) table.set(register + i, this.#scratch.getUint16(i * 2, false));
  }
  #table(fn: number): Map<number, number> {
    return fn === READ_HOLDING ? this.holding : this.input;
  }
}

/** Readings to load into a simulated meter. */
export interface SimMeterReadings {
  voltageV: readonly number[];
  currentA: readonly number[];
  powerW: readonly number[];
  frequencyHz: number;
  importKWh: number;
}

/** Loads readings into an SDM630/SDM120 register map (floats in input registers). */
export function loadSdmReadings(slave: SimModbusSlave, readings: SimMeterReadings): void {
  const R = SDM630_REGISTERS;
  slave.fill(READ_INPUT, 0, R.TOTAL_ACTIVE_ENERGY + 2);
  let total = 0;
  for (let phase = 0; phase < 3; phase++) {
    slave.setF32(READ_INPUT, R.PHASE_1_VOLTAGE + phase * 2, readings.voltageV[phase] ?? 0);
    slave.setF32(READ_INPUT, R.PHASE_1_CURRENT + phase * 2, readings.currentA[phase] ?? 0);
    slave.setF32(READ_INPUT, R.PHASE_1_POWER + phase * 2, readings.powerW[phase] ?? 0);
    total += readings.powerW[phase] ?? 0;
  }
  slave.setF32(READ_INPUT, R.TOTAL_SYSTEM_POWER, total);
  slave.setF32(READ_INPUT, R.FREQUENCY, readings.frequencyHz);
  slave.setF32(READ_INPUT, R.IMPORT_ACTIVE_ENERGY, readings.importKWh);
}

/** Loads readings into an ABB B23 register map (scaled integers in holding registers). */
export function loadAbbB23Readings(slave: SimModbusSlave, readings: SimMeterReadings): void {
  const R = ABB_B23_REGISTERS;
  slave.fill(READ_HOLDING, R.ACTIVE_IMPORT_ENERGY, 8);
  slave.fill(READ_HOLDING, R.VOLTAGE_L1_N, R.FREQUENCY + 1 - R.VOLTAGE_L1_N);
  let total = 0;
  for (let phase = 0; phase < 3; phase++) {
    slave.setU32(READ_HOLDING, R.VOLTAGE_L1_N + phase * 2, Math.round((readings.voltageV[phase] ?? 0) * 10));
    slave.setU32(READ_HOLDING, R.CURRENT_L1 + phase * 2, Math.round((readings.currentA[phase] ?? 0) * 100));
    slave.setS32(READ_HOLDING, R.ACTIVE_POWER_L1 + phase * 2, Math.round((readings.powerW[phase] ?? 0) * 100));
    total += readings.powerW[phase] ?? 0;
  }
  slave.setS32(READ_HOLDING, R.ACTIVE_POWER_TOTAL, Math.round(total * 100));
  slave.setU16(READ_HOLDING, R.FREQUENCY, Math.round(readings.frequencyHz * 100));
  slave.setU64(READ_HOLDING, R.ACTIVE_IMPORT_ENERGY, Math.round(readings.importKWh * 100));
}
