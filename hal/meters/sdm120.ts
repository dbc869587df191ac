/**
 * Eastron SDM120-Modbus, single-phase DIN-rail meter on RS-485.
 * Datasheet: "Eastron SDM120 Modbus Protocol" (eastrongroup.com), input
 * registers (function 0x04), IEEE-754 floats, high word first; same
 * addresses as the SDM630's phase 1. Baud rate as set on the meter, 8N1, address 1 by default.
 */
import type { EnergyMeter } from "hal/meter";
import { ModbusMeter, QUANTITY, REGISTER_TYPE, type ModbusMeterOptions, type ModbusMeterProfile } from "./modbus-meter";
import { MODBUS_FUNCTION } from "./modbus-rtu";

export const SDM120_REGISTERS = Object.freeze({
  VOLTAGE: 0x0000, // V
  CURRENT: 0x0006, // A
  ACTIVE_POWER: 0x000c, // W
  APPARENT_POWER: 0x0012, // VA
  POWER_FACTOR: 0x001e,
  FREQUENCY: 0x0046, // Hz
  IMPORT_ACTIVE_ENERGY: 0x0048, // kWh
  EXPORT_ACTIVE_ENERGY: 0x004a, // kWh
  TOTAL_ACTIVE_ENERGY: 0x0156, // kWh
});

const R = SDM120_REGISTERS;
const F32 = REGISTER_TYPE.F32;
const INPUT = MODBUS_FUNCTION.READ_INPUT_REGISTERS;

export const SDM120_PROFILE: ModbusMeterProfile = Object.freeze({
  name: "sdm120",
  phases: 1 as const,
  // Two short reads instead of one over the gap (older SDM120 firmware rejects long reads).
  blocks: Object.freeze([
    Object.freeze({ fn: INPUT, start: R.VOLTAGE, count: R.ACTIVE_POWER + 2 - R.VOLTAGE }),
    Object.freeze({ fn: INPUT, start: R.FREQUENCY, count: R.IMPORT_ACTIVE_ENERGY + 2 - R.FREQUENCY }),
  ]),
  fields: Object.freeze([
    Object.freeze({ block: 0, register: R.VOLTAGE, type: F32, scale: 1, quantity: QUANTITY.VOLTAGE_L1 }),
    Object.freeze({ block: 0, register: R.CURRENT, type: F32, scale: 1, quantity: QUANTITY.CURRENT_L1 }),
    Object.freeze({ block: 0, register: R.ACTIVE_POWER, type: F32, scale: 1, quantity: QUANTITY.POWER_TOTAL }),
    Object.freeze({ block: 1, register: R.FREQUENCY, type: F32, scale: 1, quantity: QUANTITY.FREQUENCY }),
    Object.freeze({ block: 1, register: R.IMPORT_ACTIVE_ENERGY, type: F32, scale: 1000, quantity: QUANTITY.ENERGY_IMPORT_WH }),
  ]),
});

/** An SDM120 on the given RS-485 port. */
export function createSdm120(options: ModbusMeterOptions): ModbusMeter & EnergyMeter {
  return new ModbusMeter(SDM120_PROFILE, options);
}
