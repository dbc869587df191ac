/**
 * The parts of one connector as the control loop sees them. A board
 * (hal/sim, hal/esp32) builds one `ConnectorHal` per connector.
 */
import type { ControlPilot } from "hal/pilot";
import type { Contactor } from "hal/contactor";
import type { ResidualCurrentMonitor } from "hal/rcd";
import type { ConnectorLock } from "hal/lock";
import type { EnergyMeter } from "hal/meter";
import type { TemperatureSensor } from "hal/temperature";

export interface ConnectorHal {
  /** Control pilot generator and measurement. */
  readonly pilot: ControlPilot;
  /** Power contactor with feedback. */
  readonly contactor: Contactor;
  /** Residual current monitor of this connector. */
  readonly rcd: ResidualCurrentMonitor;
  /** Connector lock, or null for a tethered cable. */
  readonly lock: ConnectorLock | null;
  /** Energy meter of this connector. */
  readonly meter: EnergyMeter;
  /** Temperature at the socket / contactor (e.g. an NTC); absent or null: no sensor, no derating. */
  readonly temperature?: TemperatureSensor | null;
}
