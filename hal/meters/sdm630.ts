/**
 * Eastron SDM630 (Modbus V2), three-phase DIN-rail meter on RS-485.
 * Datasheet: "Eastron SDM630 Modbus Protocol" (eastrongroup.com), input
 * registers (function 0x04), every value an IEEE-754 float in two registers,
 * high word first. Baud rate and parity as set on the meter (8N1 by default), slave
 * address 1; at most 80 registers per request.
 */
import type { EnergyMeter } from "hal/meter";
import { ModbusMeter, QUANTITY, REGISTER_TYPE, type ModbusMeterOptions, type ModbusMeterProfile } from "./modbus-meter";
import { MODBUS_FUNCTION } from "./modbus-rtu";

/** Input register addresses (0-based protocol addresses; 3xxxx = address + 30001). */
export const SDM630_REGISTERS = Object.freeze({
  PHASE_1_VOLTAGE: 0x0000, // V
  PHASE_2_VOLTAGE: 0x0002,
  PHASE_3_VOLTAGE: 0x0004,
  PHASE_1_CURRENT: 0x0006, // A
  PHASE_2_CURRENT: 0x0008,
  PHASE_3_CURRENT: 0x000a,
  PHASE_1_POWER: 0x000c, // W
  PHASE_2_POWER: 0x000e,
  PHASE_3_POWER: 0x0010,
  TOTAL_SYSTEM_POWER: 0x0034, // W
  FREQUENCY: 0x0046, // Hz
  IMPORT_ACTIVE_ENERGY: 0x0048, // kWh
  EXPORT_ACTIVE_ENERGY: 0x004a, // kWh
  TOTAL_ACTIVE_ENERGY: 0x0156, // kWh
});

const R = SDM630_REGISTERS;
const F32 = REGISTER_TYPE.F32;
const KWH_TO_WH = 1000;

export const SDM630_PROFILE: ModbusMeterProfile = Object.freeze({
  name: "sdm630",
  phases: 3 as const,
  // One read from phase 1 voltage through import energy: 74 registers.
  blocks: Object.freeze([
    Object.freeze({
      fn: MODBUS_FUNCTION.READ_INPUT_REGISTERS,
      start: R.PHASE_1_VOLTAGE,
      count: R.IMPORT_ACTIVE_ENERGY + 2 - R.PHASE_1_VOLTAGE,
    }),
  ]),
  fields: Object.freeze([
    Object.freeze({ block: 0, register: R.PHASE_1_VOLTAGE, type: F32, scale: 1, quantity: QUANTITY.VOLTAGE_L1 }),
    Object.freeze({ block: 0, register: R.PHASE_2_VOLTAGE, type: F32, scale: 1, quantity: QUANTITY.VOLTAGE_L2 }),
    Object.freeze({ block: 0, register: R.PHASE_3_VOLTAGE, type: F32, scale: 1, quantity: QUANTITY.VOLTAGE_L3 }),
    Object.freeze({ block: 0, register: R.PHASE_1_CURRENT, type: F32, scale: 1, quantity: QUANTITY.CURRENT_L1 }),
    Object.freeze({ block: 0, register: R.PHASE_2_CURRENT, type: F32, scale: 1, quantity: QUANTITY.CURRENT_L2 }),
    Object.freeze({ block: 0, register: R.PHASE_3_CURRENT, type: F32, scale: 1, quantity: QUANTITY.CURRENT_L3 }),
    Object.freeze({ block: 0, register: R.TOTAL_SYSTEM_POWER, type: F32, scale: 1, quantity: QUANTITY.POWER_TOTAL }),
    Object.freeze({ block: 0, register: R.FREQUENCY, type: F32, scale: 1, quantity: QUANTITY.FREQUENCY }),
    Object.freeze({ block: 0, register: R.IMPORT_ACTIVE_ENERGY, type: F32, scale: KWH_TO_WH, quantity: QUANTITY.ENERGY_IMPORT_WH }),
  ]),
});

/** An SDM630 on the given RS-485 port. */
export function createSdm630(options: ModbusMeterOptions): ModbusMeter & EnergyMeter {
  return new ModbusMeter(SDM630_PROFILE, options);
}
