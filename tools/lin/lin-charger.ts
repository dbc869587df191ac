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
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogSink } from "ports/log";
import { provisionSetting, type ChargerSettings } from "firmware/settings";
import { FileKeyValueStore } from "platform/host/kv-file";
import { ConsoleLogSink } from "platform/host/log-console";
import type { DevCsms } from "../csms/dev-csms.ts";
import { benchCsmsFor, refusingCsms } from "../bench-api/dev-csms-adapter.ts";
import { BenchTargetUnsupported, type NetworkAction, type PowerAction } from "../bench-api/target.ts";
import type { LinkWire } from "../bench-link/client.ts";
import { LinkedCharger } from "../bench-link/linked-charger.ts";
import type { LinBuild } from "./build.ts";
import { TcpProxy } from "./tcp-proxy.ts";

export { BENCH_LINK_VERSION } from "../bench-link/protocol.ts";
const REBOOT_EXIT_CODE = 3;

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
export interface LinMemoryFigures {
  slots: number;
  peakSlots: number;
  chunkBytes: number;
  peakChunkBytes: number;
  heapSlots: number;
  stackSlots: number;
  stackPeakSlots: number;
  collections: number;
  slotSize: number;
}

export class LinCharger extends LinkedCharger {
  readonly identity: string;
  /** Processes started so far (restores and reboots included). */
  boots = 0;
  /** Exit codes of the firmware processes that ended by themselves. */
  readonly exits: (number | null)[] = [];

