import type { LogLevel, LogSink } from "ports/log";

/** The most lines a booted firmware's log keeps (a long virtual run logs a lot; the first lines are what tests read). */
export const BOOTED_LOG_MAX_LINES = 5000;

/** A log sink that keeps its lines as `level [tag] message`, up to `maxLines` (then it drops the new ones). */
export class MemoryLog implements LogSink {
  readonly lines: string[] = [];
  readonly #maxLines: number;

  constructor(maxLines = Infinity) {
    this.#maxLines = maxLines;
  }

  write(level: LogLevel, tag: string, message: string): void {
    if (this.lines.length < this.#maxLines) this.lines.push(`${level} [${tag}] ${message}`);
  }
}

/** Lines of the charger's log that contain `text` (a service logs a failed attempt as it arms its retry timer). */
export function loggedCount(charger: { log: MemoryLog }, text: string): number {
  let n = 0;
  for (const line of charger.log.lines) if (line.includes(text)) n++;
  return n;
}
