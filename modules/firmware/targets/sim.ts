/**
 * The board of the `lin` simulator build and of host type checks: the
 * simulated board, sized by the build config (`connectors`, `circuitLimitA`;
 * `tethered: true` for a tethered cable, else a Type 2 socket with a lock).
 * The manifest maps `firmware/target` here on lin and to `esp32.ts` on esp32.
 */
import type { Board } from "hal/board-description";
import type { KeyValueStore } from "ports/kv";
import { createSimulatedBoard } from "hal/sim/charger";

export function createTargetBoard(config: Readonly<Record<string, unknown>>, _kv: KeyValueStore): Board {
  const connectors =
    typeof config.connectors === "number" && config.connectors >= 1 && config.connectors <= 4 ? Math.floor(config.connectors) : 1;
  const circuitLimitA = typeof config.circuitLimitA === "number" && config.circuitLimitA >= 6 ? config.circuitLimitA : 32;
  // A Type 2 socket with a lock unless the build config says the cable is tethered.
  return createSimulatedBoard({ connectors, circuitLimitA, tethered: config.tethered === true }).board;
}
