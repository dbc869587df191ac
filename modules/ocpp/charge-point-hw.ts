/**
 * What the OCPP engine needs from the charger's connectors (the control
 * loop, issue 3) and from the system. The lead adapts the real control loop
 * to this; tests use a fake. Connector ids are 1..count.
 */
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";

/** One meter reading, filled in place by `readMeter` (no allocation per sample). */
export interface ConnectorMeterSample {
  /** Import energy register in Wh (monotonic, not rebased per transaction). */
  energyImportWh: number;
  powerW: number;
  /** Per phase L1..L3. */
  voltageV: [number, number, number];
  currentA: [number, number, number];
  frequencyHz: number;
  /** Connector temperature in °C (sent as measurand Temperature); NaN without a sensor. */
  temperatureC: number;
  /** False when the meter could not be read. */
  ok: boolean;
}

export function newMeterSample(): ConnectorMeterSample {
  return { energyImportWh: 0, powerW: 0, voltageV: [0, 0, 0], currentA: [0, 0, 0], frequencyHz: 0, temperatureC: NaN, ok: false };
}

export type UnlockResult = "Unlocked" | "UnlockFailed" | "NotSupported";

/** Events a connector reports to the OCPP engine. */
export interface ConnectorEvents {
  /** The EV cable was plugged in (state B or C reached). */
  onPlugged(connectorId: number): void;
  /** The EV side was unplugged (back to state A). */
  onUnplugged(connectorId: number): void;
  /** The OCPP status or error code changed. */
  onStatusChanged(connectorId: number, status: ConnectorStatus, errorCode: ConnectorErrorCode, info?: string): void;
  /** The EV stopped or resumed drawing while allowed to (SuspendedEV <-> Charging). */
  onEvSuspended?(connectorId: number, suspended: boolean): void;
  /** A connector-lock failure while starting (OCTT TC_024). */
  onLockFailure?(connectorId: number): void;
  /** The connector lock confirmed locked (only from connectors with `hasLock`). */
  onLocked?(connectorId: number): void;
}

export interface ChargePointConnector {
  readonly id: number;
  /** True while an EV cable is plugged in. */
  plugged(): boolean;
  status(): ConnectorStatus;
  errorCode(): ConnectorErrorCode;
  /** Fills `into` with the latest meter values; returns it. */
  readMeter(into: ConnectorMeterSample): ConnectorMeterSample;
  /** Current offered to the EV in A (per phase). */
  offeredA(): number;
  /** Fixed cable (no lock to unlock). */
  readonly fixedCable: boolean;
  /**
   * A lock with feedback: StartTransaction waits for `onLocked` after the
   * permission is given, and `onLockFailure` abandons the start (TC_024).
   */
  readonly hasLock?: boolean;
  /** Allow (true) or withhold (false) energy: a user is authorized / a transaction runs. */
  setPermission(allowed: boolean): void;
  /**
   * The transaction (permission) goes on but no energy flows: PWM off,
   * contactor open, status SuspendedEVSE (invalid id with
   * StopTransactionOnInvalidId false, OCTT TC_037_2). Cleared by the next
   * setPermission change.
   */
  setEnergyWithheld(withheld: boolean): void;
  /** Operative (true) or Inoperative (false) per ChangeAvailability. */
  setAvailable(available: boolean): void;
  /** Held by a reservation. */
  setReserved(reserved: boolean): void;
  /** Upper current limit from smart charging in A per phase; undefined = no OCPP limit. */
  setOcppLimitA(limitA: number | undefined): void;
  /** Tries to release the cable lock. */
  unlock(): UnlockResult | Promise<UnlockResult>;
}

export interface ChargePointHardware {
  readonly connectors: readonly ChargePointConnector[];
  /** Subscribes the engine to connector events (called once). */
  subscribe(events: ConnectorEvents): void;
  /** Restarts the charger (hard: whole hardware; soft: the application). */
  reboot(hard: boolean): void;
}
