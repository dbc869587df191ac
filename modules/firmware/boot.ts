/**
 * Boots the firmware on any platform: the same code on the board (main.ts),
 * on the host (tools/start.ts) and on XS under test.
 * (Stub of the signature; the wiring follows.)
 */
import type { LogLevel } from "ports/log";
import type { Platform } from "ports/platform";
import type { Board } from "connector/board";
import type { ControlLoop } from "connector/loop";
import type { ChargePoint } from "ocpp/charge-point";
import type { OcppFrameLog } from "ocpp/framelog/frame-log";
import type { ChargerSettings } from "firmware/settings";

export interface FirmwareOptions {
  platform: Platform;
  board: Board;
  /** Build-time settings (mc/config on the board, CLI on the host); NVS "settings" wins. */
  defaults: Readonly<Record<string, unknown>>;
  /** Restart of the charger (Reset, firmware update); hard = whole hardware. */
  onReboot?: (hard: boolean) => void;
  logLevel?: LogLevel;
}

export interface RunningFirmware {
  readonly loop: ControlLoop;
  readonly chargePoint: ChargePoint;
  readonly frameLog: OcppFrameLog;
  readonly settings: ChargerSettings;
  /** An RFID card at the reader: starts or stops a transaction. */
  presentCard(idTag: string, connectorId?: number): void;
  /** Stops every timer and the connection (power cut, Ctrl-C). */
  stop(): void;
}

export function bootFirmware(options: FirmwareOptions): RunningFirmware {
  void options;
  throw new Error("bootFirmware: not wired yet");
}
