// What `npm start -- --rig ADDRESS` runs, as a library (tools/start.ts and the rig tests): the
// development CSMS (unless --csms), a TCP proxy in front of it for the board (the rig's network
// drop), the board over its bench link, optionally its EV emulator, and the bench page/API.
import type { LogSink } from "ports/log";
import { startDevCsms, type DevCsms, type DevCsmsOptions } from "../csms/dev-csms.ts";
import { startBenchApi, type BenchApi } from "../bench-api/server.ts";
import { TcpProxy } from "../lin/tcp-proxy.ts";
import type { RigAddress } from "./address.ts";
import type { EvActuator, PowerRelay } from "./ev-actuator.ts";
import { openEvEmulator } from "./ev-emulator-actuator.ts";
import { RigCharger } from "./rig-charger.ts";
import type { HostSerialPortFactory } from "./serial-port.ts";

export interface RigStackOptions {
  /** The board's bench link. */
  rig: RigAddress;
  /** The EV emulator's address (its client opens it). */
  ev?: RigAddress;
  /** An EV actuator already open (instead of `ev`). */
  evActuator?: EvActuator;
  /** A mains relay (instead of the EV emulator's). */
  mains?: PowerRelay;
  /** External CSMS URL template (`{deviceId}`); no dev CSMS then. */
  csmsUrl?: string;
  /** Where the proxy for the board listens (default 127.0.0.1, a free port). */
  proxyHost?: string;
  proxyPort?: number;
  /** Bench page/API port (0 = free port); null = no bench API. */
  benchPort?: number | null;
  devCsms?: DevCsmsOptions;
  log?: LogSink;
  /** How long to wait for the board's first hello before serving anyway, ms (default 15000). */
  helloTimeoutMs?: number;
  /** Wait before opening the link again after a loss, ms (default 1000). */
  retryMs?: number;
  serialPorts?: HostSerialPortFactory;
}

export interface RigStack {
  readonly csms: DevCsms | undefined;
  /** The CSMS the proxy forwards to. */
  readonly csmsUrlTemplate: string;
  /** The URL template the board must use: the rig's proxy (network drop/restore). */
  readonly boardCsmsUrlTemplate: string;
  readonly chargers: readonly RigCharger[];
  readonly bench: BenchApi | undefined;
  /** The board said hello before the bench started serving. */
  readonly linked: boolean;
  close(): Promise<void>;
}

export async function startRigStack(options: RigStackOptions): Promise<RigStack> {
  let csms: DevCsms | undefined;
  let proxy: TcpProxy | undefined;
  let charger: RigCharger | undefined;
  let bench: BenchApi | undefined;
  let ev = options.evActuator;
  const close = async (): Promise<void> => {
    await charger?.close();
    if (!charger) await ev?.close();
    await bench?.close();
    await proxy?.close();
    await csms?.close();
  };
  try {
    let csmsUrlTemplate: string;
    if (options.csmsUrl) csmsUrlTemplate = options.csmsUrl;
    else {
      csms = await startDevCsms({ ...options.devCsms });
      csmsUrlTemplate = `${csms.url}/{deviceId}`;
    }
    const upstream = new URL(csmsUrlTemplate.replace("{deviceId}", "x"));
    const upstreamPort = Number(upstream.port || (upstream.protocol === "wss:" ? 443 : 80));
    proxy = await TcpProxy.start(upstream.hostname, upstreamPort, options.proxyPort ?? 0, options.proxyHost ?? "127.0.0.1");
    const boardUrl = new URL(csmsUrlTemplate.replace("{deviceId}", "DEVICEID"));
    boardUrl.host = `${options.proxyHost && options.proxyHost !== "0.0.0.0" ? options.proxyHost : "127.0.0.1"}:${proxy.port}`;
    const boardCsmsUrlTemplate = boardUrl.toString().replace("DEVICEID", "{deviceId}");
    if (!ev && options.ev) ev = await openEvEmulator(options.ev);
    charger = new RigCharger({
      address: options.rig,
      ev,
      mains: options.mains,
      proxy,
      devCsms: csms,
      log: options.log,
      retryMs: options.retryMs,
      serialPorts: options.serialPorts,
    });
    charger.start();
    const started = charger;
    let linked = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.helloTimeoutMs ?? 15_000);
      void started.linked().then(() => {
        linked = true;
        clearTimeout(timer);
        resolve();
      });
    });
    if (options.benchPort !== null)
      bench = await startBenchApi({ chargers: [{ identity: started.identity, target: started }], port: options.benchPort ?? 0 });
    return { csms, csmsUrlTemplate, boardCsmsUrlTemplate, chargers: [started], bench, linked, close };
  } catch (error) {
    await close();
    throw error;
  }
}
