// The charger of `npm start -- --target lin`: the firmware as mcconfig builds it for lin (XS 17,
// the ECMA-419 WebSocket client, our lin platform), run headless by the SDK's mcsim under Xvfb,
// reached over its bench link (docs/bench-link.md) and exposed as a BenchTarget, so the bench
// page, the bench API and the scenario runner drive it exactly like the Node simulator.
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
import type { CsmsRequest, CsmsResponse } from "../csms/ocpp-types.ts";
import { benchCsmsFor, refusingCsms } from "../bench-api/dev-csms-adapter.ts";
import {
  BenchTargetError,
  BenchTargetUnsupported,
  type BenchConnectorState,
  type BenchCsms,
  type BenchEvent,
  type BenchFrame,
  type BenchState,
  type BenchTarget,
  type FaultKind,
  type NetworkAction,
  type PilotState,
  type PowerAction,
} from "../bench-api/target.ts";
import type { LinBuild } from "./build.ts";
import { TcpProxy } from "./tcp-proxy.ts";

/** The bench link version this host speaks (modules/firmware/bench/link.ts). */
export const BENCH_LINK_VERSION = 1;
const REBOOT_EXIT_CODE = 3;
const COMMAND_TIMEOUT_MS = 10_000;

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

/** One connector as the firmware's bench link reports it. */
interface LinkConnector {
  connectorId: number;
  pilot: PilotState;
  ev: PilotState | null;
  relayClosed: boolean | null;
  offeredA: number | null;
  drawnA: number | null;
  /** Absent from a firmware built before the bench page's charts (read as null). */
  drawnPhasesA?: number[] | null;
  powerW?: number | null;
  smartLimitA?: number | null;
  sessionEnergyWh?: number | null;
  energyWh: number | null;
  temperatureC: number | null;
  ocppStatus: string;
  transactionId: number | null;
  faults: FaultKind[];
}

interface LinkState {
  connection: "online" | "connecting";
  pendingTransactionMessages: number;
  dropped: number;
  connectors: LinkConnector[];
}

interface LinkLine {
  t?: string;
  id?: number | string | null;
  ok?: boolean;
  error?: string;
  result?: unknown;
  state?: LinkState;
  direction?: BenchFrame["direction"];
  text?: string;
  v?: number;
  firmwareVersion?: string;
  deviceId?: string;
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

export class LinCharger implements BenchTarget {
  readonly identity: string;
  readonly csms: BenchCsms;
  /** Processes started so far (restores and reboots included). */
  boots = 0;
  /** Exit codes of the firmware processes that ended by themselves. */
  readonly exits: (number | null)[] = [];

  readonly #options: LinChargerOptions;
  readonly #log: LogSink;
  readonly #connectors: number;
  readonly #frames: BenchFrame[] = [];
  readonly #listeners = new Set<(event: BenchEvent) => void>();
  readonly #evStates: PilotState[] = [];
  readonly #faults: FaultKind[][] = [];
  readonly #last: BenchConnectorState[] = [];
  #runDir = "";
  #display: string | undefined;
  #xvfb: ChildProcess | undefined;
  #server: Server | undefined;
  #proxy: TcpProxy | undefined;
  #process: ChildProcess | undefined;
  #socket: Socket | undefined;
  #linkState: LinkState | undefined;
  #version = "";
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  #powered = false;
  #closed = false;
  #lastStateJson = "";
  #helloWaiters: (() => void)[] = [];

  constructor(options: LinChargerOptions) {
    this.#options = options;
    this.identity = options.identity;
    this.#log = options.log ?? new ConsoleLogSink(`[${options.identity}] `);
    this.#connectors = options.connectors ?? 1;
    for (let i = 0; i < this.#connectors; i++) {
      this.#evStates.push("A");
      this.#faults.push([]);
      this.#last.push({
        connectorId: i + 1,
        pilot: "F",
        ev: "A",
        relayClosed: false,
        offeredA: 0,
        drawnA: 0,
        drawnPhasesA: null,
        powerW: null,
        smartLimitA: null,
        energyWh: 0,
        sessionEnergyWh: null,
        temperatureC: null,
        ocppStatus: "Unavailable",
        transactionId: null,
        faults: [],
      });
    }
    this.csms = options.devCsms ? benchCsmsFor(options.devCsms, options.identity) : refusingCsms();
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

