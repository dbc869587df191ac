// A BenchTarget over the firmware's bench link: what the lin charger (tools/lin) and a rig
// (tools/rig) share. The link client brings state, frames and replies; this class keeps what the
// bench shows between boots (last readings, the EV states and faults the bench set), builds the
// bench API's BenchState, replays the EVs and faults into a simulated board after each hello,
// and tells listeners. Subclasses bring the wire and decide power, network and the physical EV.
import type { LogSink } from "ports/log";
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
import { BenchFeed } from "../bench-api/bench-feed.ts";
import type { CsmsRequest, CsmsResponse } from "../csms/ocpp-types.ts";
import { BenchLinkClient, type LinkWire } from "./client.ts";
import type { LinkHello, LinkState } from "./protocol.ts";

export interface LinkedChargerOptions {
  /** Connectors shown before the first hello. */
  connectors: number;
  /** Follow the connector count of each hello (a rig learns its board from it). */
  connectorsFromHello?: boolean;
  csms: BenchCsms;
  log: LogSink;
  /** Tag of log lines ("lin", "rig"). */
  tag: string;
  /** true: the board is known to be simulated (lin); undefined: learnt from its hello. */
  simulatedBoard?: boolean;
  /** Ask for hello and state on each new wire (serial). */
  askOnAttach?: boolean;
  frameLimit?: number;
}

export abstract class LinkedCharger implements BenchTarget {
  readonly csms: BenchCsms;
  protected readonly log: LogSink;
  protected readonly tag: string;
  #connectorCount = 0;
  protected readonly client: BenchLinkClient;
  /** The EV state the bench last set per connector (index = connector id - 1). */
  protected readonly evStates: PilotState[] = [];
  /** The faults the bench injected per connector. */
  protected readonly faults: FaultKind[][] = [];
  readonly #options: LinkedChargerOptions;
  readonly #feed: BenchFeed;
  readonly #last: BenchConnectorState[] = [];
  #helloWaiters: (() => void)[] = [];

  constructor(options: LinkedChargerOptions) {
    this.#options = options;
    this.csms = options.csms;
    this.log = options.log;
    this.tag = options.tag;
    this.#feed = new BenchFeed(options.frameLimit, (error) => this.log.write("warn", this.tag, `bench listener failed: ${error.message}`));
    this.#resize(options.connectors);
    this.client = new BenchLinkClient({
      log: options.log,
      tag: options.tag,
      askOnAttach: options.askOnAttach,
      onHello: (hello) => void this.#afterHello(hello), // #afterHello catches everything
      onState: () => this.checkState(),
      onFrame: (direction, text) => this.#feed.frame(direction, text),
    });
  }

  /** Connectors of the charger (the hello's on a rig). */
  get connectorCount(): number {
    return this.#connectorCount;
  }

  #resize(count: number): void {
    for (let i = this.#connectorCount; i < count; i++) {
      this.evStates.push("A");
      this.faults.push([]);
      this.#last.push({
        connectorId: i + 1,
        pilot: "F",
        ev: "A",
        relayClosed: false,
        offeredA: 0,
        dutyPercent: null,
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
    this.evStates.length = count;
    this.faults.length = count;
    this.#last.length = count;
    this.#connectorCount = count;
  }

  // What a subclass decides.

  /** Mains on as the bench knows it. */
  abstract get powered(): boolean;
  /** The charger's network link as the bench knows it. */
  protected abstract networkState(): "up" | "down";
  abstract power(action: PowerAction): void | Promise<void>;
  abstract network(action: NetworkAction): void | Promise<void>;

  /** An EV state on a physical board (no simulated EV): a rig's EV emulator, else 501. */
  protected physicalEv(_connectorId: number, _state: PilotState): Promise<void> {
    return Promise.reject(new BenchTargetUnsupported("this board is physical: the bench has no EV to set"));
  }

  /** A fault on a physical board: a rig's EV emulator, else 501. */
  protected physicalFault(_connectorId: number, _kind: FaultKind, _active: boolean): Promise<void> {
    return Promise.reject(new BenchTargetUnsupported("this board is physical: the bench cannot inject its faults"));
  }

