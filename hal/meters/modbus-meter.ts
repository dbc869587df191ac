/**
 * Energy meter on Modbus RTU (RS-485), driven by a register profile
 * (`hal/meters/sdm630`, `sdm120`, `abb-b23`). One cycle reads the profile's
 * blocks in turn; each request has a timeout and a retry budget; when the
 * budget is spent the meter is offline (`sample().ok === false`) and is
 * asked again every `offlineRetryMs`. Driven by `poll(nowMs)` only.
 */
import type { SerialBus } from "hal/bus";
import type { KeyValueStore } from "ports/kv";
import { copyMeterSample, createMeterSample, type EnergyMeter, type MeterErrorHandler, type MeterSample } from "hal/meter";
import { EnergyRegister } from "./energy-register";
import { MODBUS_STATUS, ModbusRtuMaster } from "./modbus-rtu";

/** How a register value is encoded. */
export const REGISTER_TYPE = Object.freeze({ F32: 0, U16: 1, S16: 2, U32: 3, S32: 4, U64: 5 });
export type RegisterType = (typeof REGISTER_TYPE)[keyof typeof REGISTER_TYPE];

/** Which sample field a register feeds. Energy is in Wh after scaling. */
export const QUANTITY = Object.freeze({
  VOLTAGE_L1: 0,
  VOLTAGE_L2: 1,
  VOLTAGE_L3: 2,
  CURRENT_L1: 3,
  CURRENT_L2: 4,
  CURRENT_L3: 5,
  POWER_L1: 6,
  POWER_L2: 7,
  POWER_L3: 8,
  POWER_TOTAL: 9,
  FREQUENCY: 10,
  ENERGY_IMPORT_WH: 11,
});
export type Quantity = (typeof QUANTITY)[keyof typeof QUANTITY];

export interface ModbusReadBlock {
  /** 0x03 holding or 0x04 input registers. */
  readonly fn: number;
  readonly start: number;
  readonly count: number;
}

export interface ModbusField {
  /** Index into the profile's blocks. */
  readonly block: number;
  /** Absolute register address (inside the block). */
  readonly register: number;
  readonly type: RegisterType;
  /** Multiplier from the raw value to the unit of the quantity (V, A, W, Hz, Wh). */
  readonly scale: number;
  readonly quantity: Quantity;
}

export interface ModbusMeterProfile {
  readonly name: string;
  readonly phases: 1 | 3;
  readonly blocks: readonly ModbusReadBlock[];
  readonly fields: readonly ModbusField[];
  /** Raw values the meter uses for "not available" (ABB), by register type. */
  readonly notAvailable?: boolean;
}

export interface ModbusMeterOptions {
  /** The RS-485 port (8N1 or as configured on the meter; baud is the adapter's). */
  serial: SerialBus;
  /** Slave address, 1..247. Default 1. */
  address?: number;
  /** Persistence of the import register. */
  kv: KeyValueStore;
  /** Key prefix in NVS (1..13 chars); default the profile name. */
  key?: string;
  /** Time between reading cycles; default 1000 ms. */
  intervalMs?: number;
  /** Time to wait for each answer; default 300 ms. */
  timeoutMs?: number;
  /** Extra attempts per request before going offline; default 2. */
  retries?: number;
  /** Cycle interval while offline; default 5000 ms. */
  offlineRetryMs?: number;
  /** Silence between an answer and the next request (≥ 3.5 characters); default 5 ms. */
  gapMs?: number;
  persistEveryWh?: number;
  persistEveryMs?: number;
  onError?: MeterErrorHandler;
}

const NOT_AVAILABLE_U16 = 0xffff;
const NOT_AVAILABLE_S16 = 0x7fff;
const NOT_AVAILABLE_U32 = 0xffffffff;
const NOT_AVAILABLE_S32 = 0x7fffffff;
const NOT_AVAILABLE_U64 = 0xffffffff * 4294967296 + 0xffffffff;

