/**
 * The flash partitions every boot opens first: the transaction journal
 * ("journal") and the OCPP frame log ("ocpplog"), with the verbose switch.
 */
import type { Logger } from "ports/log";
import type { Platform } from "ports/platform";
import { OcppFrameLog } from "ocpp/framelog/frame-log";
import { FlashQueue } from "storage/flash-queue";
import { FlashRing } from "storage/flash-ring";
import { SETTINGS_NAMESPACE, type ChargerSettings } from "boot/settings";

export interface FlashLogs {
  readonly journal: FlashQueue;
  readonly frameLog: OcppFrameLog;
}

export function openFlashLogs(platform: Platform, settings: ChargerSettings, log: Logger): FlashLogs {
  const journal = new FlashQueue(platform.openFlash("journal"));
  const frameLog = new OcppFrameLog(new FlashRing(platform.openFlash("ocpplog")), platform.clock, platform.kv);
  const verboseStored = platform.kv.get(SETTINGS_NAMESPACE, "verboseLog");
  if (settings.verboseLogging) {
    // The NVS switch is one-shot (24 h from now, then off); a build default turns it on at every boot.
    frameLog.setVerboseFor(24);
    if (verboseStored !== undefined) platform.kv.delete(SETTINGS_NAMESPACE, "verboseLog");
    log.info("verbose OCPP logging on for 24 h");
  }
  return { journal, frameLog };
}
