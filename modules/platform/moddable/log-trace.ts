/** Board log sink: one line per entry through XS `trace` (serial console / xsbug). */
import type { LogLevel, LogSink } from "ports/log";

declare function trace(...items: (string | number | boolean)[]): void;

export class TraceLogSink implements LogSink {
  write(level: LogLevel, tag: string, message: string): void {
    trace(`${level} [${tag}] ${message}\n`);
  }
}
