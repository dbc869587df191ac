/**
 * The board of an ESP32 build: the description named by the build config's
 * `board` ("dev-1" by default, "duo-2"), driven through the real ECMA-419
 * IO classes. See docs/boards.md.
 */
import type { Board } from "hal/board-description";
import type { KeyValueStore } from "ports/kv";
import type { Platform } from "ports/platform";
import type { RunningFirmware } from "firmware/boot";
import { createEsp32Board } from "hal/esp32/board";
import { DEV_1_BOARD } from "hal/esp32/boards/dev-1";
import { DUO_2_BOARD } from "hal/esp32/boards/duo-2";
import type { Esp32BoardDescription } from "hal/esp32/boards/types";
import { ESP32_IO } from "hal/esp32/io-moddable";

const BOARDS: Readonly<Record<string, Esp32BoardDescription>> = { "dev-1": DEV_1_BOARD, "duo-2": DUO_2_BOARD };

export function createTargetBoard(config: Readonly<Record<string, unknown>>, kv: KeyValueStore): Board {
  const name = typeof config.board === "string" ? config.board : "dev-1";
  const description = BOARDS[name];
  if (!description) throw new Error(`unknown board "${name}" in the build config (known: ${Object.keys(BOARDS).join(", ")})`);
  return createEsp32Board(description, ESP32_IO, { kv }).board;
}

/** The platform the firmware boots on: the board's own. */
export function targetPlatform(platform: Platform, _config: Readonly<Record<string, unknown>>, _firmwareVersion: string): Platform {
  return platform;
}

/** Hears each boot step (memory reports): none on a board. */
export function targetBootObserver(): ((step: string) => void) | undefined {
  return undefined;
}

/** After boot: nothing more on a board. */
export function startTarget(_firmware: RunningFirmware): void {}

/** No reboot handler yet on the board: the firmware logs the request (see firmware/reboot-hook). */
export const targetReboot: ((hard: boolean) => void) | undefined = undefined;
