/**
 * The control loop over the board, and the adapter through which the OCPP
 * charge point sees its connectors. A loop period or circuit limit set in
 * the settings wins over the board's.
 */
import type { Board } from "hal/board-description";
import { ControlLoop } from "connector/loop";
import type { ChargerSettings, LoadedSettings } from "boot/settings";
import { LoopHardware } from "boot/hardware-adapter";

export interface WiredLoop {
  readonly loop: ControlLoop;
  readonly hardware: LoopHardware;
  /** Period of the loop's tick in ms. */
  readonly tickMs: number;
}

export function wireControlLoop(board: Board, loaded: LoadedSettings, reboot: (hard: boolean) => void): WiredLoop {
  const settings: ChargerSettings = loaded.settings;
  const tickMs = loaded.sources.loopPeriodMs !== "built-in" ? settings.loopPeriodMs : (board.timing?.tickMs ?? settings.loopPeriodMs);
  const loopBoard: Board = { ...board, timing: { ...board.timing, tickMs } };
  const hardware = new LoopHardware(loopBoard, reboot);
  const loop = new ControlLoop(loopBoard, hardware.handleEvent);
  hardware.attach(loop);
  if (loaded.sources.circuitLimitA !== "built-in") loop.setCircuitLimitA(Math.min(settings.circuitLimitA, board.circuitLimitA));
  return { loop, hardware, tickMs };
}