export class ModbusMeter implements EnergyMeter {
  readonly phases: 1 | 3;
  readonly profile: ModbusMeterProfile;
  #master: ModbusRtuMaster;
  #serial: SerialBus;
  #address: number;
  #intervalMs: number;
  #timeoutMs: number;
  #retries: number;
  #offlineRetryMs: number;
  #gapMs: number;
  #onError: MeterErrorHandler | undefined;
  #energy: EnergyRegister;
  #hasTotalPower: boolean;
  #work = createMeterSample();
  #current = createMeterSample();
  #haveReading = false;
  #online = true;
  #busy = false;
  #block = 0;
  #attempt = 0;
  #nextMs = 0;
  #cycleStartMs = 0;
  #energyWh = -1;
  #phasePower = new Float64Array(3);
  #resumeBlock = false;
  #closed = false;
  /** Completed cycles and failed requests, for diagnostics. */
  readings = 0;
  failures = 0;

  constructor(profile: ModbusMeterProfile, options: ModbusMeterOptions) {
    this.profile = profile;
    this.phases = profile.phases;
    this.#serial = options.serial;
    this.#master = new ModbusRtuMaster(options.serial);
    this.#address = options.address ?? 1;
    if (!(this.#address >= 1 && this.#address <= 247)) throw new RangeError("modbus address must be 1..247");
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#timeoutMs = options.timeoutMs ?? 300;
    this.#retries = options.retries ?? 2;
    this.#offlineRetryMs = options.offlineRetryMs ?? 5000;
    this.#gapMs = options.gapMs ?? 5;
    this.#onError = options.onError;
    this.#energy = new EnergyRegister({
      kv: options.kv,
      key: options.key ?? profile.name,
      persistEveryWh: options.persistEveryWh,
      persistEveryMs: options.persistEveryMs,
      onError: options.onError,
    });
    let total = false;
    for (let i = 0; i < profile.fields.length; i++) if (profile.fields[i].quantity === QUANTITY.POWER_TOTAL) total = true;
    this.#hasTotalPower = total;
    this.#current.energyImportWh = this.#energy.wh;
  }

  /** True while the last cycle succeeded (or none failed yet). */
  get online(): boolean {
    return this.#online;
  }

