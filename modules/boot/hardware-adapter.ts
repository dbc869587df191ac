/**
 * The control loop's connectors as the OCPP charge point sees them
 * (`ChargePointHardware`): status, error code and meter copied from each
 * connector's in-place snapshot, the connector temperature with the meter
 * (no allocation per reading), the loop's
 * events mapped to `ConnectorEvents`, reboot delegated to the platform.
 *
 * The OCPP key UnlockConnectorOnEVSideDisconnect reaches every connector
 * when it changes (`followUnlockKey`): the tick reads a plain boolean.
 *
 * UnlockConnector answers from the lock's feedback [OCTT TC_030]: the
 * connector releases the lock (after opening the contactor), and the
 * after-tick hook reads the lock HAL until it reads unlocked (Unlocked) or
 * the driver reports "unlock-failed", e.g. a jammed motor (UnlockFailed).
 *
 * The loop is built after this adapter (its event callback is `handleEvent`),
 * so `attach(loop)` completes it before the charge point starts.
 *
 * Events leave the safety tick through a preallocated ring: `handleEvent`
 * (inside the tick) only stores small integers (connector id, event code,
 * and for statusChanged the status and error code of that moment); the
 * loop's after-tick hook (`drainEvents`, run by the LoopDriver once the tick
 * has returned) delivers them in order to the OCPP side, whose work
 * (StatusNotification, journal writes to flash, reservations) thus never
 * runs in, delays or throws into the tick. The ring holds the worst case of
 * one tick for every connector; if it were ever full, further events are
 * dropped and counted (`eventOverflows`, reported to `onEventOverflow`).
 */
import { CONNECTOR_ERROR_CODES, CONNECTOR_STATUSES, type ConnectorErrorCode, type ConnectorStatus } from "ports/connector-status";
import type { Board } from "hal/board-description";
import { createLockSample, type ConnectorLock } from "hal/lock";
import type { Connector } from "connector/connector";
import type { ControlLoop } from "connector/loop";
import { CONNECTOR_EVENTS, MAX_EVENTS_PER_TICK, type ConnectorEvent } from "connector/types";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import type { ChargePointConnector, ChargePointHardware, ConnectorEvents, ConnectorMeterSample, UnlockResult } from "ocpp/charge-point-hw";

/** Event codes the OCPP side acts on (indexes into CONNECTOR_EVENTS). */
const EVENT_PLUGGED = CONNECTOR_EVENTS.indexOf("plugged");
const EVENT_UNPLUGGED = CONNECTOR_EVENTS.indexOf("unplugged");
const EVENT_STATUS = CONNECTOR_EVENTS.indexOf("statusChanged");
const EVENT_LOCKED = CONNECTOR_EVENTS.indexOf("locked");
const EVENT_LOCK_FAILED = CONNECTOR_EVENTS.indexOf("lockFailed");
const EVENT_SUSPENDED_EV = CONNECTOR_EVENTS.indexOf("suspendedEV");
const EVENT_CHARGING = CONNECTOR_EVENTS.indexOf("charging");
/** Most after-tick checks an UnlockConnector waits for the lock (a guard: the driver times out first). */
const UNLOCK_WAIT_CHECKS = 3000;

/** Told when the OCPP side grants or withdraws permission on a connector (transaction start and end). */
export type PermissionListener = (connectorId: number, permitted: boolean) => void;

class LoopConnector implements ChargePointConnector {
  readonly id: number;
  readonly fixedCable: boolean;
  /** A board lock with feedback: the charge point waits for "locked" before StartTransaction. */
  readonly hasLock: boolean;
  #connector: Connector | undefined;
  readonly #owner: LoopHardware;
  /** The lock HAL (null: tethered cable), read only outside the tick to answer UnlockConnector. */
  readonly lock: ConnectorLock | null;

  constructor(owner: LoopHardware, id: number, lock: ConnectorLock | null) {
    this.#owner = owner;
    this.id = id;
    this.lock = lock;
    this.fixedCable = lock === null;
    this.hasLock = lock !== null;
  }

