// What `npm start` runs, as a library (tools/start.ts, the fleet bench and the end-to-end tests):
// a development CSMS (unless an external one is given), one or more simulated chargers and the
// bench web page/API of the first.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogLevel, LogSink } from "ports/log";
import { provisionSetting, SETTING_DEFINITIONS, type ChargerSettings } from "boot/settings";
import { FileKeyValueStore } from "platform/host/kv-file";
import { startDevCsms, type DevCsms, type DevCsmsOptions } from "../csms/dev-csms.ts";
import { startBenchApi, type BenchApi } from "../bench-api/server.ts";
import { SimulatedCharger } from "./sim-target.ts";

export interface SimStackOptions {
  /** External CSMS URL, `{deviceId}` substituted; no dev CSMS then. */
  csmsUrl?: string;
  /** Identity of the charger (fleet: the prefix; default "SIM-0001"). */
  deviceId?: string;
  /** Basic-auth password of the charger (the dev CSMS then checks it). */
  password?: string;
  /** Connectors per charger (default 1, or the config's). */
  connectors?: number;
  /** Tethered cables, no connector lock (`--tethered`); default: Type 2 sockets with a lock. */
  tethered?: boolean;
  /** Settings as provisioning writes them into NVS (the `--config` JSON). */
  config?: Readonly<Record<string, unknown>>;
  /** Simulated flash and NVS; a fresh temporary directory (removed on close) when absent. */
  stateDir?: string;
  /** Bench page/API port (0 = free port); null = no bench API. */
  benchPort?: number | null;
  /** Number of simulated chargers (default 1). */
  chargers?: number;
  /** Extra build-time settings for every charger. */
  defaults?: Readonly<Record<string, unknown>>;
  /** Dev CSMS options (port, heartbeat...). */
  devCsms?: DevCsmsOptions;
  /** Log sink per charger identity (default: stderr). */
  log?: (identity: string) => LogSink | undefined;
  logLevel?: LogLevel;
  flash?: "file" | "memory";
}

export interface SimStack {
  readonly csms: DevCsms | undefined;
  /** URL template the chargers use. */
  readonly csmsUrlTemplate: string;
  readonly chargers: readonly SimulatedCharger[];
  readonly bench: BenchApi | undefined;
  readonly stateDir: string;
  close(): Promise<void>;
}

const SETTING_NAMES = new Set<string>(SETTING_DEFINITIONS.map((d) => d.name));

/** Checks a `--config` object: every key must be a setting (the firmware checks the values). */
export function checkConfig(config: unknown): Record<string, string | boolean | number> {
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw new Error("the config must be a JSON object of settings");
  const out: Record<string, string | boolean | number> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!SETTING_NAMES.has(key)) throw new Error(`unknown setting '${key}' (known: ${[...SETTING_NAMES].join(", ")})`);
    if (typeof value !== "string" && typeof value !== "boolean" && typeof value !== "number")
      throw new Error(`setting '${key}' must be a string, boolean or number`);
    out[key] = value;
  }
  return out;
}

/** Identity of fleet member `index` (0-based). */
export function fleetIdentity(prefix: string, index: number, count: number): string {
  return count === 1 ? prefix : `${prefix}-${String(index + 1).padStart(4, "0")}`;
}

export async function startSimStack(options: SimStackOptions = {}): Promise<SimStack> {
  const count = options.chargers ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 5000) throw new Error("chargers must be an integer from 1 to 5000");
  const config = options.config ? checkConfig(options.config) : {};
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "oxs-sim-"));
  const prefix = options.deviceId ?? (typeof config.deviceId === "string" && count === 1 ? config.deviceId : "SIM-0001");
  const connectors = options.connectors ?? (typeof config.connectors === "number" ? config.connectors : 1);
  let csms: DevCsms | undefined;
  let csmsUrlTemplate: string;
  if (options.csmsUrl) {
    csmsUrlTemplate = options.csmsUrl;
  } else {
    const passwords: Record<string, string> = {};
    if (options.password) for (let i = 0; i < count; i++) passwords[fleetIdentity(prefix, i, count)] = options.password;
    csms = await startDevCsms({ ...options.devCsms, passwords: { ...options.devCsms?.passwords, ...passwords } });
    csmsUrlTemplate = `${csms.url}/{deviceId}`;
  }
  const chargers: SimulatedCharger[] = [];
  let bench: BenchApi | undefined;
  const close = async (): Promise<void> => {
    for (const charger of chargers) charger.close();
    await bench?.close();
    await csms?.close();
    if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const identity = fleetIdentity(prefix, i, count);
      const dir = count === 1 ? stateDir : join(stateDir, identity);
      // --config: what provisioning writes into the board's NVS (it wins over the build defaults).
      if (Object.keys(config).length > 0) {
        mkdirSync(dir, { recursive: true });
        const kv = new FileKeyValueStore(join(dir, "nvs.json"));
        for (const [name, value] of Object.entries(config)) {
          if (name === "deviceId" && count > 1) continue; // each fleet member keeps its own identity
          const problem = provisionSetting(kv, name as keyof ChargerSettings, value);
          if (problem !== undefined) throw new Error(`config: ${problem}`);
        }
      }
      const defaults: Record<string, unknown> = {
        ...options.defaults,
        deviceId: identity,
        csmsUrlTemplate,
        connectors,
      };
      if (options.password) defaults.password = options.password;
      const charger = new SimulatedCharger({
        identity,
        stateDir: dir,
        defaults,
        connectors,
        tethered: options.tethered,
        devCsms: csms,
        log: options.log?.(identity),
        logLevel: options.logLevel,
        flash: options.flash,
      });
      chargers.push(charger);
      charger.start();
    }
    if (options.benchPort !== null)
      bench = await startBenchApi({ chargers: chargers.map((c) => ({ identity: c.identity, target: c })), port: options.benchPort ?? 0 });
  } catch (error) {
    await close();
    throw error;
  }
  return { csms, csmsUrlTemplate, chargers, bench, stateDir, close };
}
