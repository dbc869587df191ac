// What `npm start -- --target lin` runs, as a library (tools/start.ts and the lin tests): the
// development CSMS (unless --csms), the lin firmware built by mcconfig and run headless as the
// charger, and the bench page/API over it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogSink } from "ports/log";
import { startDevCsms, type DevCsms, type DevCsmsOptions } from "../csms/dev-csms.ts";
import { startBenchApi, type BenchApi } from "../bench-api/server.ts";
import { checkConfig } from "../sim/stack.ts";
import { buildLinFirmware, type LinBuild } from "./build.ts";
import { LinCharger } from "./lin-charger.ts";

export interface LinStackOptions {
  csmsUrl?: string;
  deviceId?: string;
  password?: string;
  connectors?: number;
  config?: Readonly<Record<string, unknown>>;
  stateDir?: string;
  /** Bench page/API port (0 = free port); null = no bench API. */
  benchPort?: number | null;
  devCsms?: DevCsmsOptions;
  log?: (identity: string) => LogSink | undefined;
  /** A build made already (tests build once); default: build (incrementally) now. */
  build?: LinBuild;
}

export interface LinStack {
  readonly csms: DevCsms | undefined;
  readonly csmsUrlTemplate: string;
  readonly chargers: readonly LinCharger[];
  readonly bench: BenchApi | undefined;
  readonly stateDir: string;
  close(): Promise<void>;
}

export async function startLinStack(options: LinStackOptions = {}): Promise<LinStack> {
  const config = options.config ? checkConfig(options.config) : {};
  const build = options.build ?? buildLinFirmware();
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "oxs-lin-"));
  const identity = options.deviceId ?? (typeof config.deviceId === "string" ? config.deviceId : "LIN-0001");
  const connectors = options.connectors ?? (typeof config.connectors === "number" ? config.connectors : 1);
  let csms: DevCsms | undefined;
  let csmsUrlTemplate: string;
  if (options.csmsUrl) csmsUrlTemplate = options.csmsUrl;
  else {
    const passwords: Record<string, string> = options.password ? { [identity]: options.password } : {};
    csms = await startDevCsms({ ...options.devCsms, passwords: { ...options.devCsms?.passwords, ...passwords } });
    csmsUrlTemplate = `${csms.url}/{deviceId}`;
  }
  const charger = new LinCharger({
    identity,
    stateDir,
    build,
    csmsUrlTemplate,
    password: options.password,
    connectors,
    config,
    devCsms: csms,
    log: options.log?.(identity),
  });
  let bench: BenchApi | undefined;
  const close = async (): Promise<void> => {
    await charger.close();
    await bench?.close();
    await csms?.close();
    if (ownStateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    await charger.start();
    if (options.benchPort !== null)
      bench = await startBenchApi({ chargers: [{ identity, target: charger }], port: options.benchPort ?? 0 });
  } catch (error) {
    await close();
    throw error;
  }
  return { csms, csmsUrlTemplate, chargers: [charger], bench, stateDir, close };
}
