/**
 * Log port: where the core's diagnostic lines go (console on the host,
 * `trace` on the board). The OCPP frame log is a separate flash ring.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = Object.freeze({ debug: 0, info: 1, warn: 2, error: 3 });

export interface LogSink {
  /** Writes one line; `tag` names the module ("ocpp", "loop", ...). */
  write(level: LogLevel, tag: string, message: string): void;
}

/** A tagged logger over a sink that drops lines below a minimum level. */
export class Logger {
  readonly tag: string;
  #sink: LogSink;
  #minRank: number;

  constructor(sink: LogSink, tag: string, minLevel: LogLevel = "info") {
    this.#sink = sink;
    this.tag = tag;
    this.#minRank = LOG_LEVEL_RANK[minLevel];
  }

  setMinLevel(level: LogLevel): void {
    this.#minRank = LOG_LEVEL_RANK[level];
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVEL_RANK[level] >= this.#minRank;
  }

  debug(message: string): void {
    if (this.#minRank <= 0) this.#sink.write("debug", this.tag, message);
  }
  info(message: string): void {
    if (this.#minRank <= 1) this.#sink.write("info", this.tag, message);
  }
  warn(message: string): void {
    if (this.#minRank <= 2) this.#sink.write("warn", this.tag, message);
  }
  error(message: string): void {
    this.#sink.write("error", this.tag, message);
  }

  /** A logger with another tag over the same sink and level. */
  child(tag: string): Logger {
    const child = new Logger(this.#sink, tag);
    child.#minRank = this.#minRank;
    return child;
  }
}