  /** The CP duty measured outside the board (a rig's EV emulator), when the link reports none. */
  protected measuredDutyPercent(_connectorId: number): number | null {
    return null;
  }

  // The link.

  /** A new wire to the firmware; the owner feeds it with `this.client.receive(wire, chunk)`. */
  protected attachLink(wire: LinkWire): void {
    this.client.attach(wire);
    this.checkState();
  }

  /** The wire is gone (closed, process ended); `wire`: only if it is still the attached one. */
  protected linkLost(why: string, wire?: LinkWire): void {
    this.client.detach(why, wire);
    this.checkState();
  }

  /** The board is simulated (from its hello, or known); undefined before any hello on a rig. */
  get simulatedBoard(): boolean | undefined {
    return this.#options.simulatedBoard ?? this.client.hello?.simulated;
  }

  /** Resolves once the running firmware said hello on its bench link (and the bench was replayed). */
  async linked(): Promise<void> {
    if (this.client.linked) return;
    await new Promise<void>((resolve) => this.#helloWaiters.push(resolve));
  }

  /** Transaction messages the firmware has not had answered yet (its journal), when linked. */
  get pendingTransactionMessages(): number | undefined {
    return this.client.state?.pendingTransactionMessages;
  }

  // BenchTarget.

  getState(): BenchState {
    const link: LinkState | undefined = this.powered ? this.client.state : undefined;
    const simulated = this.simulatedBoard !== false;
    const connectors: BenchConnectorState[] = [];
    for (let i = 0; i < this.connectorCount; i++) {
      const last = this.#last[i];
      const reported = link?.connectors[i];
      if (reported) {
        last.pilot = reported.pilot;
        last.relayClosed = reported.relayClosed ?? false;
        last.offeredA = reported.offeredA ?? 0;
        last.dutyPercent = reported.dutyPercent ?? this.measuredDutyPercent(i + 1);
        last.drawnA = reported.drawnA ?? 0;
        last.drawnPhasesA = reported.drawnPhasesA ?? null;
        last.powerW = reported.powerW ?? null;
        last.smartLimitA = reported.smartLimitA ?? null;
        last.energyWh = reported.energyWh ?? last.energyWh;
        last.sessionEnergyWh = reported.sessionEnergyWh ?? null;
        last.temperatureC = reported.temperatureC;
        last.ocppStatus = reported.ocppStatus;
        last.transactionId = reported.transactionId;
      } else if (!this.powered) {
        last.pilot = "F";
        last.relayClosed = false;
        last.offeredA = 0;
        last.dutyPercent = simulated ? null : this.measuredDutyPercent(i + 1);
        last.drawnA = 0;
        last.drawnPhasesA = null;
        last.powerW = null;
        last.temperatureC = null;
      }
      connectors.push({ ...last, ev: this.presentedEv(i, last.pilot), faults: this.faults[i].slice() });
    }
    const network = this.networkState();
    const online = link?.connection === "online";
    return {
      firmwareVersion: this.client.hello?.firmwareVersion ?? "",
      connection: online ? "online" : this.powered && network === "up" ? "connecting" : "offline",
      power: this.powered ? "on" : "off",
      network,
      connectors,
    };
  }

  /** The EV state the bench shows: what it set (a subclass may know better, e.g. from `measuredPilot`). */
  protected presentedEv(index: number, _measuredPilot: PilotState): PilotState {
    return this.evStates[index];
  }

  frames(): readonly BenchFrame[] {
    return this.#feed.frames();
  }

  subscribe(listener: (event: BenchEvent) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  async setEv(connectorId: number, state: PilotState): Promise<void> {
    this.checkConnector(connectorId);
    const simulated = this.#simulatedOrRefuse();
    if (!simulated) {
      await this.physicalEv(connectorId, state);
      this.evStates[connectorId - 1] = state;
    } else {
      if (state === "F") throw new BenchTargetError("a simulated EV cannot present state F (-12 V); inject the 'diode' fault instead");
      this.evStates[connectorId - 1] = state;
      if (this.client.linked) await this.client.command({ cmd: "ev", connectorId, state });
    }
    this.checkState();
  }

  async presentCard(idTag: string, connectorId?: number): Promise<void> {
    if (connectorId !== undefined) this.checkConnector(connectorId);
    if (!this.powered) throw new BenchTargetError("the charger is powered off");
    if (!this.client.linked) throw new BenchTargetError("the firmware is booting (its bench link is not up yet)");
    await this.client.command(connectorId === undefined ? { cmd: "card", idTag } : { cmd: "card", idTag, connectorId });
  }

  async setFault(connectorId: number, kind: FaultKind, active: boolean): Promise<void> {
    this.checkConnector(connectorId);
    const simulated = this.#simulatedOrRefuse();
    if (!simulated) await this.physicalFault(connectorId, kind, active);
    const list = this.faults[connectorId - 1];
    const at = list.indexOf(kind);
    if (active && at < 0) list.push(kind);
    if (!active && at >= 0) list.splice(at, 1);
    if (simulated && this.client.linked) await this.client.command({ cmd: "fault", connectorId, kind, active });
    this.checkState();
  }

  /** The firmware's own GetCompositeSchedule handler, run over the bench link (`schedule`). */
  async compositeSchedule(request: CsmsRequest<"GetCompositeSchedule">): Promise<CsmsResponse<"GetCompositeSchedule">> {
    try {
      return (await this.command({ cmd: "schedule", ...request })) as CsmsResponse<"GetCompositeSchedule">;
    } catch (error) {
      // A firmware built before the bench link had `schedule` cannot answer at all.
      if (error instanceof BenchTargetError && /unknown command 'schedule'/.test(error.message))
        throw new BenchTargetUnsupported(
          "this firmware's bench link has no 'schedule' command: update the firmware (on lin: tools/moddable/build-lin.sh)",
        );
      throw error;
    }
  }

  /** Sends a command over the link (e.g. lin's `memory`). */
  protected command(command: Record<string, unknown>): Promise<unknown> {
    if (!this.client.linked)
      return Promise.reject(
        new BenchTargetError(this.powered ? "the firmware is booting (its bench link is not up yet)" : "the charger is powered off"),
      );
    return this.client.command(command);
  }

  protected checkConnector(connectorId: number): void {
    if (!Number.isInteger(connectorId) || connectorId < 1 || connectorId > this.connectorCount)
      throw new BenchTargetError(`no connector ${connectorId} (this charger has ${this.connectorCount})`);
  }

  /** Emits a state event when the state changed (link lines, power, network, bench actions). */
  protected checkState(): void {
    this.#feed.stateIfChanged(() => this.getState());
  }

  /** Drops the listeners (the owner closes). */
  protected closeListeners(): void {
    this.#feed.close();
  }

  #simulatedOrRefuse(): boolean {
    const simulated = this.simulatedBoard;
    if (simulated === undefined) throw new BenchTargetError("the board has not said hello on its bench link yet");
    return simulated;
  }

  /** After a (re)boot of a simulated board: the EVs stay plugged and injected faults stay, as on the Node simulator. */
  async #afterHello(hello: LinkHello): Promise<void> {
    if (this.#options.connectorsFromHello && hello.connectors >= 1 && hello.connectors <= 64) this.#resize(hello.connectors);
    else if (hello.connectors !== this.connectorCount)
      this.log.write("warn", this.tag, `the firmware has ${hello.connectors} connectors; the bench shows ${this.connectorCount}`);
    if (this.simulatedBoard) {
      try {
        for (let i = 0; i < this.connectorCount && i < hello.connectors; i++) {
          if (this.evStates[i] !== "A") await this.client.command({ cmd: "ev", connectorId: i + 1, state: this.evStates[i] });
          for (const kind of this.faults[i]) await this.client.command({ cmd: "fault", connectorId: i + 1, kind, active: true });
        }
      } catch (error) {
        this.log.write("warn", this.tag, `bench link: replaying the EVs and faults failed: ${(error as Error).message}`);
      }
    }
    const waiters = this.#helloWaiters;
    this.#helloWaiters = [];
    for (const resolve of waiters) resolve();
    this.checkState();
  }
}
