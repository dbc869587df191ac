/**
 * Boots the firmware on any platform: the same code on the board (main.ts),
 * on the host (tools/start.ts) and on XS under test.
 */
import { Logger } from "ports/log";
import type { Platform } from "ports/platform";
import { CHARGE_POINT_MODEL, CHARGE_POINT_VENDOR, FIRMWARE_VERSION } from "firmware/version";

export interface RunningFirmware {
  readonly log: Logger;
  stop(): void;
}

/** Starts everything; `defaults` are the build-time settings (mc/config on the board). */
export function bootFirmware(platform: Platform, defaults: Readonly<Record<string, unknown>>): RunningFirmware {
  const log = new Logger(platform.log, "boot");
  const deviceId = typeof defaults.deviceId === "string" ? defaults.deviceId : "unset";
  log.info(`${CHARGE_POINT_VENDOR} ${CHARGE_POINT_MODEL} firmware ${FIRMWARE_VERSION}, device ${deviceId}`);
  log.info(`wall clock ${platform.clock.isSynced() ? "synced" : "not synced (waits for the CSMS)"}`);
  return {
    log,
    stop(): void {
      platform.loopDriver.stop();
    },
  };
}
