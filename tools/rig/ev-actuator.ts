// What a rig asks of the EV side of the bench when the board is physical: an EV emulator (its own
// board on the charger's cable, reached with `--ev`) sets the pilot state the EV presents, plugs
// and unplugs, produces the faults its hardware can, may drive the mains relay of the charger and
// may measure the PWM it sees. tools/rig/ev-emulator-client.ts (the EV emulator's own client)
// implements it; the rig target calls nothing else.
import { BenchTargetUnsupported, type FaultKind, type PilotState } from "../bench-api/target.ts";
import type { RigAddress } from "./address.ts";

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

/** What tools/rig/ev-emulator-client.ts exports. */
export interface EvEmulatorClientModule {
  openEvEmulator(address: RigAddress): Promise<EvActuator>;
}

const CLIENT_MODULE = "./ev-emulator-client.ts";

/** Opens the EV emulator at `address` through its client module; a clear error when this checkout has none. */
export async function openEvEmulator(address: RigAddress): Promise<EvActuator> {
  let loaded: unknown;
  try {
    // A computed name: the client ships on its own, and a checkout without it still typechecks and runs.
    loaded = (await import(new URL(CLIENT_MODULE, import.meta.url).href)) as unknown;
  } catch (error) {
    throw new BenchTargetUnsupported(
      `--ev needs the EV emulator's client (tools/rig/ev-emulator-client.ts, exporting openEvEmulator), which cannot be loaded: ${(error as Error).message}`,
    );
  }
  const module = loaded as Partial<EvEmulatorClientModule> | null;
  if (!module || typeof module.openEvEmulator !== "function")
    throw new BenchTargetUnsupported("tools/rig/ev-emulator-client.ts does not export openEvEmulator(address)");
  return module.openEvEmulator(address);
}
