// What a rig asks of the EV side of the bench when the board is physical: an EV emulator (its own
// board on the charger's cable, reached with `--ev`) sets the pilot state the EV presents, plugs
// and unplugs, produces the faults its hardware can, may drive the mains relay of the charger and
// may measure the PWM it sees. tools/rig/ev-emulator-actuator.ts implements it over our EV
// emulator's client; the rig target calls nothing else.
import type { FaultKind, PilotState } from "../bench-api/target.ts";

export interface EvActuator {
  /** The cable goes in: the EV presents state B (connected, not asking for power). */
  plug(connectorId: number): Promise<void>;
  /** The cable comes out: state A. */
  unplug(connectorId: number): Promise<void>;
  /** With the cable in: B stops asking for power, C and D ask (D with ventilation), E shorts CP, F is -12 V. */
  setState(connectorId: number, state: Exclude<PilotState, "A">): Promise<void>;
  /** Produces (`active`) or clears a fault; throws BenchTargetUnsupported for a kind its hardware cannot make. */
  fault(connectorId: number, kind: FaultKind, active: boolean): Promise<void>;
  /** The charger's mains relay, when the emulator drives one. */
  readonly mains?: PowerRelay;
  /** The CP duty cycle it measured last, %; null before a measurement. Absent: it does not measure. */
  dutyPercent?(connectorId: number): number | null;
  close(): Promise<void>;
}

/** A relay in the charger's mains supply: a power cut on the bench. */
export interface PowerRelay {
  setMains(on: boolean): Promise<void>;
}
