/** Host clock: performance.now() for monotonic time, Date.now() as the unsynced start. */
import { performance } from "node:perf_hooks";
import { OffsetClock } from "platform/common/offset-clock";

/**
 * @param trustSystemClock true to treat the host's clock like a synced RTC;
 *   false (default) behaves like a board without an RTC battery
 */
export function createHostClock(trustSystemClock = false): OffsetClock {
  return new OffsetClock(() => performance.now(), Date.now(), trustSystemClock);
}
