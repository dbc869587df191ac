/**
 * Reset retries [reference 4.10]: a reboot that fails (the platform throws)
 * is tried again up to ResetRetries times; when none succeeds the caller
 * reports errorCode ResetFailure (on connector 0).
 */
import type { Timers } from "ports/timers";
import type { Logger } from "ports/log";

export const RESET_RETRY_DELAY_MS = 1000;

export function rebootWithRetries(options: {
  reboot: () => void;
  timers: Timers;
  log: Logger;
  /** ResetRetries, read when the first attempt fails. */
  retries: () => number;
  onFailed: () => void;
}): void {
  let attempts = 0;
  const attempt = (): void => {
    attempts++;
    try {
      options.reboot();
      return;
    } catch (error) {
      options.log.error(`reset attempt ${attempts} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (attempts > options.retries()) {
      options.onFailed();
      return;
    }
    options.timers.once(attempt, RESET_RETRY_DELAY_MS);
  };
  attempt();
}
