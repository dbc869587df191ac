/** Board timers over Moddable's `timer` module. */
import Timer from "timer";
import { HandleTimers } from "platform/common/handle-timers";

/** The SDK names no type for a timer id: take it from Timer.set. */
type TimerID = ReturnType<typeof Timer.set>;

export class ModdableTimers extends HandleTimers<TimerID> {
  constructor() {
    super({
      setOnce: (callback, delayMs) => Timer.set(callback, delayMs),
      // Timer.repeat passes the timer id to its callback: the port's callback takes none.
      setRepeat: (callback, periodMs) => Timer.repeat(() => callback(), periodMs),
      clear: (timer) => Timer.clear(timer),
    });
  }
}
