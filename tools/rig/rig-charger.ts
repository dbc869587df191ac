// The charger of `npm start -- --rig ADDRESS`: a real board (or a lin firmware listening on its
// own, standing in for one) reached over its bench link, exposed as a BenchTarget so the bench
// page, the bench API and the scenario runner drive it as they drive the simulator. What the
// board cannot do itself goes elsewhere: EV states and faults of a physical board to the EV
// emulator (`--ev`), a power cut to a mains relay, a network drop to the rig's CSMS proxy; each
// answers 501 with the reason where the rig has no such part.
import type { LogSink } from "ports/log";
import { ConsoleLogSink } from "platform/host/log-console";
import type { DevCsms } from "../csms/dev-csms.ts";
import { benchCsmsFor, refusingCsms } from "../bench-api/dev-csms-adapter.ts";
import { BenchTargetUnsupported, type FaultKind, type NetworkAction, type PilotState, type PowerAction } from "../bench-api/target.ts";
import { LinkedCharger } from "../bench-link/linked-charger.ts";
import type { TcpProxy } from "../lin/tcp-proxy.ts";
import { describeRigAddress, type RigAddress } from "./address.ts";
import { BoardLink } from "./board-link.ts";
import type { EvActuator, PowerRelay } from "./ev-actuator.ts";
import type { HostSerialPortFactory } from "./serial-port.ts";

export interface RigChargerOptions {
  /** Where the board's bench link is. */
  address: RigAddress;
  /** The EV emulator, for a physical board's EV states and faults. */
  ev?: EvActuator;
  /** The charger's mains relay; default: the EV emulator's, when it drives one. */
  mains?: PowerRelay;
  /** The proxy the board reaches the CSMS through: network drop/restore. */
  proxy?: TcpProxy;
  /** The development CSMS, for the bench's CSMS-side actions. */
  devCsms?: DevCsms;
  /** Identity shown until the board's hello tells its own. */
  identity?: string;
  log?: LogSink;
  /** Wait before opening the link again after a loss, ms (default 1000). */
  retryMs?: number;
  serialPorts?: HostSerialPortFactory;
}

export class RigCharger extends LinkedCharger {
  readonly address: RigAddress;
  readonly #options: RigChargerOptions;
  readonly #link: BoardLink;
  #mainsOn = true;
  #closed = false;

  constructor(options: RigChargerOptions) {
    const log = options.log ?? new ConsoleLogSink("[rig] ");
    let self: RigCharger | undefined;
    super({
      connectors: 1,
      connectorsFromHello: true,
      // The CSMS knows the board by the identity in its hello.
      csms: options.devCsms ? benchCsmsFor(options.devCsms, () => self?.identity ?? "") : refusingCsms(),
      log,
      tag: "rig",
      askOnAttach: true,
    });
    self = this;
    this.#options = options;
    this.address = options.address;
    this.#link = new BoardLink(
      options.address,
      {
        onOpen: (wire) => this.attachLink(wire),
        onData: (wire, chunk) => this.client.receive(wire, chunk),
        onClose: (wire, why) => this.linkLost(why, wire),
      },
      { log, retryMs: options.retryMs, serialPorts: options.serialPorts },
    );
  }

  /** The board's identity (its hello's deviceId), else the one given, else "RIG". */
  get identity(): string {
    return this.client.hello?.deviceId || this.#options.identity || "RIG";
  }

  /** Opens the bench link (and keeps it open). */
  start(): void {
    this.#link.start();
  }

  /** The bench link to the board is connected (not yet linked: see `linked()`). */
  get connected(): boolean {
    return this.#link.connected;
  }

  get powered(): boolean {
    return this.#mainsOn;
  }

  protected networkState(): "up" | "down" {
    return this.#options.proxy?.up === false ? "down" : "up";
  }

  async power(action: PowerAction): Promise<void> {
    const relay = this.#options.mains ?? this.#options.ev?.mains;
    if (!relay)
      throw new BenchTargetUnsupported(
        "a power cut needs a relay in the charger's mains: this rig has none (the EV emulator given with --ev drives one when it has it)",
      );
    const on = action === "restore";
    await relay.setMains(on);
    this.#mainsOn = on;
    this.checkState();
  }

  network(action: NetworkAction): void {
    const proxy = this.#options.proxy;
    if (!proxy) throw new BenchTargetUnsupported("this rig has no CSMS proxy, so it cannot cut the board's network");
    // A board online while the proxy carries nothing reaches the CSMS some other way.
    if (action === "drop" && proxy.up && proxy.connections === 0 && this.client.state?.connection === "online")
      throw new BenchTargetUnsupported(
        `the board does not reach the CSMS through the rig's proxy (port ${proxy.port}); provision its csmsUrlTemplate to the proxy (npm start prints it) for network drop/restore`,
      );
    if (action === "drop") proxy.drop();
    else proxy.restore();
    this.checkState();
  }

  protected override async physicalEv(connectorId: number, state: PilotState): Promise<void> {
    const ev = this.#needEv("EV states");
    const wasUnplugged = this.evStates[connectorId - 1] === "A";
    if (state === "A") await ev.unplug(connectorId);
    else {
      if (wasUnplugged) await ev.plug(connectorId);
      if (!wasUnplugged || state !== "B") await ev.setState(connectorId, state);
    }
  }

  protected override async physicalFault(connectorId: number, kind: FaultKind, active: boolean): Promise<void> {
    await this.#needEv("faults").fault(connectorId, kind, active);
  }

  protected override measuredDutyPercent(connectorId: number): number | null {
    return this.#options.ev?.dutyPercent?.(connectorId) ?? null;
  }

  /** Without an EV emulator the bench knows the EV only from the pilot the board measures. */
  protected override presentedEv(index: number, measuredPilot: PilotState): PilotState {
    return this.simulatedBoard === false && !this.#options.ev ? measuredPilot : this.evStates[index];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#link.close();
    this.linkLost("the rig is closing");
    await this.#options.ev?.close();
    this.closeListeners();
  }

  #needEv(what: string): EvActuator {
    const ev = this.#options.ev;
    if (!ev)
      throw new BenchTargetUnsupported(
        `the board at ${describeRigAddress(this.address)} is physical: ${what} come from an EV emulator on its cable, and this rig has none (start it with --ev serial:<device>)`,
      );
    return ev;
  }
}
