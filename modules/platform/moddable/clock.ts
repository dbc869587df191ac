/**
 * Board clock: Time.ticks for monotonic ms; the wall clock starts in 1970
 * (no RTC battery) and setting it also sets the system time, so Date and
 * the log agree with OCPP.
 */
import Time from "time";
import { OffsetClock } from "platform/common/offset-clock";

export function createModdableClock(): OffsetClock {
  return new OffsetClock(
    () => Time.ticks,
    Date.now(),
    false,
    (utcMs) => Time.set(Math.floor(utcMs / 1000)),
  );
}
