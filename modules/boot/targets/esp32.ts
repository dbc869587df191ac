/**
 * The board of an ESP32 build: the description named by the build config's
 * `board` ("dev-1" by default, "duo-2"), driven through the real ECMA-419
 * IO classes. See docs/boards.md. With the build config `benchLink:
 * "serial"` the bench link (docs/bench-link.md) runs over a UART; production
 * builds leave it off (the manifest's default).
 */
import type { Board } from "hal/board-description";
import type { KeyValueStore } from "ports/kv";
import type { Platform } from "ports/platform";
import type { RunningFirmware } from "boot/boot";
import { BenchLink } from "boot/bench/link";
import { SerialStream } from "boot/bench/serial-stream";
import { createEsp32Board } from "hal/esp32/board";
import { DEV_1_BOARD } from "hal/esp32/boards/dev-1";
import { DUO_2_BOARD } from "hal/esp32/boards/duo-2";
import type { Esp32BoardDescription } from "hal/esp32/boards/types";
import { ESP32_IO } from "hal/esp32/io-moddable";

const BOARDS: Readonly<Record<string, Esp32BoardDescription>> = { "dev-1": DEV_1_BOARD, "duo-2": DUO_2_BOARD };

let link: BenchLink | undefined;

export function createTargetBoard(config: Readonly<Record<string, unknown>>, kv: KeyValueStore): Board {
  const name = typeof config.board === "string" ? config.board : "dev-1";
  const description = BOARDS[name];
  if (!description) throw new Error(`unknown board "${name}" in the build config (known: ${Object.keys(BOARDS).join(", ")})`);
  return createEsp32Board(description, ESP32_IO, { kv }).board;
}

function configInteger(value: unknown, fallback: number): number {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) ? n : fallback;
}

/** Hears each boot step (memory reports): none on a board. */
export function targetBootObserver(): ((step: string) => void) | undefined {
  return undefined;
}

/**
 * The platform the firmware boots on: the board's own; with the serial bench link its WebSocket
 * reports every frame. The UART: `benchLinkUart` (0: the DevKitC's USB serial, shared with the
 * console; 1 or 2 with a USB-serial adapter), `benchLinkTransmit`, `benchLinkReceive`, `benchLinkBaud`.
 */
export function targetPlatform(platform: Platform, config: Readonly<Record<string, unknown>>, firmwareVersion: string): Platform {
  if (config.benchLink !== "serial") return platform;
  const stream = new SerialStream({
    serial: ESP32_IO.serial,
    port: configInteger(config.benchLinkUart, 0),
    transmit: configInteger(config.benchLinkTransmit, 1),
    receive: configInteger(config.benchLinkReceive, 3),
    baud: configInteger(config.benchLinkBaud, 115200),
  });
  link = new BenchLink({
    stream,
    timers: platform.timers,
    clock: platform.clock,
    sims: [], // a physical board: EV states, faults and power are refused with an error line
    firmwareVersion,
    log: (message) => platform.log.write("warn", "bench", message),
  });
  return { ...platform, websocket: link.tapWebSocket(platform.websocket) };
}

/** After boot: the bench link, when built in, starts reporting. */
export function startTarget(firmware: RunningFirmware): void {
  try {
    link?.start(firmware);
  } catch (error) {
    // The UART's pins or port are taken (e.g. by the board's meter bus): the charger runs on without the link.
    firmware.chargePoint.log.error(`bench link: not started: ${(error as Error).message}`);
  }
}

/** No reboot handler yet on the board: the firmware logs the request (see boot/reboot-hook). */
export const targetReboot: ((hard: boolean) => void) | undefined = undefined;