  attach(connector: Connector): void {
    this.#connector = connector;
  }

  get connector(): Connector {
    const connector = this.#connector;
    if (!connector) throw new Error(`connector ${this.id} used before the control loop was attached`);
    return connector;
  }

  plugged(): boolean {
    return this.connector.snapshot.plugged;
  }
  status(): ConnectorStatus {
    return this.connector.snapshot.status;
  }
  errorCode(): ConnectorErrorCode {
    return this.connector.snapshot.errorCode;
  }
  readMeter(into: ConnectorMeterSample): ConnectorMeterSample {
    const meter = this.connector.snapshot.meter;
    into.energyImportWh = meter.energyImportWh;
    into.powerW = meter.powerW;
    into.frequencyHz = meter.frequencyHz;
    into.temperatureC = this.connector.snapshot.temperatureC;
    into.ok = meter.ok;
    for (let i = 0; i < 3; i++) {
      into.voltageV[i] = meter.voltageV[i];
      into.currentA[i] = meter.currentA[i];
    }
    return into;
  }
  offeredA(): number {
    return this.connector.snapshot.offeredA;
  }
  setPermission(allowed: boolean): void {
    this.connector.setPermission(allowed);
    this.#owner.permissionChanged(this.id, allowed);
  }
  setEnergyWithheld(withheld: boolean): void {
    this.connector.setEnergyWithheld(withheld);
  }
  setAvailable(available: boolean): void {
    this.connector.setAvailable(available);
  }
  setReserved(reserved: boolean): void {
    this.connector.setReserved(reserved);
  }
  setOcppLimitA(limitA: number | undefined): void {
    this.connector.setOcppLimitA(limitA === undefined ? Infinity : limitA);
  }
  setUnlockOnEvSideDisconnect(unlock: boolean): void {
    this.connector.setUnlockOnEvSideDisconnect(unlock);
  }
  unlock(): UnlockResult | Promise<UnlockResult> {
    if (this.fixedCable) return "NotSupported";
    if (!this.connector.unlock()) return "UnlockFailed";
    return this.#owner.unlockOutcome(this.id);
  }
}

export class LoopHardware implements ChargePointHardware {
  readonly connectors: readonly ChargePointConnector[];
  readonly #list: LoopConnector[];
  readonly #reboot: (hard: boolean) => void;
  #events: ConnectorEvents | undefined;
  #permissionListener: PermissionListener | undefined;
  #statusListener: ((connectorId: number) => void) | undefined;
  /** Errors thrown by the OCPP side while handling a loop event (caught in the drain, outside the tick). */
  eventErrors = 0;
  lastEventError: unknown;
  /** Events dropped because the ring was full (never expected: it holds one worst-case tick). */
  eventOverflows = 0;
  /** Ring capacity: `MAX_EVENTS_PER_TICK` per connector. */
  readonly eventCapacity: number;
  readonly #ringConnector: Uint8Array;
  readonly #ringEvent: Uint8Array;
  readonly #ringStatus: Uint8Array;
  readonly #ringError: Uint8Array;
  #ringHead = 0;
  #ringCount = 0;
  #overflowsReported = 0;
  #overflowListener: ((dropped: number) => void) | undefined;
  #loop: ControlLoop | undefined;
  /** Waiting for the loop to have sensed its inputs (`whenSensed`). */
  #sensedListener: (() => void) | undefined;
  #sensingMs = 0;
  #firstTickMs = -1;
  /** UnlockConnector answers waiting for the lock's feedback, by connector index. */
  readonly #unlockWaits: Array<{ resolvers: Array<(result: UnlockResult) => void>; checksLeft: number } | undefined> = [];
  #unlockWaitCount = 0;
  readonly #lockSample = createLockSample();

