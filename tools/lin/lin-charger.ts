// The charger of `npm start -- --target lin`: the firmware as mcconfig builds it for lin (XS 17,
// the ECMA-419 WebSocket client, our lin platform), run headless by the SDK's mcsim under Xvfb,
// reached over its bench link (docs/bench-link.md) and exposed as a BenchTarget, so the bench
// page, the bench API and the scenario runner drive it exactly like the Node simulator. The link
// itself (state, frames, commands, the bench's EVs and faults) is tools/bench-link, shared with
// the rig target; this file runs the process, its network proxy and its power.
//
// Power cut = the process is killed (SIGKILL); restore = started again on the same state dir
// (nvs.json and <partition>.bin: flash and NVS kept, RAM lost). The network link is a TCP proxy
// (tcp-proxy.ts) that the bench can cut. A reboot the firmware asks for (Reset, firmware update)
// ends the process with code 3 and it is started again at once.
/// <reference path="../../types/moddable/lin-host.d.ts" />
import { createServer, type Server, type Socket } from "node:net";
import type { LogSink } from "ports/log";
import type { ChargerSettings } from "boot/settings";
import { ConsoleLogSink } from "platform/host/log-console";
// Types only: the native module's heap figures, which the bench link's `memory` command passes on.
import type { LinMemory } from "platform/moddable/lin/host";
import type { DevCsms } from "../csms/dev-csms.ts";
import { benchCsmsFor, refusingCsms } from "../bench-api/dev-csms-adapter.ts";
import { BenchTargetUnsupported, type NetworkAction, type PowerAction } from "../bench-api/target.ts";
import type { LinkWire } from "../bench-link/client.ts";
import { LinkedCharger } from "../bench-link/linked-charger.ts";
import type { LinBuild } from "./build.ts";
import type { InstrumentFigures } from "./instrument-tally.ts";
import { LinProcess, provisionLinState } from "./lin-process.ts";
import { TcpProxy } from "./tcp-proxy.ts";

export { BENCH_LINK_VERSION } from "../bench-link/protocol.ts";

export interface LinChargerOptions {
  identity: string;
  /** nvs.json and the flash partitions; kept across power cuts. */
  stateDir: string;
  build: LinBuild;
  /** ws:// or wss:// URL template of the CSMS, `{deviceId}` in it. */
  csmsUrlTemplate: string;
  password?: string;
  connectors?: number;
  /** Settings provisioned into NVS after ours (the `--config` JSON). */
  config?: Readonly<Record<string, string | boolean | number>>;
  devCsms?: DevCsms;
  log?: LogSink;
  frameLimit?: number;
}

/** What the lin firmware reports of its XS heaps (platform/moddable/lin/host.c); -1: not counted in this build. */
export interface LinMemoryFigures extends LinMemory {
  /** Slots the bench link itself retained at boot (absent from a production build). */
  benchLinkSlots?: number;
  /** Chunk bytes the bench link itself retained at boot. */
  benchLinkChunkBytes?: number;
  /** After a collection: the live chunk heap as the 32-bit ESP32 would hold it (host.c chunkCensus). */
  esp32ChunkBytes?: number;
}

export class LinCharger extends LinkedCharger {
  readonly identity: string;
  readonly #options: LinChargerOptions;
  readonly #process: LinProcess;
  #server: Server | undefined;
  #proxy: TcpProxy | undefined;
  #closed = false;

  constructor(options: LinChargerOptions) {
    const log = options.log ?? new ConsoleLogSink(`[${options.identity}] `);
    super({
      connectors: options.connectors ?? 1,
      csms: options.devCsms ? benchCsmsFor(options.devCsms, options.identity) : refusingCsms(),
      log,
      tag: "lin",
      simulatedBoard: true,
      frameLimit: options.frameLimit,
    });
    this.#options = options;
    this.identity = options.identity;
    this.#process = new LinProcess({
      build: options.build,
      stateDir: options.stateDir,
      log,
      env: () => ({
        OXS_BENCH_LINK_PORT: String((this.#server!.address() as { port: number }).port),
        // The meters' registers as last seen: a meter keeps counting through a restart of the charger.
        OXS_METER_WH: this.getState()
          .connectors.map((c) => String(c.energyWh))
          .join(","),
      }),
      onStart: () => this.checkState(),
      onEnd: () => {
        this.linkLost("the firmware process ended");
        this.checkState();
      },
    });
  }

