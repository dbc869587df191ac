/**
 * First boot step: the maker settings (NVS over build defaults), the log
 * level and the boot logger; the banner and every settings problem logged.
 */
import type { KeyValueStore } from "ports/kv";
import { Logger, type LogLevel, type LogSink } from "ports/log";
import { loadSettings, type ChargerSettings, type LoadedSettings } from "boot/settings";

export interface BootSettingsOptions {
  kv: KeyValueStore;
  logSink: LogSink;
  /** Build-time settings; NVS "settings" wins. */
  defaults: Readonly<Record<string, unknown>>;
  /** Overrides the `logLevel` setting. */
  logLevel?: LogLevel;
  /** Connectors the board has (checked against `settings.connectors`). */
  boardConnectors: number;
  firmwareVersion: string;
}

export interface BootSettings {
  readonly loaded: LoadedSettings;
  readonly settings: ChargerSettings;
  readonly logLevel: LogLevel;
  readonly log: Logger;
}

export function loadBootSettings(options: BootSettingsOptions): BootSettings {
  const loaded = loadSettings(options.kv, options.defaults);
  const settings = loaded.settings;
  const logLevel = options.logLevel ?? settings.logLevel;
  const log = new Logger(options.logSink, "boot", logLevel);
  log.info(`${settings.chargePointVendor} ${settings.chargePointModel} firmware ${options.firmwareVersion}, device ${settings.deviceId}`);
  for (const error of loaded.errors) log.warn(error);
  if (settings.connectors !== options.boardConnectors && loaded.sources.connectors !== "built-in") {
    log.warn(`settings.connectors is ${settings.connectors} but the board has ${options.boardConnectors}; using the board`);
  }
  return { loaded, settings, logLevel, log };
}
