/**
 * The EV emulator on its ESP32 board (docs/hil-bench.md): the relays, the
 * pulse capture and ADC, and the line protocol on UART2. The only esp32
 * file that imports Moddable modules; the drivers take the IO classes.
 */
import Analog from "embedded:io/analog";
import Digital from "embedded:io/digital";
import PulseWidth from "embedded:io/pulsewidth";
import Serial from "embedded:io/serial";
import Time from "time";
import { ModdableTimers } from "platform/moddable/timers";
import { EvEmulator } from "ev-emulator/emulator";
import { EV_EMULATOR_VERSION, emulatorSettings } from "ev-emulator/emulator-config";
import { boardProblems, DEVKITC_EV_BOARD } from "ev-emulator/esp32-board";
import { Esp32PilotProbe } from "ev-emulator/esp32-probe";
import { SerialLineLink } from "ev-emulator/esp32-serial-link";
import { Esp32SwitchBank } from "ev-emulator/esp32-switch-bank";

export function startEvEmulator(config: Readonly<Record<string, unknown>>): void {
  const board = DEVKITC_EV_BOARD;
  const log = (message: string): void => trace(`${message}\n`);
  const problems = boardProblems(board);
  if (problems.length > 0) throw new Error(`ev-emulator board: ${problems.join("; ")}`);
  const timers = new ModdableTimers();
  const settings = emulatorSettings(config, log);
  const emulator = new EvEmulator({
    switches: new Esp32SwitchBank(board.relays, Digital),
    probe: new Esp32PilotProbe({
      pulseWidth: PulseWidth,
      analog: Analog,
      digital: Digital,
      timers,
      capturePin: board.capturePin,
      syncPin: board.syncPin,
      adcPin: board.adcPin,
    }),
    timers,
    nowMs: () => Time.ticks,
    calibration: settings.calibration,
    version: EV_EMULATOR_VERSION,
    log,
  });
  emulator.start();
  new SerialLineLink({ io: Serial, ...board.uart, emulator }).start();
}
