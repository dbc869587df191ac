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
 * The loop is built after this adapter (its event callback is `handleEvent`),
 * so `attach(loop)` completes it before the charge point starts.
 */
import type { Board } from "connector/board";
import type { Connector } from "connector/connector";
import type { ControlLoop } from "connector/loop";
import type { ConnectorEvent } from "connector/types";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import type {
  ChargePointConnector,
  ChargePointHardware,
  ConnectorEvents,
  ConnectorMeterSample,
  OcppConnectorStatus,
  OcppErrorCode,
  UnlockResult,
} from "ocpp/charge-point-hw";

/** Told when the OCPP side grants or withdraws permission on a connector (transaction start and end). */
export type PermissionListener = (connectorId: number, permitted: boolean) => void;

class LoopConnector implements ChargePointConnector {
  readonly id: number;
  readonly fixedCable: boolean;
  /** A board lock with feedback: the charge point waits for "locked" before StartTransaction. */
  readonly hasLock: boolean;
  #connector: Connector | undefined;
  readonly #owner: LoopHardware;

  constructor(owner: LoopHardware, id: number, fixedCable: boolean) {
    this.#owner = owner;
    this.id = id;
    this.fixedCable = fixedCable;
    this.hasLock = !fixedCable;
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
  status(): OcppConnectorStatus {
    return this.connector.snapshot.status;
  }
  errorCode(): OcppErrorCode {
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
  unlock(): UnlockResult {
    if (this.fixedCable) return "NotSupported";
    return this.connector.unlock() ? "Unlocked" : "UnlockFailed";
  }
}

export class LoopHardware implements ChargePointHardware {
  readonly connectors: readonly ChargePointConnector[];
  readonly #list: LoopConnector[];
  readonly #reboot: (hard: boolean) => void;
  #events: ConnectorEvents | undefined;
  #permissionListener: PermissionListener | undefined;
  #statusListener: ((connectorId: number) => void) | undefined;
  /** Errors thrown by the OCPP side inside a loop event (kept out of the tick). */
  eventErrors = 0;
  lastEventError: unknown;

  constructor(board: Board, reboot: (hard: boolean) => void) {
    const list: LoopConnector[] = [];
    for (let i = 0; i < board.connectors.length; i++) {
      list.push(new LoopConnector(this, i + 1, board.connectors[i].hal.lock === null));
    }
    this.#list = list;
    this.connectors = list;
    this.#reboot = reboot;
  }

  /** Completes the adapter with the loop built over the same board. */
  attach(loop: ControlLoop): void {
    for (let i = 0; i < this.#list.length; i++) this.#list[i].attach(loop.connector(i + 1));
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

  /** The loop's event callback (runs inside the tick; never throws into it). */
  readonly handleEvent = (connectorId: number, event: ConnectorEvent): void => {
    const events = this.#events;
    if (!events) return;
    try {
      switch (event) {
        case "plugged":
          events.onPlugged(connectorId);
          break;
        case "unplugged":
          events.onUnplugged(connectorId);
          break;
        case "statusChanged": {
          const snapshot = this.#list[connectorId - 1].connector.snapshot;
          events.onStatusChanged(connectorId, snapshot.status, snapshot.errorCode);
          if (this.#statusListener) this.#statusListener(connectorId);
          break;
        }
        case "locked":
          if (events.onLocked) events.onLocked(connectorId);
          break;
        case "lockFailed":
          if (events.onLockFailure) events.onLockFailure(connectorId);
          break;
        case "suspendedEV":
          if (events.onEvSuspended) events.onEvSuspended(connectorId, true);
          break;
        case "charging":
          if (events.onEvSuspended) events.onEvSuspended(connectorId, false);
          break;
        default:
          break;
      }
    } catch (error) {
      this.eventErrors++;
      this.lastEventError = error;
    }
  };
}