  readonly #options: LinChargerOptions;
  #runDir = "";
  #display: string | undefined;
  #xvfb: ChildProcess | undefined;
  #server: Server | undefined;
  #proxy: TcpProxy | undefined;
  #process: ChildProcess | undefined;
  #powered = false;
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
  }

  /** Starts Xvfb, the bench link server and the network proxy, provisions NVS and powers the charger on. */
  async start(): Promise<void> {
    if (this.#closed) throw new Error("this lin charger is closed");
    this.#runDir = mkdtempSync(join(tmpdir(), "oxs-lin-run-"));
    mkdirSync(join(this.#runDir, ".config", "tech.moddable.mcsim"), { recursive: true });
    this.#display = await this.#startXvfb();
    this.#server = createServer((socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      this.#server!.once("error", reject);
      this.#server!.listen(0, "127.0.0.1", () => resolve());
    });
    const csms = new URL(this.#options.csmsUrlTemplate.replace("{deviceId}", "x"));
    const port = Number(csms.port || (csms.protocol === "wss:" ? 443 : 80));
    this.#proxy = await TcpProxy.start(csms.hostname, port);
    this.#provision();
    this.#spawn();
  }

  get powered(): boolean {
    return this.#powered;
  }

  protected networkState(): "up" | "down" {
    return this.#proxy?.up === false ? "down" : "up";
  }

  /** The firmware's XS heap figures (bench link `memory`): after a full collection when `collect`. */
  async memory(collect = true, resetPeaks = false): Promise<LinMemoryFigures> {
    return (await this.command({ cmd: "memory", collect, resetPeaks })) as LinMemoryFigures;
  }

  power(action: PowerAction): void {
    if (action === "cut") this.cutPower();
    else this.restorePower();
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
    if (!this.#powered) return;
    this.#powered = false;
    this.#kill();
    this.checkState();
  }

  /** Mains back: a new firmware process boots from the same state dir. */
  restorePower(): void {
    if (this.#powered || this.#closed) return;
    this.#spawn();
    this.checkState();
  }

  /** Stops the firmware, Xvfb, the link server and the proxy; the state dir stays. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#powered = false;
    this.#kill();
    this.#xvfb?.kill("SIGTERM");
    this.#xvfb = undefined;
    await this.#proxy?.close();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.closeListeners();
    if (this.#runDir) rmSync(this.#runDir, { recursive: true, force: true });
  }

  /** The settings the firmware boots with: identity, the CSMS behind our proxy, password, connectors, then --config. */
  #provision(): void {
    mkdirSync(this.#options.stateDir, { recursive: true });
    const kv = new FileKeyValueStore(join(this.#options.stateDir, "nvs.json"));
    const proxyUrl = new URL(this.#options.csmsUrlTemplate.replace("{deviceId}", "DEVICEID"));
    proxyUrl.host = `127.0.0.1:${this.#proxy!.port}`;
    const settings: [keyof ChargerSettings, string | number | boolean][] = [
      ["deviceId", this.identity],
      ["csmsUrlTemplate", proxyUrl.toString().replace("DEVICEID", "{deviceId}")],
      ["connectors", this.connectorCount],
    ];
    if (this.#options.password) settings.push(["password", this.#options.password]);
    for (const [name, value] of Object.entries(this.#options.config ?? {})) settings.push([name as keyof ChargerSettings, value]);
    for (const [name, value] of settings) {
      const problem = provisionSetting(kv, name, value);
      if (problem !== undefined) throw new Error(`config: ${problem}`);
    }
  }

  #startXvfb(): Promise<string> {
    return new Promise((resolve, reject) => {
      const xvfb = spawn("Xvfb", ["-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "640x480x24"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.#xvfb = xvfb;
      let text = "";
      xvfb.stdout!.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const match = /^(\d+)\n/.exec(text);
        if (match) resolve(`:${match[1]}`);
      });
      xvfb.stderr!.resume();
      xvfb.once("error", (error) => reject(new Error(`Xvfb: ${error.message}`)));
      xvfb.once("exit", (code) => reject(new Error(`Xvfb exited with ${code}`)));
    });
  }

  #spawn(): void {
    const build = this.#options.build;
    const energy = this.getState()
      .connectors.map((c) => String(c.energyWh))
      .join(",");
    const child = spawn(build.mcsim, [build.simulators, build.mcSo], {
      cwd: this.#runDir,
      env: {
        ...process.env,
        HOME: this.#runDir,
        DISPLAY: this.#display,
        OXS_STATE_DIR: this.#options.stateDir,
        OXS_BENCH_LINK_PORT: String((this.#server!.address() as { port: number }).port),
        OXS_METER_WH: energy,
        NO_AT_BRIDGE: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#process = child;
    this.#powered = true;
    this.boots++;
    let pendingText = "";
    const onOutput = (chunk: Buffer): void => {
      pendingText += chunk.toString();
      let at: number;
      while ((at = pendingText.indexOf("\n")) >= 0) {
        const line = pendingText.slice(0, at).trimEnd();
        pendingText = pendingText.slice(at + 1);
        if (line.length > 0) this.log.write("info", "lin", line);
      }
    };
    child.stdout!.on("data", onOutput);
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString().trim();
      // GTK's chatter about the missing accessibility bus and themes is not the firmware's.
      if (text && !/Gtk-WARNING|dbind-WARNING|at-spi/.test(text)) this.log.write("warn", "lin", text);
    });
    child.once("exit", (code, signal) => {
      if (this.#process !== child) return;
      this.#process = undefined;
      this.linkLost("the firmware process ended");
      if (!this.#powered || this.#closed) return;
      this.exits.push(code);
      if (code === REBOOT_EXIT_CODE) {
        this.log.write("info", "lin", "the firmware rebooted: starting it again");
        this.#spawn();
      } else {
        this.log.write("error", "lin", `the firmware process ended (${signal ?? `exit ${code}`}); starting it again in 1 s`);
        setTimeout(() => {
          if (this.#powered && !this.#closed && !this.#process) this.#spawn();
        }, 1000).unref();
      }
      this.checkState();
    });
  }

  #kill(): void {
    const child = this.#process;
    this.#process = undefined;
    child?.kill("SIGKILL");
    this.linkLost("the firmware process was killed");
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
