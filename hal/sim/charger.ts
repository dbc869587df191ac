/**
 * A simulated board of N connectors (its description and parts), for tests,
 * the simulator and benchmarks; `tools/sim/simulated-charger.ts` wires one to
 * a control loop. Connector i gets phase rotation RST, STR, TRS, ... in turn
 * so single-phase EVs spread over L1..L3.
 */
import { PHASE_ROTATION_MAP, type Board, type ConnectorDescription, type LoopTiming, type PhaseRotation } from "hal/board-description";
import { DEFAULT_SIM_PART_TIMING, SimConnector, SimGrid, type SimPartTiming } from "hal/sim/board";
import { SimEv } from "hal/sim/ev";

export interface SimulatedChargerOptions {
  /** Number of connectors (default 1). */
  connectors?: number;
  /** Phases wired to each connector and the supply (default 3). */
  phases?: 1 | 3;
  /** Circuit limit per phase shared by the board (A, default 32). */
  circuitLimitA?: number;
  /** Board rating per connector (A, default 32). */
  ratingA?: number;
  /** Cable ampacity per connector (A, default 32). */
  cableMaxA?: number;
  /**
   * A tethered cable (default false): no socket, so no connector lock. The
   * default is what most AC wallboxes are: a Type 2 socket with a lock
   * (IEC 62196-2), so UnlockConnector has a lock to drive [OCPP 1.6 §5.20].
   */
  tethered?: boolean;
  /**
   * Fit a connector lock; when given it wins over `tethered` (default: a lock unless tethered).
   * An array sets it per connector (index = connector id - 1).
   */
  withLock?: boolean | readonly boolean[];
  /** Fit a temperature sensor per connector (default true). */
  withTemperature?: boolean;
  /** Phase rotation per connector (default: RST, STR, TRS in turn). */
  rotations?: readonly PhaseRotation[];
  /** Loop timing overrides. */
  timing?: Partial<LoopTiming>;
  /** Simulated part timing overrides. */
  partTiming?: Partial<SimPartTiming>;
  /** EV maximum current (A, default 32) and phases (default 3); an array of phases sets them per connector. */
  evMaxA?: number;
  evPhases?: 1 | 3 | readonly (1 | 3)[];
}

const DEFAULT_ROTATIONS: readonly PhaseRotation[] = Object.freeze(["RST", "STR", "TRS"]);

/** Builds the simulated board description (without a loop). */
export function createSimulatedBoard(options: SimulatedChargerOptions = {}): {
  board: Board;
  grid: SimGrid;
  sims: SimConnector[];
} {
  const count = options.connectors ?? 1;
  const phases = options.phases ?? 3;
  const partTiming: SimPartTiming = { ...DEFAULT_SIM_PART_TIMING, ...options.partTiming };
  const grid = new SimGrid();
  const sims: SimConnector[] = [];
  const connectors: ConnectorDescription[] = [];
  for (let i = 0; i < count; i++) {
    const rotations = options.rotations ?? DEFAULT_ROTATIONS;
    const rotation = rotations[i % rotations.length];
    const evPhases = options.evPhases ?? 3;
    const ev = new SimEv(options.evMaxA ?? 32, typeof evPhases === "number" ? evPhases : (evPhases[i % evPhases.length] ?? 3));
    const withLock = options.withLock;
    // The terminals heat relative to what the connector is rated for (cable or contactor, the lower).
    const ratingA = Math.min(options.ratingA ?? 32, options.cableMaxA ?? 32);
    const sim = new SimConnector(
      grid,
      phases,
      PHASE_ROTATION_MAP[rotation],
      withLock === undefined ? !(options.tethered ?? false) : typeof withLock === "boolean" ? withLock : (withLock[i] ?? false),
      partTiming,
      ev,
      ratingA,
      options.withTemperature ?? true,
    );
    sims.push(sim);
    connectors.push({
      hal: sim.hal,
      phases,
      rotation,
      cableMaxA: options.cableMaxA ?? 32,
      ratingA: options.ratingA ?? 32,
    });
  }
  const board: Board = {
    connectors,
    supplyPhases: phases,
    circuitLimitA: options.circuitLimitA ?? 32,
    ratingA: options.ratingA ?? 32,
    timing: options.timing,
  };
  return { board, grid, sims };
}
