// The lines of the firmware's bench link as the host reads them (docs/bench-link.md;
// modules/boot/bench/link.ts is the firmware's side).
import type { BenchFrame, FaultKind, PilotState } from "../bench-api/target.ts";

/** The bench link version this host speaks. */
export const BENCH_LINK_VERSION = 1;

/** One connector as the firmware reports it; the simulated-board fields are null on a physical board. */
export interface LinkConnector {
  connectorId: number;
  pilot: PilotState;
  ev: PilotState | null;
  relayClosed: boolean | null;
  offeredA: number | null;
  /** CP duty cycle, %, on the simulated board; null on a physical one (measured by an EV emulator). */
  dutyPercent?: number | null;
  drawnA: number | null;
  /** The loop's meter reading per phase and its power, the smart-charging limit, the session's
   * energy: on any board; absent from a firmware built before the bench page's charts (read as null). */
  drawnPhasesA?: number[] | null;
  powerW?: number | null;
  smartLimitA?: number | null;
  sessionEnergyWh?: number | null;
  energyWh: number | null;
  temperatureC: number | null;
  ocppStatus: string;
  transactionId: number | null;
  faults: FaultKind[];
}

export interface LinkState {
  connection: "online" | "connecting";
  pendingTransactionMessages: number;
  /** Frame lines the firmware dropped because the host did not read fast enough. */
  dropped: number;
  connectors: LinkConnector[];
}

export interface LinkHello {
  t: "hello";
  v: number;
  firmwareVersion: string;
  deviceId: string;
  connectors: number;
  /** The board's EVs and faults are simulated (lin): the link takes `ev` and `fault`. */
  simulated: boolean;
}

/** Any line the firmware sends; checked field by field where it is used. */
export interface LinkLine {
  t?: string;
  id?: number | string | null;
  ok?: boolean;
  error?: string;
  result?: unknown;
  state?: LinkState;
  direction?: BenchFrame["direction"];
  text?: string;
  v?: number;
  firmwareVersion?: string;
  deviceId?: string;
  connectors?: number;
  simulated?: boolean;
}
