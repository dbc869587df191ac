/**
 * A simulated board wired to a control loop: the charger of the loop's tests,
 * the safety walk and the benchmarks (the firmware builds its own loop at boot).
 * Lives here, not in hal/, because the HAL must not import the loop.
 */
import { ControlLoop } from "connector/loop";
import type { ConnectorEventHandler } from "connector/types";
import type { Board } from "hal/board-description";
import type { SimConnector, SimGrid } from "hal/sim/board";
import { createSimulatedBoard, type SimulatedChargerOptions } from "hal/sim/charger";

export type { SimulatedChargerOptions };

export interface SimulatedBoardLoop {
  readonly loop: ControlLoop;
  readonly board: Board;
  readonly grid: SimGrid;
  /** Simulated parts and EV per connector (index = connector id - 1). */
  readonly sims: readonly SimConnector[];
}

/** Builds a simulated board and its control loop (not started: call `loop.start(driver)` or `loop.tick(ms)`). */
export function createSimulatedBoardLoop(
  options: SimulatedChargerOptions = {},
  onEvent: ConnectorEventHandler = () => undefined,
): SimulatedBoardLoop {
  const { board, grid, sims } = createSimulatedBoard(options);
  return { loop: new ControlLoop(board, onEvent), board, grid, sims };
}
