// The boundary between the bench web page/API and whatever runs the charger: the simulator
// implements BenchTarget over the real firmware; tests use FakeBenchTarget.
import type { CsmsRequest, CsmsResponse } from "../csms/ocpp-types.ts";

/** IEC 61851-1 control-pilot states. */
export const PILOT_STATES = ["A", "B", "C", "D", "E", "F"] as const;
export type PilotState = (typeof PILOT_STATES)[number];

/** Faults the bench can inject into the simulated hardware. */
export const FAULT_KINDS = ["rcd-dc", "rcd-ac", "weld", "diode", "pilot-short", "meter-offline", "over-temp", "lock-jam"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const POWER_ACTIONS = ["cut", "restore"] as const;
export type PowerAction = (typeof POWER_ACTIONS)[number];

export const NETWORK_ACTIONS = ["drop", "restore"] as const;
export type NetworkAction = (typeof NETWORK_ACTIONS)[number];

export interface BenchConnectorState {
  /** 1-based connector number. */
  connectorId: number;
  /** Pilot state the charger measures. */
  pilot: PilotState;
  /** State the simulated EV presents (differs from `pilot` under a pilot fault or when unpowered). */
  ev: PilotState;
  /** Main contactor closed. */
  relayClosed: boolean;
  /** Current offered on the pilot PWM, A (0 when not offering). */
  offeredA: number;
  /**
   * Duty cycle of the pilot PWM as measured on the EV side, % (100: steady +12 V, no PWM); null
   * where the bench cannot measure it (a physical board without an EV emulator that measures, or power off).
   */
  dutyPercent: number | null;
  /** Current the EV draws, A (highest phase). */
  drawnA: number;
  /** Current per phase L1, L2, L3 as the charger's meter measures it, A (0 on an unused phase); null while the meter does not answer or the charger is off. */
  drawnPhasesA: number[] | null;
  /** Active power the charger's meter measures (sum of the phases), W; null like `drawnPhasesA`. */
  powerW: number | null;
  /** The connector's smart-charging limit now (its share of the charging profiles in force), A per phase; null when no profile limits it. */
  smartLimitA: number | null;
  /** Meter energy register, Wh. */
  energyWh: number;
  /** Energy of the running transaction so far (the register minus its meterStart), Wh; null without a transaction. */
  sessionEnergyWh: number | null;
  /** Connector temperature the charger measures, °C; null when it has no reading (no sensor, invalid reading, charger off). */
  temperatureC: number | null;
  /** OCPP ChargePointStatus last reported, e.g. "Available", "Charging". */
  ocppStatus: string;
  transactionId: number | null;
  /** Faults currently injected. */
  faults: FaultKind[];
}

export interface BenchState {
  firmwareVersion: string;
  /** OCPP WebSocket connection to the CSMS. */
  connection: "online" | "connecting" | "offline";
  power: "on" | "off";
  network: "up" | "down";
  connectors: BenchConnectorState[];
}

export interface BenchFrame {
  /** ISO date-time the frame passed. */
  at: string;
  direction: "cp-to-csms" | "csms-to-cp";
  /** The OCPP-J frame text as sent. */
  text: string;
}

export type BenchEvent = { type: "state"; state: BenchState } | { type: "frame"; frame: BenchFrame };

/** CSMS-side actions the bench offers; each resolves with the charger's answer. */
export interface BenchCsms {
  remoteStart(req: CsmsRequest<"RemoteStartTransaction">): Promise<CsmsResponse<"RemoteStartTransaction">>;
  remoteStop(req: CsmsRequest<"RemoteStopTransaction">): Promise<CsmsResponse<"RemoteStopTransaction">>;
  setChargingProfile(req: CsmsRequest<"SetChargingProfile">): Promise<CsmsResponse<"SetChargingProfile">>;
  changeConfiguration(req: CsmsRequest<"ChangeConfiguration">): Promise<CsmsResponse<"ChangeConfiguration">>;
  reset(req: CsmsRequest<"Reset">): Promise<CsmsResponse<"Reset">>;
  sendLocalList(req: CsmsRequest<"SendLocalList">): Promise<CsmsResponse<"SendLocalList">>;
  reserveNow(req: CsmsRequest<"ReserveNow">): Promise<CsmsResponse<"ReserveNow">>;
  triggerMessage(req: CsmsRequest<"TriggerMessage">): Promise<CsmsResponse<"TriggerMessage">>;
  updateFirmware(req: CsmsRequest<"UpdateFirmware">): Promise<CsmsResponse<"UpdateFirmware">>;
  unlockConnector(req: CsmsRequest<"UnlockConnector">): Promise<CsmsResponse<"UnlockConnector">>;
}

export interface BenchTarget {
  /** Current state of the charger and its bench. */
  getState(): BenchState;
  /** OCPP frames seen so far, oldest first (the target bounds the list). */
  frames(): readonly BenchFrame[];
  /** Makes the simulated EV on `connectorId` present pilot state `state` (A unplugged, B plugged, C drawing...). */
  setEv(connectorId: number, state: PilotState): void | Promise<void>;
  /** Presents an RFID card to the reader (of `connectorId` when the charger has one per connector). */
  presentCard(idTag: string, connectorId?: number): void | Promise<void>;
  /** Injects (`active`) or clears a hardware fault. */
  setFault(connectorId: number, kind: FaultKind, active: boolean): void | Promise<void>;
  /** Cuts or restores mains power to the charger. */
  power(action: PowerAction): void | Promise<void>;
  /** Drops or restores the charger's network link. */
  network(action: NetworkAction): void | Promise<void>;
  csms: BenchCsms;
  /**
   * The charger's composite schedule for a connector (0: the whole charger), asked of its
   * smart-charging service directly: the GetCompositeSchedule.conf it would send a CSMS, without
   * an OCPP frame.
   */
  compositeSchedule(
    request: CsmsRequest<"GetCompositeSchedule">,
  ): CsmsResponse<"GetCompositeSchedule"> | Promise<CsmsResponse<"GetCompositeSchedule">>;
  /** Calls `listener` on every state change and frame; returns the unsubscribe function. */
  subscribe(listener: (event: BenchEvent) => void): () => void;
}

/** Thrown by a target that refuses an action in its current state (answered HTTP 409). */
export class BenchTargetError extends Error {
  override name = "BenchTargetError";
}

/** Thrown by a target that cannot do an action at all (answered HTTP 501), e.g. the lin build's missing parts. */
export class BenchTargetUnsupported extends Error {
  override name = "BenchTargetUnsupported";
}