  constructor(board: Board, reboot: (hard: boolean) => void) {
    const list: LoopConnector[] = [];
    for (let i = 0; i < board.connectors.length; i++) {
      list.push(new LoopConnector(this, i + 1, board.connectors[i].hal.lock));
    }
    this.#list = list;
    this.connectors = list;
    this.#reboot = reboot;
    const capacity = MAX_EVENTS_PER_TICK * list.length;
    this.eventCapacity = capacity;
    this.#ringConnector = new Uint8Array(capacity);
    this.#ringEvent = new Uint8Array(capacity);
    this.#ringStatus = new Uint8Array(capacity);
    this.#ringError = new Uint8Array(capacity);
  }

  /** Completes the adapter with the loop built over the same board; the loop drains the ring after every tick. */
  attach(loop: ControlLoop): void {
    for (let i = 0; i < this.#list.length; i++) this.#list[i].attach(loop.connector(i + 1));
    this.#loop = loop;
    loop.setAfterTick(this.drainEvents);
  }

  /**
   * Calls `done` once, outside the tick and after that tick's events were
   * delivered, when the loop has sensed its inputs for `sensingMs` (at least
   * the pilot debounce): statuses built after it come from the board, not from
   * the connectors' state before the first tick (issue 10: an EV plugged in
   * across a reboot is Preparing first, an Inoperative connector Unavailable).
   */
  whenSensed(sensingMs: number, done: () => void): void {
    this.#sensingMs = sensingMs;
    this.#sensedListener = done;
  }

  /** The outcome of an unlock just requested on the connector, from the lock's feedback (checked after each tick). */
  unlockOutcome(connectorId: number): Promise<UnlockResult> {
    return new Promise<UnlockResult>((resolve) => {
      const index = connectorId - 1;
      const wait = this.#unlockWaits[index];
      if (wait) {
        wait.resolvers.push(resolve);
        wait.checksLeft = UNLOCK_WAIT_CHECKS;
        return;
      }
      this.#unlockWaits[index] = { resolvers: [resolve], checksLeft: UNLOCK_WAIT_CHECKS };
      this.#unlockWaitCount++;
    });
  }

  #checkUnlocks(): void {
    for (let index = 0; index < this.#unlockWaits.length; index++) {
      const wait = this.#unlockWaits[index];
      const lock = this.#list[index]?.lock;
      if (!wait || !lock) continue;
      const sample = this.#lockSample;
      lock.read(sample);
      let result: UnlockResult | undefined;
      if (!sample.commandedLocked && !sample.locked) result = "Unlocked";
      else if (sample.error === "unlock-failed" || --wait.checksLeft <= 0) result = "UnlockFailed";
      if (result === undefined) continue;
      this.#unlockWaits[index] = undefined;
      this.#unlockWaitCount--;
      for (let i = 0; i < wait.resolvers.length; i++) wait.resolvers[i](result);
    }
  }

  /** Events recorded and not yet delivered. */
  get eventsPending(): number {
    return this.#ringCount;
  }

  /** Told (outside the tick) with the total number of dropped events whenever it grew. */
  onEventOverflow(listener: (dropped: number) => void): void {
    this.#overflowListener = listener;
  }

  subscribe(events: ConnectorEvents): void {
    this.#events = events;
  }

  reboot(hard: boolean): void {
    this.#reboot(hard);
  }

