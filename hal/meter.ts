/**
 * Energy-meter boundary: what the control loop and OCPP see of a meter.
 *
 * Modelled on EVerest's `interfaces/powermeter.yaml`: commands as methods,
 * published values as fields of a caller-owned sample. Drivers live in
 * `hal/meters/*` (metering chips on SPI/I2C/UART and Modbus RTU meters).
 */

/** One reading of a meter; preallocate with `createMeterSample()` and reuse. */
export interface MeterSample {
  /** Energy.Active.Import.Register in Wh; never decreases, survives reboot. */
  energyImportWh: number;
  /** Power.Active.Import in W (sum of phases). */
  powerW: number;
  /** Voltage per phase L1..L3 in V (unused phases 0). Length 3. */
  voltageV: Float64Array;
  /** Current per phase L1..L3 in A (unused phases 0). Length 3. */
  currentA: Float64Array;
  /** Mains frequency in Hz (0 when the meter does not report it). */
  frequencyHz: number;
  /** False when the meter did not answer (offline). */
  ok: boolean;
  /** Monotonic ms at which the reading was completed. */
  atMs: number;
}

/** A zeroed sample with its per-phase arrays allocated once. */
export function createMeterSample(): MeterSample {
  return {
    energyImportWh: 0,
    powerW: 0,
    voltageV: new Float64Array(3),
    currentA: new Float64Array(3),
    frequencyHz: 0,
    ok: false,
    atMs: 0,
  };
}

/** Copies every field of `from` into `into` without allocating. */
export function copyMeterSample(from: MeterSample, into: MeterSample): void {
  into.energyImportWh = from.energyImportWh;
  into.powerW = from.powerW;
  into.voltageV[0] = from.voltageV[0];
  into.voltageV[1] = from.voltageV[1];
  into.voltageV[2] = from.voltageV[2];
  into.currentA[0] = from.currentA[0];
  into.currentA[1] = from.currentA[1];
  into.currentA[2] = from.currentA[2];
  into.frequencyHz = from.frequencyHz;
  into.ok = from.ok;
  into.atMs = from.atMs;
}

/** Errors a meter driver reports through its `onError` callback. */
export type MeterError =
  | "timeout" // no (complete) answer within the request timeout
  | "crc" // frame or checksum mismatch
  | "exception" // Modbus exception response
  | "bad-frame" // wrong length, address or function in an answer
  | "offline" // retry budget exhausted: sample().ok is false
  | "bus" // the bus threw
  | "persist"; // the energy register could not be written to NVS

/** Called by drivers instead of throwing from their poll. */
export type MeterErrorHandler = (error: MeterError, detail: string) => void;

export interface EnergyMeter {
  /** Number of phases the meter measures. */
  readonly phases: 1 | 3;
  /** Advances the driver (starts/finishes bus transactions); allocates nothing. */
  poll(nowMs: number): void;
  /** Copies the newest reading into a caller-owned sample; false if none/offline. */
  sample(into: MeterSample): boolean;
  /** Releases the bus and persists the energy register. */
  close(): void;
}