  /** Resolves once the running firmware said hello on its bench link. */
  async linked(): Promise<void> {
    if (this.#socket && this.#version) return;
    await new Promise<void>((resolve) => this.#helloWaiters.push(resolve));
  }

  get powered(): boolean {
    return this.#powered;
  }

  getState(): BenchState {
    const link = this.#linkState;
    const connectors: BenchConnectorState[] = [];
    for (let i = 0; i < this.#connectors; i++) {
      const last = this.#last[i];
      const reported = this.#powered && this.#socket ? link?.connectors[i] : undefined;
      if (reported) {
        last.pilot = reported.pilot;
        last.relayClosed = reported.relayClosed ?? false;
        last.offeredA = reported.offeredA ?? 0;
        last.drawnA = reported.drawnA ?? 0;
        last.drawnPhasesA = reported.drawnPhasesA ?? null;
        last.powerW = reported.powerW ?? null;
        last.smartLimitA = reported.smartLimitA ?? null;
        last.energyWh = reported.energyWh ?? last.energyWh;
        last.sessionEnergyWh = reported.sessionEnergyWh ?? null;
        last.temperatureC = reported.temperatureC;
        last.ocppStatus = reported.ocppStatus;
        last.transactionId = reported.transactionId;
      } else if (!this.#powered) {
        last.pilot = "F";
        last.relayClosed = false;
        last.offeredA = 0;
        last.drawnA = 0;
        last.drawnPhasesA = null;
        last.powerW = null;
        last.temperatureC = null;
      }
      connectors.push({ ...last, ev: this.#evStates[i], faults: this.#faults[i].slice() });
    }
    const online = this.#powered && this.#socket !== undefined && link?.connection === "online";
    return {
      firmwareVersion: this.#version,
      connection: online ? "online" : this.#powered && this.#proxy?.up ? "connecting" : "offline",
      power: this.#powered ? "on" : "off",
      network: this.#proxy?.up === false ? "down" : "up",
      connectors,
    };
  }

  /** Transaction messages the firmware has not had answered yet (its journal), when linked. */
  get pendingTransactionMessages(): number | undefined {
    return this.#socket ? this.#linkState?.pendingTransactionMessages : undefined;
  }

  /** The firmware's XS heap figures (bench link `memory`): after a full collection when `collect`. */
  async memory(collect = true, resetPeaks = false): Promise<LinMemoryFigures> {
    return (await this.#command({ cmd: "memory", collect, resetPeaks })) as LinMemoryFigures;
  }

  /** The firmware's own GetCompositeSchedule handler, run over the bench link (`schedule`). */
  async compositeSchedule(request: CsmsRequest<"GetCompositeSchedule">): Promise<CsmsResponse<"GetCompositeSchedule">> {
    try {
      return (await this.#command({ cmd: "schedule", ...request })) as CsmsResponse<"GetCompositeSchedule">;
    } catch (error) {
      // A firmware built before the bench link had `schedule` cannot answer at all.
      if (error instanceof BenchTargetError && /unknown command 'schedule'/.test(error.message))
        throw new BenchTargetUnsupported(
          "this lin firmware's bench link has no 'schedule' command: rebuild it (tools/moddable/build-lin.sh)",
        );
      throw error;
    }
  }

  frames(): readonly BenchFrame[] {
    return this.#frames.slice();
  }

  subscribe(listener: (event: BenchEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async setEv(connectorId: number, state: PilotState): Promise<void> {
    this.#checkConnector(connectorId);
    if (state === "F") throw new BenchTargetError("a simulated EV cannot present state F (-12 V); inject the 'diode' fault instead");
    this.#evStates[connectorId - 1] = state;
    if (this.#socket) await this.#command({ cmd: "ev", connectorId, state });
    this.#checkState();
  }

  async presentCard(idTag: string, connectorId?: number): Promise<void> {
    if (connectorId !== undefined) this.#checkConnector(connectorId);
    if (!this.#powered) throw new BenchTargetError("the charger is powered off");
    await this.#command(connectorId === undefined ? { cmd: "card", idTag } : { cmd: "card", idTag, connectorId });
  }

  async setFault(connectorId: number, kind: FaultKind, active: boolean): Promise<void> {
    this.#checkConnector(connectorId);
    const list = this.#faults[connectorId - 1];
    const at = list.indexOf(kind);
    if (active && at < 0) list.push(kind);
    if (!active && at >= 0) list.splice(at, 1);
    if (this.#socket) await this.#command({ cmd: "fault", connectorId, kind, active });
    this.#checkState();
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
    this.#checkState();
  }

  /** Mains off: the firmware process dies where it is (SIGKILL); flash and NVS files stay. */
  cutPower(): void {
    if (!this.#powered) return;
    this.#powered = false;
    this.#kill();
    this.#checkState();
  }

  /** Mains back: a new firmware process boots from the same state dir. */
  restorePower(): void {
    if (this.#powered || this.#closed) return;
    this.#spawn();
    this.#checkState();
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
    this.#listeners.clear();
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
      ["connectors", this.#connectors],
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
    const energy = this.#last.map((c) => String(c.energyWh ?? 0)).join(",");
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
        if (line.length > 0) this.#log.write("info", "lin", line);
      }
    };
    child.stdout!.on("data", onOutput);
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString().trim();
      // GTK's chatter about the missing accessibility bus and themes is not the firmware's.
      if (text && !/Gtk-WARNING|dbind-WARNING|at-spi/.test(text)) this.#log.write("warn", "lin", text);
    });
    child.once("exit", (code, signal) => {
      if (this.#process !== child) return;
      this.#process = undefined;
      this.#dropLink();
      if (!this.#powered || this.#closed) return;
      this.exits.push(code);
      if (code === REBOOT_EXIT_CODE) {
        this.#log.write("info", "lin", "the firmware rebooted: starting it again");
        this.#spawn();
      } else {
        this.#log.write("error", "lin", `the firmware process ended (${signal ?? `exit ${code}`}); starting it again in 1 s`);
        setTimeout(() => {
          if (this.#powered && !this.#closed && !this.#process) this.#spawn();
        }, 1000).unref();
      }
      this.#checkState();
    });
  }

  #kill(): void {
    const child = this.#process;
    this.#process = undefined;
    child?.kill("SIGKILL");
    this.#dropLink();
  }

  #dropLink(): void {
    this.#socket?.destroy();
    this.#socket = undefined;
    this.#linkState = undefined;
    for (const [, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new BenchTargetError("the charger went away before answering"));
    }
    this.#pending.clear();
  }

  #accept(socket: Socket): void {
    if (this.#socket) this.#socket.destroy();
    this.#socket = socket;
    socket.setNoDelay(true);
    let text = "";
    socket.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      let at: number;
      while ((at = text.indexOf("\n")) >= 0) {
        const line = text.slice(0, at);
        text = text.slice(at + 1);
        this.#onLine(line);
      }
    });
    const gone = (): void => {
      if (this.#socket !== socket) return;
      this.#dropLink();
      this.#checkState();
    };
    socket.on("close", gone);
    socket.on("error", gone);
  }

  #onLine(line: string): void {
    let message: LinkLine;
    try {
      message = JSON.parse(line) as LinkLine;
    } catch {
      this.#log.write("warn", "lin", `bench link: not JSON: ${line.slice(0, 200)}`);
      return;
    }
    switch (message.t) {
      case "hello":
        if (message.v !== BENCH_LINK_VERSION) {
          this.#log.write("error", "lin", `bench link version ${message.v}; this host speaks ${BENCH_LINK_VERSION}`);
          this.#socket?.destroy();
          return;
        }
        this.#version = message.firmwareVersion ?? "";
        void this.#replayBench();
        return;
      case "state":
        if (message.state) this.#linkState = message.state;
        this.#checkState();
        return;
      case "frame":
        if (message.direction && typeof message.text === "string") this.#frame(message.direction, message.text);
        return;
      case "reply": {
        const pending = typeof message.id === "number" ? this.#pending.get(message.id) : undefined;
        if (!pending) return;
        this.#pending.delete(message.id as number);
        clearTimeout(pending.timer);
        if (message.ok) pending.resolve(message.result);
        else pending.reject(new BenchTargetError(message.error ?? "refused"));
        return;
      }
      case "error":
        this.#log.write("warn", "lin", `bench link error: ${message.error ?? "?"}`);
        return;
      default:
        this.#log.write("warn", "lin", `bench link: unknown line ${line.slice(0, 200)}`);
    }
  }

  /** After a (re)boot: the EVs stay plugged and injected faults stay, as on the Node simulator's board. */
  async #replayBench(): Promise<void> {
    try {
      for (let i = 0; i < this.#connectors; i++) {
        if (this.#evStates[i] !== "A") await this.#command({ cmd: "ev", connectorId: i + 1, state: this.#evStates[i] });
        for (const kind of this.#faults[i]) await this.#command({ cmd: "fault", connectorId: i + 1, kind, active: true });
      }
    } catch (error) {
      this.#log.write("warn", "lin", `bench link: replaying the EVs and faults failed: ${(error as Error).message}`);
    }
    const waiters = this.#helloWaiters;
    this.#helloWaiters = [];
    for (const resolve of waiters) resolve();
    this.#checkState();
  }

  #command(command: Record<string, unknown>): Promise<unknown> {
    const socket = this.#socket;
    if (!socket)
      return Promise.reject(
        new BenchTargetError(this.#powered ? "the firmware is booting (its bench link is not up yet)" : "the charger is powered off"),
      );
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new BenchTargetError(`the firmware did not answer '${String(command.cmd)}' within ${COMMAND_TIMEOUT_MS / 1000} s`));
      }, COMMAND_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      socket.write(`${JSON.stringify({ v: BENCH_LINK_VERSION, id, ...command })}\n`);
    });
  }

  #checkConnector(connectorId: number): void {
    if (!Number.isInteger(connectorId) || connectorId < 1 || connectorId > this.#connectors)
      throw new BenchTargetError(`no connector ${connectorId} (this charger has ${this.#connectors})`);
  }

  #frame(direction: BenchFrame["direction"], text: string): void {
    const frame: BenchFrame = { at: new Date().toISOString(), direction, text };
    this.#frames.push(frame);
    if (this.#frames.length > (this.#options.frameLimit ?? 500)) this.#frames.shift();
    this.#emit({ type: "frame", frame });
  }

  #checkState(): void {
    if (this.#listeners.size === 0) return;
    const state = this.getState();
    const json = JSON.stringify(state);
    if (json === this.#lastStateJson) return;
    this.#lastStateJson = json;
    this.#emit({ type: "state", state });
  }

  #emit(event: BenchEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.#log.write("warn", "lin", `bench listener failed: ${(error as Error).message}`);
      }
    }
  }
}