  poll(nowMs: number): void {
    if (this.#closed) return;
    if (this.#busy) {
      const status = this.#master.poll(nowMs);
      if (status === MODBUS_STATUS.PENDING) return;
      if (status === MODBUS_STATUS.OK) this.#blockDone(nowMs);
      else this.#requestFailed(status, nowMs);
      return;
    }
    if (nowMs < this.#nextMs) return;
    if (this.#resumeBlock) {
      // Next block of the cycle, or a retry, after the inter-frame gap.
      this.#resumeBlock = false;
      this.#send(nowMs);
      return;
    }
    {
      this.#cycleStartMs = nowMs;
      this.#block = 0;
      this.#attempt = 0;
      this.#energyWh = -1;
      this.#send(nowMs);
    }
  }

  sample(into: MeterSample): boolean {
    if (!this.#haveReading && this.#online) {
      into.ok = false;
      into.energyImportWh = this.#energy.wh;
      return false;
    }
    copyMeterSample(this.#current, into);
    return into.ok;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#energy.persist(this.#current.atMs);
    this.#serial.close();
  }

  #send(nowMs: number): void {
    const block = this.profile.blocks[this.#block];
    try {
      this.#master.request(this.#address, block.fn, block.start, block.count, this.#timeoutMs, nowMs);
      this.#busy = true;
    } catch (error) {
      this.#busy = false;
      this.#onError?.("bus", error instanceof Error ? error.message : String(error));
      this.#requestFailed(MODBUS_STATUS.IDLE, nowMs);
    }
  }

  #blockDone(nowMs: number): void {
    this.#busy = false;
    this.#decodeBlock(this.#block);
    this.#block++;
    this.#attempt = 0;
    if (this.#block < this.profile.blocks.length) {
      this.#continueAt(nowMs);
      return;
    }
    // Cycle complete.
    const work = this.#work;
    if (!this.#hasTotalPower) {
      let sum = 0;
      for (let phase = 0; phase < this.phases; phase++) sum += this.#phasePower[phase];
      work.powerW = sum;
    }
    if (this.#energyWh >= 0) this.#energy.setCounterWh(this.#energyWh, nowMs);
    work.energyImportWh = this.#energy.wh;
    work.ok = true;
    work.atMs = nowMs;
    copyMeterSample(work, this.#current);
    this.#haveReading = true;
    this.#online = true;
    this.readings++;
    this.#nextMs = Math.max(this.#cycleStartMs + this.#intervalMs, nowMs + this.#gapMs);
  }

  #continueAt(nowMs: number): void {
    this.#busy = false;
    this.#nextMs = nowMs + this.#gapMs;
    this.#resumeBlock = true;
  }

  #requestFailed(status: number, nowMs: number): void {
    this.#busy = false;
    this.failures++;
    if (status === MODBUS_STATUS.TIMEOUT) this.#onError?.("timeout", this.profile.name);
    else if (status === MODBUS_STATUS.CRC) this.#onError?.("crc", this.profile.name);
    else if (status === MODBUS_STATUS.EXCEPTION) this.#onError?.("exception", this.profile.name);
    else if (status === MODBUS_STATUS.BAD_FRAME) this.#onError?.("bad-frame", this.profile.name);
    this.#attempt++;
    if (this.#attempt <= this.#retries) {
      this.#continueAt(nowMs);
      return;
    }
    // Retry budget spent: offline until a whole cycle succeeds again.
    this.#resumeBlock = false;
    if (this.#online) {
      this.#online = false;
      this.#onError?.("offline", this.profile.name);
    }
    this.#current.ok = false;
    this.#nextMs = nowMs + this.#offlineRetryMs;
  }

  #decodeBlock(blockIndex: number): void {
    const fields = this.profile.fields;
    const blockStart = this.profile.blocks[blockIndex].start;
    const master = this.#master;
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      if (field.block !== blockIndex) continue;
      const index = field.register - blockStart;
      let raw: number;
      let missing = false;
      switch (field.type) {
        case REGISTER_TYPE.F32:
          raw = master.f32(index);
          break;
        case REGISTER_TYPE.U16:
          raw = master.u16(index);
          missing = raw === NOT_AVAILABLE_U16;
          break;
        case REGISTER_TYPE.S16:
          raw = master.s16(index);
          missing = raw === NOT_AVAILABLE_S16;
          break;
        case REGISTER_TYPE.U32:
          raw = master.u32(index);
          missing = raw === NOT_AVAILABLE_U32;
          break;
        case REGISTER_TYPE.S32:
          raw = master.s32(index);
          missing = raw === NOT_AVAILABLE_S32;
          break;
        default:
          raw = master.u64(index);
          missing = raw >= NOT_AVAILABLE_U64;
          break;
      }
      let value = raw * field.scale;
      if (!this.profile.notAvailable) missing = false;
      if (missing || !Number.isFinite(value)) value = Number.NaN;
      this.#store(field.quantity, value);
    }
  }

  #store(quantity: Quantity, value: number): void {
    const work = this.#work;
    const known = value === value; // not NaN
    switch (quantity) {
      case QUANTITY.VOLTAGE_L1:
      case QUANTITY.VOLTAGE_L2:
      case QUANTITY.VOLTAGE_L3:
        work.voltageV[quantity - QUANTITY.VOLTAGE_L1] = known ? value : 0;
        break;
      case QUANTITY.CURRENT_L1:
      case QUANTITY.CURRENT_L2:
      case QUANTITY.CURRENT_L3:
        work.currentA[quantity - QUANTITY.CURRENT_L1] = known ? value : 0;
        break;
      case QUANTITY.POWER_L1:
      case QUANTITY.POWER_L2:
      case QUANTITY.POWER_L3:
        this.#phasePower[quantity - QUANTITY.POWER_L1] = known ? value : 0;
        break;
      case QUANTITY.POWER_TOTAL:
        work.powerW = known ? value : 0;
        break;
      case QUANTITY.FREQUENCY:
        work.frequencyHz = known ? value : 0;
        break;
      default:
        // Energy: an unavailable register leaves the total where it is.
        if (known) this.#energyWh = value;
        break;
    }
  }
}
