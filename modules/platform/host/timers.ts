/** Host timers over Node's setTimeout/setInterval. */
import { HandleTimers } from "platform/common/handle-timers";

export class HostTimers extends HandleTimers<NodeJS.Timeout> {
  constructor() {
    super({
      setOnce: (callback, delayMs) => setTimeout(callback, delayMs),
      setRepeat: (callback, periodMs) => setInterval(callback, periodMs),
      clear: (timer) => clearTimeout(timer),
    });
  }
}
