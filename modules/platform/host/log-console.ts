/** Host log sink: lines to stderr with a monotonic timestamp. */
import type { LogLevel, LogSink } from "ports/log";

export class ConsoleLogSink implements LogSink {
  #prefix: string;
  constructor(prefix = "") {
    this.#prefix = prefix;
  }
  write(level: LogLevel, tag: string, message: string): void {
    process.stderr.write(`${this.#prefix}${new Date().toISOString()} ${level.toUpperCase()} [${tag}] ${message}\n`);
  }
}

/** A sink that keeps lines in memory (tests and the bench page). */
export class MemoryLogSink implements LogSink {
  readonly lines: string[] = [];
  write(level: LogLevel, tag: string, message: string): void {
    this.lines.push(`${level} [${tag}] ${message}`);
  }
}
