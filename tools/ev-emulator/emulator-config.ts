/**
 * The build's settings for the emulator (the manifest's `config`, module
 * `mc/config` on the board): the ADC calibration and the emulator's version.
 * A value that is missing or unusable falls back to the nominal one, and
 * says so, rather than stopping the board.
 */
import { nominalCalibration, validCalibration, type AdcCalibration } from "./adc-front-end";

export const EV_EMULATOR_VERSION = "0.1.0";

export interface EmulatorSettings {
  calibration: AdcCalibration;
  /** True when the calibration came from the config. */
  calibrated: boolean;
}

/** Reads `rawAtPlus12V` / `rawAtMinus12V` (0 or absent: not calibrated). */
export function emulatorSettings(config: Readonly<Record<string, unknown>>, log?: (message: string) => void): EmulatorSettings {
  const plus = Number(config.rawAtPlus12V ?? 0);
  const minus = Number(config.rawAtMinus12V ?? 0);
  if (plus === 0 && minus === 0) return { calibration: nominalCalibration(), calibrated: false };
  const calibration = { rawAtPlus12V: plus, rawAtMinus12V: minus };
  if (validCalibration(calibration)) return { calibration, calibrated: true };
  log?.(`ev-emulator: calibration ${plus} / ${minus} is unusable: using the nominal divider`);
  return { calibration: nominalCalibration(), calibrated: false };
}
