// A stand-in charger for the bench API's tests and for trying the page without the firmware
// (tools/bench-api/demo.ts). Its behaviour is a rough sketch of a charger, not the control loop.
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
} from "./target.ts";
import { BenchFeed } from "./bench-feed.ts";
import type { ChargingProfile, CsmsRequest, CsmsResponse } from "../csms/ocpp-types.ts";

type ChargingSchedule = ChargingProfile["chargingSchedule"];

export interface FakeCall {
  method: string;
  args: unknown[];
}

/** A connector of a powered charger with nothing plugged: 0 Wh on its meter, 25 °C. */
export function idleConnectorState(connectorId: number): BenchConnectorState {
  return {
    connectorId,
    pilot: "A",
    ev: "A",
    relayClosed: false,
    offeredA: 0,
    dutyPercent: 100,
    drawnA: 0,
    drawnPhasesA: [0, 0, 0],
    powerW: 0,
    smartLimitA: null,
    energyWh: 0,
    sessionEnergyWh: null,
    temperatureC: 25,
    ocppStatus: "Available",
    transactionId: null,
    faults: [],
  };
}

export class FakeBenchTarget implements BenchTarget {
  /** Every call the bench made, oldest first. */
  readonly calls: FakeCall[] = [];
  readonly #state: BenchState;
  // Listener errors reach the caller: a test sees its own failing listener.
  readonly #feed = new BenchFeed();
  /** Schedule of the last SetChargingProfile per connector id (0: the whole charger). */
  readonly #schedules = new Map<number, ChargingSchedule>();
  /** Register at the start of each connector's transaction, Wh. */
  readonly #meterStartWh = new Map<number, number>();
  #nextTransactionId = 1;
  #nextMessageId = 1;

