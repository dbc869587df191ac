/**
 * What the loop reports of a connector: its snapshot (status and error code
 * in the values of ports/connector-status, which OCPP sends unchanged),
 * connector events and the fault bits of the loop.
 */
import type { PilotState } from "hal/pilot";
import type { MeterSample } from "hal/meter";
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";

/** Events of one connector, passed to the `onEvent` callback (string constants: no allocation). */
export type ConnectorEvent =
  | "plugged" // EV connected (A -> B/C/D)
  | "unplugged" // EV gone (-> A)
  | "evReady" // EV asks for power (state C or D)
  | "evNotReady" // EV stopped asking (C/D -> B)
  | "relayClosed" // contactor closed: energy offered
  | "relayOpened" // contactor opened
  | "selfTestPassed" // RCD self-test passed
  | "charging" // status became Charging
  | "suspendedEV" // status became SuspendedEV
  | "suspendedEVSE" // status became SuspendedEVSE
  | "faulted" // a fault became active (see snapshot.faults)
  | "faultCleared" // every fault is gone
  | "limitChanged" // offered current changed
  | "locked" // the connector lock confirmed locked (feedback followed the command)
  | "lockFailed" // the lock did not lock within its rated time (half-inserted plug, jam; OCTT TC_024)
  | "statusChanged"; // snapshot.status or snapshot.errorCode changed

/** Every `ConnectorEvent`, indexed by a small integer code (the firmware's event ring stores the code). */
export const CONNECTOR_EVENTS: readonly ConnectorEvent[] = Object.freeze([
  "plugged",
  "unplugged",
  "evReady",
  "evNotReady",
  "relayClosed",
  "relayOpened",
  "selfTestPassed",
  "charging",
  "suspendedEV",
  "suspendedEVSE",
  "faulted",
  "faultCleared",
  "limitChanged",
  "locked",
  "lockFailed",
  "statusChanged",
]);

/**
 * Most events one connector can emit in one tick. Counted from connector.ts:
 * sense: evReady|evNotReady, lockFailed, locked, selfTestPassed, plugged|unplugged, relayOpened (6);
 * actuate: limitChanged, relayOpened (X2->C1) or relayClosed then at most one more open (2),
 * statusChanged + faulted|faultCleared + charging|suspendedEV|suspendedEVSE (3): 12 in all.
 * Rounded up for headroom; a buffer of this many events per connector never overflows in one tick.
 */
export const MAX_EVENTS_PER_TICK = 16;

/** Callback of the loop; runs inside the tick: do not block, do not throw. */
export type ConnectorEventHandler = (connectorId: number, event: ConnectorEvent) => void;

/** Fault bits of `ConnectorSnapshot.faults`. */
export const Fault = Object.freeze({
  /** RCD tripped (latched; retry policy in loop.ts). */
  RcdTrip: 1,
  /** RCD self-test failed (latched; same retry policy). */
  RcdSelfTest: 2,
  /** Contactor welded: permanent until `clearFaults()`. */
  Welded: 4,
  /** Contactor did not close (latched until unplug or `clearFaults()`). */
  ContactorFailedToClose: 8,
  /** EV diode missing (active while seen). */
  Diode: 16,
  /** Pilot state E or out of range (active while seen). */
  Pilot: 32,
  /** Meter offline (reported, does not stop charging). */
  Meter: 64,
  /** Connector lock did not follow: a failed lock latches until unplug, a failed unlock is active while seen. */
  Lock: 128,
  /** Hardware error of a HAL part (pilot ADC, RCD module). */
  Hardware: 256,
  /**
   * Over-temperature at or above `tempTripC`, or the temperature sensor unreadable while charging:
   * latched until a valid reading below `tempResetC` (hysteresis); `clearFaults()` does not clear it.
   */
  Temperature: 512,
} as const);

/** Faults that open the contactor and make the connector Faulted. */
export const BLOCKING_FAULTS =
  Fault.RcdTrip |
  Fault.RcdSelfTest |
  Fault.Welded |
  Fault.ContactorFailedToClose |
  Fault.Diode |
  Fault.Pilot |
  Fault.Lock |
  Fault.Hardware |
  Fault.Temperature;

/** Read-only view of one connector, updated in place every tick. */
export interface ConnectorSnapshot {
  /** OCPP connector id (1-based). */
  readonly connectorId: number;
  /** Debounced pilot state. */
  readonly pilotState: PilotState;
  /** EV connected (debounced pilot B, C or D). */
  readonly plugged: boolean;
  /** Contactor commanded closed. */
  readonly relayClosed: boolean;
  /** Current offered with the PWM (A); 0 when PWM is off. */
  readonly offeredA: number;
  /** Highest phase current measured (A). */
  readonly drawnA: number;
  /** Energy import register (Wh). */
  readonly energyWh: number;
  /** The newest meter reading. */
  readonly meter: MeterSample;
  /** OCPP status. */
  readonly status: ConnectorStatus;
  /** OCPP error code (NoError when none). */
  readonly errorCode: ConnectorErrorCode;
  /** Active fault bits (see `Fault`). */
  readonly faults: number;
  /** The RCD self-test passed in this session (since plug-in). */
  readonly selfTested: boolean;
  /** Limit the loop applies (A): min of OCPP, balancing, cable, board and temperature derating. */
  readonly limitA: number;
  /** Connector temperature (°C); NaN without a sensor or while the sensor reads invalid values. */
  readonly temperatureC: number;
  /** Cap from temperature derating (A); Infinity below `tempDerateStartC` or without a sensor. */
  readonly temperatureCapA: number;
}