  /** Processes started so far (restores and reboots included). */
  get boots(): number {
    return this.#process.boots;
  }

  /** Exit codes of the firmware processes that ended by themselves. */
  get exits(): readonly (number | null)[] {
    return this.#process.exits;
  }

  /** Starts the bench link server and the network proxy, provisions NVS and powers the charger on. */
  async start(): Promise<void> {
    if (this.#closed) throw new Error("this lin charger is closed");
    this.#server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.#server!.once("error", reject);
      this.#server!.listen(0, "127.0.0.1", () => resolve());
    });
    const csms = new URL(this.#options.csmsUrlTemplate.replace("{deviceId}", "x"));
    const port = Number(csms.port || (csms.protocol === "wss:" ? 443 : 80));
    this.#proxy = await TcpProxy.start(csms.hostname, port);
    this.#provision();
    await this.#process.powerOn();
  }

  get powered(): boolean {
    return this.#process.powered;
  }

  protected networkState(): "up" | "down" {
    return this.#proxy?.up === false ? "down" : "up";
  }

  /** The instrument samples of the running (or last) process: collections, boot's, the stack peak (instrumented builds). */
  get instruments(): InstrumentFigures {
    return this.#process.instruments;
  }

  /** Boot ends, for the instrument samples, when the firmware is online with every connector Available. */
  protected override checkState(): void {
    const state = this.getState();
    if (state.connection === "online" && state.connectors.every((c) => c.ocppStatus === "Available")) this.#process.booted();
    super.checkState();
  }

  /** The firmware's XS heap figures (bench link `memory`): after a full collection when `collect`. */
  async memory(collect = true, resetPeaks = false): Promise<LinMemoryFigures> {
    return (await this.command({ cmd: "memory", collect, resetPeaks })) as LinMemoryFigures;
  }

  async power(action: PowerAction): Promise<void> {
    if (action === "cut") this.cutPower();
    else await this.restorePower();
  }

  network(action: NetworkAction): void {
    const proxy = this.#proxy;
    if (!proxy) throw new BenchTargetUnsupported("the lin charger has no network link yet (not started)");
    if (typeof this.#options.config?.csmsUrl === "string" && this.#options.config.csmsUrl !== "")
      throw new BenchTargetUnsupported(
        "network drop/restore on the lin target works through its proxy in the CSMS URL template; the --config csmsUrl setting bypasses it",
      );
    if (action === "drop") proxy.drop();
    else proxy.restore();
    this.checkState();
  }

  /** Mains off: the firmware process dies where it is (SIGKILL); flash and NVS files stay. */
  cutPower(): void {
    this.#process.powerOff();
    this.checkState();
  }

  /** Mains back: a new firmware process boots from the same state dir. */
  async restorePower(): Promise<void> {
    if (this.#closed) return;
    await this.#process.powerOn();
    this.checkState();
  }

  /** Stops the firmware, Xvfb, the link server and the proxy; the state dir stays. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#process.close();
    await this.#proxy?.close();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.closeListeners();
  }

  /** The settings the firmware boots with: identity, the CSMS behind our proxy, password, connectors, then --config. */
  #provision(): void {
    const proxyUrl = new URL(this.#options.csmsUrlTemplate.replace("{deviceId}", "DEVICEID"));
    proxyUrl.host = `127.0.0.1:${this.#proxy!.port}`;
    const settings: [keyof ChargerSettings, string | number | boolean][] = [
      ["deviceId", this.identity],
      ["csmsUrlTemplate", proxyUrl.toString().replace("DEVICEID", "{deviceId}")],
      ["connectors", this.connectorCount],
    ];
    if (this.#options.password) settings.push(["password", this.#options.password]);
    for (const [name, value] of Object.entries(this.#options.config ?? {})) settings.push([name as keyof ChargerSettings, value]);
    provisionLinState(this.#options.stateDir, settings);
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    const wire: LinkWire = { write: (text) => socket.write(text), close: () => socket.destroy() };
    this.attachLink(wire);
    socket.on("data", (chunk: Buffer) => this.client.receive(wire, chunk));
    const gone = (): void => this.linkLost("the bench link connection closed", wire);
    socket.on("close", gone);
    socket.on("error", gone);
  }
}