  constructor(
    connectorCount = 2,
    readonly maxOfferedA = 16,
  ) {
    this.#state = {
      firmwareVersion: "0.1.0-fake",
      connection: "online",
      power: "on",
      network: "up",
      connectors: [],
    };
    for (let id = 1; id <= connectorCount; id++) this.#state.connectors.push(idleConnectorState(id));
  }

  getState(): BenchState {
    return structuredClone(this.#state);
  }

  frames(): readonly BenchFrame[] {
    return this.#feed.frames();
  }

  subscribe(listener: (event: BenchEvent) => void): () => void {
    return this.#feed.subscribe(listener);
  }

  get listenerCount(): number {
    return this.#feed.listenerCount;
  }

  setEv(connectorId: number, state: PilotState): void {
    this.calls.push({ method: "setEv", args: [connectorId, state] });
    const c = this.#connector(connectorId);
    c.ev = state;
    if (state === "A" && c.transactionId !== null) c.transactionId = null;
    this.#update(c);
  }

  presentCard(idTag: string, connectorId?: number): void {
    this.calls.push({ method: "presentCard", args: [idTag, connectorId] });
    const c =
      connectorId !== undefined
        ? this.#connector(connectorId)
        : this.#state.connectors.find((x) => x.transactionId !== null || x.ev !== "A");
    if (!c) throw new BenchTargetError("no EV is plugged in to charge");
    c.transactionId = c.transactionId === null ? this.#nextTransactionId++ : null;
    this.#update(c);
  }

  setFault(connectorId: number, kind: FaultKind, active: boolean): void {
    this.calls.push({ method: "setFault", args: [connectorId, kind, active] });
    const c = this.#connector(connectorId);
    c.faults = c.faults.filter((f) => f !== kind);
    if (active) c.faults.push(kind);
    this.#update(c);
  }

  power(action: PowerAction): void {
    this.calls.push({ method: "power", args: [action] });
    this.#state.power = action === "cut" ? "off" : "on";
    this.#updateAll();
  }

  network(action: NetworkAction): void {
    this.calls.push({ method: "network", args: [action] });
    this.#state.network = action === "drop" ? "down" : "up";
    this.#updateAll();
  }

  readonly csms: BenchCsms = {
    remoteStart: (req) =>
      this.#call("RemoteStartTransaction", req, () => {
        const c = this.#state.connectors.find((x) => (req.connectorId ?? x.connectorId) === x.connectorId);
        if (!c || c.transactionId !== null || c.ev === "A") return { status: "Rejected" };
        c.transactionId = this.#nextTransactionId++;
        this.#update(c);
        return { status: "Accepted" };
      }),
    remoteStop: (req) =>
      this.#call("RemoteStopTransaction", req, () => {
        const c = this.#state.connectors.find((x) => x.transactionId === req.transactionId);
        if (!c) return { status: "Rejected" };
        c.transactionId = null;
        this.#update(c);
        return { status: "Accepted" };
      }),
    setChargingProfile: (req) =>
      this.#call("SetChargingProfile", req, () => {
        this.#schedules.set(req.connectorId, req.csChargingProfiles.chargingSchedule);
        for (const c of this.#state.connectors) this.#derive(c);
        this.#feed.emit({ type: "state", state: this.getState() });
        return { status: "Accepted" };
      }),
    changeConfiguration: (req) =>
      this.#call("ChangeConfiguration", req, () => ({ status: req.key === "Unknown" ? "NotSupported" : "Accepted" })),
    reset: (req) => this.#call("Reset", req, () => ({ status: "Accepted" })),
    sendLocalList: (req) => this.#call("SendLocalList", req, () => ({ status: "Accepted" })),
    reserveNow: (req) => this.#call("ReserveNow", req, () => ({ status: "Accepted" })),
    triggerMessage: (req) => this.#call("TriggerMessage", req, () => ({ status: "Accepted" })),
    updateFirmware: (req) => this.#call("UpdateFirmware", req, () => ({})),
    unlockConnector: (req) => this.#call("UnlockConnector", req, () => ({ status: "Unlocked" })),
  };

  /** A sketch of a composite: the schedule last set on the connector (else on 0), else the connector's maximum. */
  compositeSchedule(request: CsmsRequest<"GetCompositeSchedule">): CsmsResponse<"GetCompositeSchedule"> {
    this.calls.push({ method: "compositeSchedule", args: [request] });
    if (this.#state.power === "off") throw new BenchTargetError("the charger is powered off");
    if (request.connectorId > this.#state.connectors.length) return { status: "Rejected" };
    const schedule = this.#schedules.get(request.connectorId) ?? this.#schedules.get(0);
    return {
      status: "Accepted",
      connectorId: request.connectorId,
      scheduleStart: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString(),
      chargingSchedule: {
        duration: request.duration,
        chargingRateUnit: request.chargingRateUnit ?? "A",
        chargingSchedulePeriod: schedule
          ? schedule.chargingSchedulePeriod.filter((p) => p.startPeriod < request.duration)
          : [{ startPeriod: 0, limit: this.maxOfferedA }],
      },
    };
  }

  /** Adds a frame as if it passed on the OCPP connection. */
  pushFrame(direction: BenchFrame["direction"], text: string): void {
    this.#feed.frame(direction, text);
  }

  async #call<R>(action: string, req: unknown, answer: () => R): Promise<R> {
    this.calls.push({ method: `csms.${action}`, args: [req] });
    if (this.#state.connection !== "online") throw new BenchTargetError("charger is not connected to the CSMS");
    const id = String(this.#nextMessageId++);
    this.pushFrame("csms-to-cp", JSON.stringify([2, id, action, req]));
    const response = answer();
    this.pushFrame("cp-to-csms", JSON.stringify([3, id, response]));
    return response;
  }

  #connector(connectorId: number): BenchConnectorState {
    const c = this.#state.connectors[connectorId - 1];
    if (!c) throw new BenchTargetError(`no connector ${connectorId}`);
    return c;
  }

  #updateAll(): void {
    const s = this.#state;
    s.connection = s.power === "on" && s.network === "up" ? "online" : "offline";
    for (const c of s.connectors) this.#derive(c);
    this.#feed.emit({ type: "state", state: this.getState() });
  }

  #update(c: BenchConnectorState): void {
    this.#derive(c);
    this.#feed.emit({ type: "state", state: this.getState() });
  }

  /** Pilot, relay, currents and status from EV state, transaction, faults and power. */
  #derive(c: BenchConnectorState): void {
    const powered = this.#state.power === "on";
    c.pilot = !powered ? "F" : c.faults.includes("pilot-short") ? "E" : c.faults.includes("diode") ? "F" : c.ev;
    const faulted = c.faults.length > 0 || !powered;
    const charging = !faulted && c.transactionId !== null && (c.pilot === "C" || c.pilot === "D");
    const schedule = this.#schedules.get(c.connectorId) ?? this.#schedules.get(0);
    c.smartLimitA = schedule ? schedule.chargingSchedulePeriod[0].limit : null;
    const offerA = c.smartLimitA === null ? this.maxOfferedA : Math.min(this.maxOfferedA, c.smartLimitA);
    c.offeredA = !faulted && c.transactionId !== null ? offerA : 0;
    c.dutyPercent = !powered ? null : c.offeredA > 0 ? Math.round((c.offeredA / 0.6) * 10) / 10 : 100;
    c.relayClosed = charging;
    c.drawnA = charging ? c.offeredA : 0;
    c.drawnPhasesA = powered && !c.faults.includes("meter-offline") ? [c.drawnA, c.drawnA, c.drawnA] : null;
    c.powerW = c.drawnPhasesA === null ? null : 3 * 230 * c.drawnA;
    if (charging) c.energyWh += 100;
    if (c.transactionId === null) this.#meterStartWh.delete(c.connectorId);
    else if (!this.#meterStartWh.has(c.connectorId)) this.#meterStartWh.set(c.connectorId, c.energyWh);
    const startWh = this.#meterStartWh.get(c.connectorId);
    c.sessionEnergyWh = startWh === undefined ? null : c.energyWh - startWh;
    c.ocppStatus = faulted
      ? "Faulted"
      : charging
        ? "Charging"
        : c.transactionId !== null
          ? "SuspendedEV"
          : c.ev === "A"
            ? "Available"
            : "Preparing";
  }
}
