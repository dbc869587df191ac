/**
 * ABB B23 (B23 112-100 / 312-100 ...), three-phase DIN-rail meter with RS-485.
 * Datasheet: ABB "B-series meters, Modbus RTU register map" (document
 * 2CMC485003M0201): holding registers (function 0x03), big-endian scaled
 * integers; a value of all ones (u) or the type's max (s) means "not
 * available". Baud rate, parity and address as set on the meter.
 */
import type { EnergyMeter } from "hal/meter";
import { ModbusMeter, QUANTITY, REGISTER_TYPE, type ModbusMeterOptions, type ModbusMeterProfile } from "./modbus-meter";
import { MODBUS_FUNCTION } from "./modbus-rtu";

export const ABB_B23_REGISTERS = Object.freeze({
  ACTIVE_IMPORT_ENERGY: 0x5000, // u64, 0.01 kWh
  ACTIVE_EXPORT_ENERGY: 0x5004, // u64, 0.01 kWh
  VOLTAGE_L1_N: 0x5b00, // u32, 0.1 V
  VOLTAGE_L2_N: 0x5b02,
  VOLTAGE_L3_N: 0x5b04,
  CURRENT_L1: 0x5b0c, // u32, 0.01 A
  CURRENT_L2: 0x5b0e,
  CURRENT_L3: 0x5b10,
  ACTIVE_POWER_TOTAL: 0x5b14, // s32, 0.01 W
  ACTIVE_POWER_L1: 0x5b16,
  ACTIVE_POWER_L2: 0x5b18,
  ACTIVE_POWER_L3: 0x5b1a,
  FREQUENCY: 0x5b2c, // u16, 0.01 Hz
});

export const ABB_B23_SCALE = Object.freeze({
  ENERGY_WH: 10, // 0.01 kWh
  VOLTAGE_V: 0.1,
  CURRENT_A: 0.01,
  POWER_W: 0.01,
  FREQUENCY_HZ: 0.01,
});

const R = ABB_B23_REGISTERS;
const S = ABB_B23_SCALE;
const T = REGISTER_TYPE;
const HOLDING = MODBUS_FUNCTION.READ_HOLDING_REGISTERS;

export const ABB_B23_PROFILE: ModbusMeterProfile = Object.freeze({
  name: "abbB23",
  phases: 3 as const,
  notAvailable: true,
  blocks: Object.freeze([
    Object.freeze({ fn: HOLDING, start: R.ACTIVE_IMPORT_ENERGY, count: 4 }),
    Object.freeze({ fn: HOLDING, start: R.VOLTAGE_L1_N, count: R.FREQUENCY + 1 - R.VOLTAGE_L1_N }),
  ]),
  fields: Object.freeze([
    Object.freeze({ block: 0, register: R.ACTIVE_IMPORT_ENERGY, type: T.U64, scale: S.ENERGY_WH, quantity: QUANTITY.ENERGY_IMPORT_WH }),
    Object.freeze({ block: 1, register: R.VOLTAGE_L1_N, type: T.U32, scale: S.VOLTAGE_V, quantity: QUANTITY.VOLTAGE_L1 }),
    Object.freeze({ block: 1, register: R.VOLTAGE_L2_N, type: T.U32, scale: S.VOLTAGE_V, quantity: QUANTITY.VOLTAGE_L2 }),
    Object.freeze({ block: 1, register: R.VOLTAGE_L3_N, type: T.U32, scale: S.VOLTAGE_V, quantity: QUANTITY.VOLTAGE_L3 }),
    Object.freeze({ block: 1, register: R.CURRENT_L1, type: T.U32, scale: S.CURRENT_A, quantity: QUANTITY.CURRENT_L1 }),
    Object.freeze({ block: 1, register: R.CURRENT_L2, type: T.U32, scale: S.CURRENT_A, quantity: QUANTITY.CURRENT_L2 }),
    Object.freeze({ block: 1, register: R.CURRENT_L3, type: T.U32, scale: S.CURRENT_A, quantity: QUANTITY.CURRENT_L3 }),
    Object.freeze({ block: 1, register: R.ACTIVE_POWER_TOTAL, type: T.S32, scale: S.POWER_W, quantity: QUANTITY.POWER_TOTAL }),
    Object.freeze({ block: 1, register: R.FREQUENCY, type: T.U16, scale: S.FREQUENCY_HZ, quantity: QUANTITY.FREQUENCY }),
  ]),
});

/** An ABB B23 on the given RS-485 port. */
export function createAbbB23(options: ModbusMeterOptions): ModbusMeter & EnergyMeter {
  return new ModbusMeter(ABB_B23_PROFILE, options);
}
