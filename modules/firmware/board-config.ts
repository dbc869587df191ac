/**
 * The board the firmware drives, from the build configuration. Until the
 * ESP32 board descriptions (hal/esp32/boards) exist this is the simulated
 * board, which is what the `lin` simulator build runs; `connectors` and
 * `circuitLimitA` of the config size it.
 */
import type { Board } from "connector/board";
import { createSimulatedBoard } from "hal/sim/charger";

export function createBoardFromConfig(config: Readonly<Record<string, unknown>>): Board {
  const connectors = typeof config.connectors === "number" && config.connectors >= 1 && config.connectors <= 4 ? Math.floor(config.connectors) : 1;
  const circuitLimitA = typeof config.circuitLimitA === "number" && config.circuitLimitA >= 6 ? config.circuitLimitA : 32;
  return createSimulatedBoard({ connectors, circuitLimitA }).board;
}
