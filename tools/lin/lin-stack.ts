// What `npm start -- --target lin` runs, as a library (tools/start.ts and the lin tests): the
// development CSMS (unless --csms), the lin firmware built by mcconfig and run headless as the
// charger, and the bench page/API over it. With `tls` the charger runs in security profile 2:
// Basic auth over wss to the development CSMS's TLS listener, whose throwaway CA (made now with
// openssl) is provisioned into the charger's NVS (provision-csms-trust.ts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogSink } from "ports/log";
import { startDevCsms, type DevCsms, type DevCsmsOptions } from "../csms/dev-csms.ts";
import { startBenchApi, type BenchApi } from "../bench-api/server.ts";
import { checkConfig } from "../sim/stack.ts";
import { hasOpenssl, makeServerPki, type ServerPki } from "../pki/throwaway-pki.ts";
import { buildLinFirmware, type LinBuild } from "./build.ts";
import { LinCharger } from "./lin-charger.ts";
import { provisionCsmsTrust } from "./provision-csms-trust.ts";

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
  /**
   * Security profile 2: the development CSMS also listens for wss with a throwaway CA made now, the
   * charger gets that CA and SecurityProfile 2 in its NVS and connects over wss with Basic auth
   * (`password`, or a random one). Not with `csmsUrl`.
   */
  tls?: boolean;
}

export interface LinStack {
  readonly csms: DevCsms | undefined;
  readonly csmsUrlTemplate: string;
  readonly chargers: readonly LinCharger[];
  readonly bench: BenchApi | undefined;
  readonly stateDir: string;
  /** With `tls`: the CA the charger trusts (PEM) and the Basic-auth password it sends inside TLS. */
  readonly tls: { caPem: string; password: string } | undefined;
  close(): Promise<void>;
}

export async function startLinStack(options: LinStackOptions = {}): Promise<LinStack> {
  const config = options.config ? checkConfig(options.config) : {};
  const build = options.build ?? buildLinFirmware();
  const ownStateDir = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "oxs-lin-"));
  const identity = options.deviceId ?? (typeof config.deviceId === "string" ? config.deviceId : "LIN-0001");
  const connectors = options.connectors ?? (typeof config.connectors === "number" ? config.connectors : 1);
  let pki: ServerPki | undefined;
  if (options.tls) {
    if (options.csmsUrl) throw new Error("tls runs the charger against the development CSMS's wss listener: not with an external CSMS URL");
    if (!hasOpenssl()) throw new Error("tls needs the openssl command for its throwaway CA (apt-get install openssl)");
    pki = makeServerPki("Wattlight dev CSMS CA", 1, "oxs-lin-tls-");
  }
  // Profile 2 is Basic auth over wss: a password there must be.
  const password = options.password ?? (pki ? randomBytes(12).toString("hex") : undefined);
  let csms: DevCsms | undefined;
  let csmsUrlTemplate: string;
  if (options.csmsUrl) csmsUrlTemplate = options.csmsUrl;
  else {
    const passwords: Record<string, string> = password ? { [identity]: password } : {};
    const tls = pki ? { keyPem: pki.keyPem, certPem: pki.chainPem } : undefined;
    csms = await startDevCsms({ ...options.devCsms, passwords: { ...options.devCsms?.passwords, ...passwords }, tls });
    csmsUrlTemplate = `${csms.secureUrl ?? csms.url}/{deviceId}`;
  }
  const charger = new LinCharger({
    identity,
    stateDir,
    build,
    csmsUrlTemplate,
    password,
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
    if (pki) provisionCsmsTrust(stateDir, pki.caPem);
    await charger.start();
    if (options.benchPort !== null)
      bench = await startBenchApi({ chargers: [{ identity, target: charger }], port: options.benchPort ?? 0 });
  } catch (error) {
    await close();
    throw error;
  }
  const tls = pki && password ? { caPem: pki.caPem, password } : undefined;
  return { csms, csmsUrlTemplate, chargers: [charger], bench, stateDir, tls, close };
}
