// The terminal side of `npm start`: a live status line per connector (redrawn in place on a TTY,
// printed on change otherwise) with the firmware's log lines scrolling above it.
import type { LogLevel, LogSink } from "ports/log";
import type { BenchConnectorState, BenchState } from "../bench-api/target.ts";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One connector's status line; its temperature (°C, one decimal) follows the energy when it has a reading. */
export function connectorLine(identity: string, state: BenchState, c: BenchConnectorState): string {
  const kwh = (c.energyWh / 1000).toFixed(3);
  const tx = c.transactionId === null ? "-" : String(c.transactionId);
  const faults = c.faults.length ? ` faults ${c.faults.join(",")}` : "";
  // Only with a reading (no sensor, an invalid reading or the charger off: nothing shown).
  const temperature = c.temperatureC === null || !Number.isFinite(c.temperatureC) ? "" : ` ${c.temperatureC.toFixed(1)} °C`;
  return (
    `${identity}#${c.connectorId} pilot ${c.pilot} relay ${c.relayClosed ? "closed" : "open  "} ` +
    `offered ${c.offeredA.toFixed(1).padStart(4)} A drawn ${c.drawnA.toFixed(1).padStart(4)} A ${kwh} kWh${temperature} ` +
    `${c.ocppStatus.padEnd(13)} tx ${tx} | ${state.connection}${state.power === "off" ? " power off" : ""}${state.network === "down" ? " network down" : ""}${faults}`
  );
}

export interface StatusSource {
  readonly identity: string;
  getState(): BenchState;
}

export class StatusDisplay {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #sources: readonly StatusSource[];
  readonly #detailed: number;
  #drawn = 0;
  #lastText = "";
  #timer: NodeJS.Timeout | undefined;

  /** Shows a line per connector of the first `detailed` sources and one summary line for a fleet. */
  constructor(sources: readonly StatusSource[], out: NodeJS.WriteStream = process.stdout, detailed = 4) {
    this.#sources = sources;
    this.#out = out;
    this.#tty = out.isTTY === true;
    this.#detailed = detailed;
  }

  start(periodMs = 500): void {
    this.#timer = setInterval(() => this.render(), periodMs);
    this.render();
  }

  /** The status lines now. */
  lines(): string[] {
    const lines: string[] = [];
    let online = 0;
    let charging = 0;
    let energyWh = 0;
    for (let i = 0; i < this.#sources.length; i++) {
      const source = this.#sources[i];
      const state = source.getState();
      if (state.connection === "online") online++;
      for (const c of state.connectors) {
        if (c.ocppStatus === "Charging") charging++;
        energyWh += c.energyWh;
        if (i < this.#detailed) lines.push(connectorLine(source.identity, state, c));
      }
    }
    if (this.#sources.length > this.#detailed) {
      lines.push(
        `fleet: ${this.#sources.length} chargers, ${online} online, ${charging} connectors charging, ${(energyWh / 1000).toFixed(1)} kWh`,
      );
    }
    return lines;
  }

  render(): void {
    const lines = this.lines();
    const text = lines.join("\n");
    if (this.#tty) {
      this.#clear();
      this.#out.write(text + "\n");
      this.#drawn = lines.length;
    } else if (text !== this.#lastText) {
      this.#out.write(text + "\n");
    }
    this.#lastText = text;
  }

  /** A log line above the status block. */
  print(line: string): void {
    if (this.#tty) this.#clear();
    this.#out.write(line + "\n");
    if (this.#tty && this.#timer) {
      this.#out.write(this.#lastText + "\n");
      this.#drawn = this.#lastText ? this.#lastText.split("\n").length : 0;
    }
  }

  /** A log sink for the firmware that prints through the display from `minLevel` up. */
  logSink(prefix: string, minLevel: LogLevel): LogSink {
    const min = LEVEL_RANK[minLevel];
    return {
      write: (level: LogLevel, tag: string, message: string): void => {
        if (LEVEL_RANK[level] < min) return;
        this.print(`${prefix}${new Date().toISOString()} ${level.toUpperCase()} [${tag}] ${message}`);
      },
    };
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #clear(): void {
    if (this.#drawn > 0) this.#out.write(`\x1b[${this.#drawn}A\x1b[0J`);
    this.#drawn = 0;
  }
}