  /** UnlockConnectorOnEVSideDisconnect for every connector with a lock (false keeps the cable locked at unplug). */
  setUnlockOnEvSideDisconnect(unlock: boolean): void {
    for (let i = 0; i < this.#list.length; i++) this.#list[i].setUnlockOnEvSideDisconnect(unlock);
  }

  /** Applies the OCPP key now and on every change (ChangeConfiguration). */
  followUnlockKey(config: ConfigurationRegistry): void {
    const key = "UnlockConnectorOnEVSideDisconnect";
    this.setUnlockOnEvSideDisconnect(config.bool(key));
    config.onChange(key, (value) => this.setUnlockOnEvSideDisconnect(value === true));
  }

  onPermission(listener: PermissionListener): void {
    this.#permissionListener = listener;
  }

  /** Told after the OCPP side heard of a status change (e.g. to end reservations of a faulted connector). */
  onStatus(listener: (connectorId: number) => void): void {
    this.#statusListener = listener;
  }

  permissionChanged(connectorId: number, permitted: boolean): void {
    if (this.#permissionListener) this.#permissionListener(connectorId, permitted);
  }

  /**
   * The loop's event callback: runs inside the tick, so it only stores small integers in the
   * preallocated ring (no allocation, no OCPP work, nothing that can throw).
   */
  readonly handleEvent = (connectorId: number, event: ConnectorEvent): void => {
    const capacity = this.eventCapacity;
    if (this.#ringCount >= capacity) {
      this.eventOverflows++;
      return;
    }
    let slot = this.#ringHead + this.#ringCount;
    if (slot >= capacity) slot -= capacity;
    const code = CONNECTOR_EVENTS.indexOf(event);
    this.#ringConnector[slot] = connectorId;
    this.#ringEvent[slot] = code;
    if (code === EVENT_STATUS) {
      const snapshot = this.#list[connectorId - 1].connector.snapshot;
      this.#ringStatus[slot] = CONNECTOR_STATUSES.indexOf(snapshot.status);
      this.#ringError[slot] = CONNECTOR_ERROR_CODES.indexOf(snapshot.errorCode);
    }
    this.#ringCount++;
  };

  /**
   * Delivers the recorded events in order to the OCPP side (the loop's after-tick hook; outside
   * the tick). An exception of a handler is counted and the next event is still delivered.
   */
  readonly drainEvents = (): void => {
    const capacity = this.eventCapacity;
    while (this.#ringCount > 0) {
      const slot = this.#ringHead;
      this.#ringHead = slot + 1 >= capacity ? 0 : slot + 1;
      this.#ringCount--;
      this.#deliver(this.#ringConnector[slot], this.#ringEvent[slot], this.#ringStatus[slot], this.#ringError[slot]);
    }
    if (this.#sensedListener !== undefined) this.#checkSensed();
    if (this.#unlockWaitCount > 0) this.#checkUnlocks();
    if (this.eventOverflows !== this.#overflowsReported) {
      this.#overflowsReported = this.eventOverflows;
      const listener = this.#overflowListener;
      if (listener) {
        try {
          listener(this.eventOverflows);
        } catch (error) {
          this.eventErrors++;
          this.lastEventError = error;
        }
      }
    }
  };

  #checkSensed(): void {
    const loop = this.#loop;
    const done = this.#sensedListener;
    if (!loop || !done || loop.ticks === 0) return;
    if (this.#firstTickMs < 0) this.#firstTickMs = loop.lastTickMs;
    if (loop.lastTickMs - this.#firstTickMs < this.#sensingMs) return;
    this.#sensedListener = undefined;
    try {
      done();
    } catch (error) {
      this.eventErrors++;
      this.lastEventError = error;
    }
  }

  #deliver(connectorId: number, code: number, statusIndex: number, errorIndex: number): void {
    const events = this.#events;
    if (!events) return;
    try {
      switch (code) {
        case EVENT_PLUGGED:
          events.onPlugged(connectorId);
          break;
        case EVENT_UNPLUGGED:
          events.onUnplugged(connectorId);
          break;
        case EVENT_STATUS:
          events.onStatusChanged(connectorId, CONNECTOR_STATUSES[statusIndex], CONNECTOR_ERROR_CODES[errorIndex]);
          if (this.#statusListener) this.#statusListener(connectorId);
          break;
        case EVENT_LOCKED:
          if (events.onLocked) events.onLocked(connectorId);
          break;
        case EVENT_LOCK_FAILED:
          if (events.onLockFailure) events.onLockFailure(connectorId);
          break;
        case EVENT_SUSPENDED_EV:
          if (events.onEvSuspended) events.onEvSuspended(connectorId, true);
          break;
        case EVENT_CHARGING:
          if (events.onEvSuspended) events.onEvSuspended(connectorId, false);
          break;
        default:
          break;
      }
    } catch (error) {
      this.eventErrors++;
      this.lastEventError = error;
    }
  }
}
