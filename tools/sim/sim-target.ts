// The simulated charger: the real firmware core (bootFirmware) on the host platform with the
// simulated board of hal/sim, exposed as a BenchTarget so the bench page, the bench API, the
// scenario runner and the tests drive it exactly like a hardware-in-the-loop rig drives a board.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bootFirmware, type RunningFirmware } from "boot/boot";
import { FIRMWARE_VERSION } from "boot/version";
import type { Board } from "hal/board-description";
import type { FlashPartition } from "ports/flash";
import type { LogLevel, LogSink } from "ports/log";
import type { Platform } from "ports/platform";
import { SimFlash } from "platform/common/sim-flash";
import { createHostPlatform, HOST_FIRMWARE_IMAGE, HOST_PARTITIONS, type HostPlatform } from "platform/host/index";
import { crc32 } from "util/crc32";
import { ConsoleLogSink } from "platform/host/log-console";
import { WsWebSocketFactory } from "platform/host/websocket-ws";
import { createSimulatedBoard } from "hal/sim/charger";
import type { SimConnector } from "hal/sim/board";
import { applySimFault, presentSimEvState } from "hal/sim/bench-injections";
import { handleGetCompositeSchedule } from "ocpp/smartcharging/GetCompositeSchedule";
import type { CsmsRequest, CsmsResponse } from "../csms/ocpp-types.ts";
import type { DevCsms } from "../csms/dev-csms.ts";
import { benchCsmsFor, refusingCsms } from "../bench-api/dev-csms-adapter.ts";
import {
  BenchTargetError,
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
import { BenchFeed } from "../bench-api/bench-feed.ts";
import { SwitchableNetwork } from "./network.ts";

export interface SimChargerOptions {
  /** Charge point identity (the settings' deviceId). */
  identity: string;
  /** Simulated flash and NVS: state survives a power cut or a restart here. */
  stateDir: string;
  /** Settings handed to bootFirmware as its defaults (deviceId, csmsUrl, password, ...). */
  defaults: Readonly<Record<string, unknown>>;
  /** Number of connectors (default 1). */
  connectors?: number;
  /** Tethered cables (no lock); default false: Type 2 sockets with a lock. */
  tethered?: boolean;
  /** The development CSMS the charger talks to, for the bench's CSMS-side actions. */
  devCsms?: DevCsms;
  /** Log sink of the firmware (default: stderr, prefixed with the identity). */
  log?: LogSink;
  logLevel?: LogLevel;
  /** "file" (default): flash partitions in stateDir; "memory": in RAM, kept across power cuts of this process (fleet). */
  flash?: "file" | "memory";
  /** Frames kept for the bench (default 500). */
  frameLimit?: number;
  /** How often the state is compared for change events, ms (default 200). */
  statePollMs?: number;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export class SimulatedCharger implements BenchTarget {
  readonly identity: string;
  readonly board: Board;
  /** Simulated parts and EV per connector (index = connector id - 1). */
  readonly sims: readonly SimConnector[];
  readonly csms: BenchCsms;
  /** The network link (drop/restore) and frame tap. */
  readonly link: SwitchableNetwork;
  /** Boots so far (power restores and resets included). */
  boots = 0;

  readonly #options: SimChargerOptions;
  readonly #log: LogSink;
  readonly #feed: BenchFeed;
  readonly #evStates: PilotState[] = [];
  readonly #faults: FaultKind[][] = [];
  readonly #memoryFlash = new Map<string, SimFlash>();
  /** Last OCPP status and transaction per connector, kept while the power is off. */
  readonly #lastOcpp: { status: string; transactionId: number | null }[] = [];
  #firmware: RunningFirmware | undefined;
  #platform: HostPlatform | undefined;
  /** Version of the image the board runs: FIRMWARE_VERSION until an UpdateFirmware installed one. */
  #version = FIRMWARE_VERSION;
  #openedFlash: SimFlash[] = [];
  #pollTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #rebootPending = false;

  constructor(options: SimChargerOptions) {
    this.#options = options;
    this.identity = options.identity;
    this.#log = options.log ?? new ConsoleLogSink(`[${options.identity}] `);
    this.#feed = new BenchFeed(options.frameLimit, (error) => this.#log.write("warn", "sim", `bench listener failed: ${error.message}`));
    const { board, sims } = createSimulatedBoard({ connectors: options.connectors ?? 1, tethered: options.tethered ?? false });
    this.board = board;
    this.sims = sims;
    for (let i = 0; i < sims.length; i++) {
      this.#evStates.push("A");
      this.#faults.push([]);
      this.#lastOcpp.push({ status: "Unavailable", transactionId: null });
    }
    // One ws factory for the charger's life; the platform built at each boot shares it.
    this.link = new SwitchableNetwork(new WsWebSocketFactory(), (direction, text) => this.#feed.frame(direction, text));
    this.csms = options.devCsms ? benchCsmsFor(options.devCsms, options.identity) : refusingCsms();
  }

  /** Boots the firmware (mains on) and starts watching the state. */
  start(): void {
    if (this.#closed) throw new Error("this simulated charger is closed");
    if (!this.#firmware) this.#boot();
    if (!this.#pollTimer) {
      this.#pollTimer = setInterval(() => this.#checkState(), this.#options.statePollMs ?? 200);
      this.#pollTimer.unref();
    }
  }

  /** The running firmware, undefined while the power is off. */
  get firmware(): RunningFirmware | undefined {
    return this.#firmware;
  }

  get powered(): boolean {
    return this.#firmware !== undefined;
  }

  getState(): BenchState {
    const firmware = this.#firmware;
    const now = performance.now();
    // The charger's own UTC clock (the CSMS may have set it): smart-charging limits follow it.
    const utcMs = this.#platform?.clock.utcMs() ?? 0;
    const connectors: BenchConnectorState[] = [];
    for (let i = 0; i < this.sims.length; i++) {
      const sim = this.sims[i];
      const id = i + 1;
      const last = this.#lastOcpp[i];
      let pilot: PilotState = "F";
      let temperatureC: number | null = null;
      let drawnPhasesA: number[] | null = null;
      let powerW: number | null = null;
      let smartLimitA: number | null = null;
      let sessionEnergyWh: number | null = null;
      if (firmware) {
        const snapshot = firmware.loop.connectors[i].snapshot;
        pilot = snapshot.pilotState === "invalid" ? "F" : snapshot.pilotState;
        if (Number.isFinite(snapshot.temperatureC)) temperatureC = round1(snapshot.temperatureC);
        if (snapshot.meter.ok) {
          const phases = snapshot.meter.currentA;
          drawnPhasesA = [round1(phases[0]), round1(phases[1]), round1(phases[2])];
          powerW = Math.round(snapshot.meter.powerW);
        }
        const limitA = firmware.smartCharging.currentLimitA(id, utcMs);
        if (Number.isFinite(limitA)) smartLimitA = round1(limitA);
        const tx = firmware.chargePoint.transactions.transactionOn(id);
        if (tx) sessionEnergyWh = Math.max(0, Math.round(sim.energyWh - tx.meterStartWh));
        last.status = firmware.chargePoint.status.current(id);
        last.transactionId = tx?.transactionId ?? null;
      } else sim.update(now); // nothing polls the parts while the board is off
      connectors.push({
        connectorId: id,
        pilot,
        ev: this.#evStates[i],
        relayClosed: sim.powered,
        offeredA: firmware ? round1(sim.offeredA) : 0,
        dutyPercent: firmware ? round1(sim.dutyPercent) : null,
        drawnA: sim.powered ? round1(sim.ev.drawA) : 0,
        drawnPhasesA,
        powerW,
        smartLimitA,
        energyWh: Math.round(sim.energyWh),
        sessionEnergyWh,
        temperatureC,
        ocppStatus: last.status,
        transactionId: last.transactionId,
        faults: this.#faults[i].slice(),
      });
    }
    return {
      firmwareVersion: this.#version,
      connection: !firmware ? "offline" : firmware.chargePoint.connection.open ? "online" : this.link.up ? "connecting" : "offline",
      power: firmware ? "on" : "off",
      network: this.link.up ? "up" : "down",
      connectors,
    };
  }

  frames(): readonly BenchFrame[] {
    return this.#feed.frames();
  }

  subscribe(listener: (event: BenchEvent) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  /** The firmware's own GetCompositeSchedule handler, on its smart-charging service and clock. */
  compositeSchedule(request: CsmsRequest<"GetCompositeSchedule">): CsmsResponse<"GetCompositeSchedule"> {
    const firmware = this.#firmware;
    const platform = this.#platform;
    if (!firmware || !platform) throw new BenchTargetError("the charger is powered off");
    return handleGetCompositeSchedule(request, { service: firmware.smartCharging, clock: platform.clock });
  }

  setEv(connectorId: number, state: PilotState): void {
    const sim = this.#sim(connectorId);
    const problem = presentSimEvState(sim, state, this.#faults[connectorId - 1].includes("pilot-short"));
    if (problem !== undefined) throw new BenchTargetError(problem);
    this.#evStates[connectorId - 1] = state;
    this.#checkState();
  }

  presentCard(idTag: string, connectorId?: number): void {
    if (connectorId !== undefined) this.#sim(connectorId);
    const firmware = this.#firmware;
    if (!firmware) throw new BenchTargetError("the charger is powered off");
    firmware.presentCard(idTag, connectorId);
  }

  setFault(connectorId: number, kind: FaultKind, active: boolean): void {
    const sim = this.#sim(connectorId);
    if (kind === "lock-jam" && sim.hal.lock === null)
      throw new BenchTargetError(`connector ${connectorId} has a tethered cable: no lock to jam`);
    const list = this.#faults[connectorId - 1];
    const at = list.indexOf(kind);
    if (active && at < 0) list.push(kind);
    if (!active && at >= 0) list.splice(at, 1);
    applySimFault(sim, kind, active);
    if (kind === "pilot-short" && !active && this.#evStates[connectorId - 1] === "E") sim.faults.pilotShort = true;
    this.#checkState();
  }

  power(action: PowerAction): void {
    if (action === "cut") this.cutPower();
    else this.restorePower();
  }

  network(action: NetworkAction): void {
    if (action === "drop") this.link.drop();
    else this.link.restore();
    this.#checkState();
  }

  /**
   * Mains off: RAM is gone (the firmware stops where it is), the flash partitions lose power
   * (a write after this point never reaches them), the sockets die, the contactor drops out.
   */
  cutPower(): void {
    if (!this.#firmware) return;
    this.#halt();
    this.#checkState();
  }

  /** Mains back: the flash powers on and a new firmware instance boots from the same state. */
  restorePower(): void {
    if (this.#firmware || this.#closed) return;
    this.#boot();
    this.#checkState();
  }

  /** Stops everything (Ctrl-C, end of a test); the state dir stays. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#firmware) this.#halt();
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    this.#pollTimer = undefined;
    this.#feed.close();
  }

  #boot(): void {
    const host = createHostPlatform({ stateDir: this.#options.stateDir, log: this.#log });
    const opened: SimFlash[] = [];
    const memory = this.#options.flash === "memory";
    const openFlash = (partition: string): FlashPartition => {
      let flash: SimFlash;
      if (memory) {
        const layout = HOST_PARTITIONS[partition];
        if (!layout) throw new Error(`no flash partition "${partition}"`);
        let kept = this.#memoryFlash.get(partition);
        if (!kept) {
          kept = new SimFlash(layout.sectorSize, layout.sectors);
          this.#memoryFlash.set(partition, kept);
        }
        flash = kept;
      } else flash = host.openFlash(partition) as SimFlash;
      if (!flash.powered) flash.powerOn();
      if (!opened.includes(flash)) opened.push(flash);
      return flash;
    };
    const platform: Platform = {
      clock: host.clock,
      timers: host.timers,
      loopDriver: host.loopDriver,
      kv: host.kv,
      openFlash,
      websocket: this.link,
      log: host.log,
      http: host.http,
      firmwareSlot: host.firmwareSlot,
    };
    this.#version = this.#installedVersion();
    this.#platform = host;
    this.#openedFlash = opened;
    this.boots++;
    try {
      this.#firmware = bootFirmware({
        platform,
        board: this.board,
        defaults: this.#options.defaults,
        onReboot: (hard) => this.#reboot(hard),
        logLevel: this.#options.logLevel,
        firmwareVersion: this.#version,
      });
    } catch (error) {
      host.shutdown();
      this.#platform = undefined;
      throw error;
    }
  }

  /**
   * The simulated board boots the image UpdateFirmware left in the state dir's slot file (the
   * same code, under a version of its own so the update ends Installed), else the built one.
   */
  #installedVersion(): string {
    const path = join(this.#options.stateDir, HOST_FIRMWARE_IMAGE);
    if (!existsSync(path)) return FIRMWARE_VERSION;
    const image = new Uint8Array(readFileSync(path));
    return `${FIRMWARE_VERSION}+img.${(crc32(image) >>> 0).toString(16).padStart(8, "0")}`;
  }

  /** Reset.req or a firmware update: the board restarts (RAM lost, flash intact). */
  #reboot(hard: boolean): void {
    if (this.#rebootPending) return;
    this.#rebootPending = true;
    setImmediate(() => {
      this.#rebootPending = false;
      if (!this.#firmware || this.#closed) return;
      this.#log.write("info", "sim", `${hard ? "hard" : "soft"} reset: rebooting`);
      this.#halt();
      this.#boot();
      this.#checkState();
    });
  }

  /** The board stops dead: firmware, flash power, sockets, contactor and PWM. */
  #halt(): void {
    const firmware = this.#firmware;
    this.#firmware = undefined;
    for (const flash of this.#openedFlash) flash.cutPower();
    try {
      firmware?.stop();
    } catch (error) {
      this.#log.write("warn", "sim", `stop after power cut: ${(error as Error).message}`);
    }
    this.link.closeAll(1006, "power cut");
    this.#platform?.shutdown();
    this.#platform = undefined;
    const now = performance.now();
    for (const sim of this.sims) {
      sim.hal.contactor.setClosed(false, now);
      sim.hal.pilot.setSteady();
      sim.update(now);
    }
  }

  #sim(connectorId: number): SimConnector {
    const sim = this.sims[connectorId - 1];
    if (!sim) throw new BenchTargetError(`no connector ${connectorId} (this charger has ${this.sims.length})`);
    return sim;
  }

  #checkState(): void {
    this.#feed.stateIfChanged(() => this.getState());
  }
}
