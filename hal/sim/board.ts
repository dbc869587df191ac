/**
 * Simulated board: per connector a control pilot, a contactor with
 * feedback, an RCD module, an optional lock, an energy meter and an
 * optional temperature sensor (terminals heating with current², cooling
 * toward ambient), all wired to a simulated EV and a shared grid. Faults are injected through
 * `SimConnector.faults`. Implements the HAL interfaces, runs on XS, and
 * allocates nothing after construction.
 */
import { ContactorSupervisor, type Contactor, type ContactorSample } from "hal/contactor";
import type { ConnectorHal } from "hal/board";
import type { ConnectorLock, LockSample } from "hal/lock";
import type { EnergyMeter, MeterSample } from "hal/meter";
import {
  amperesToDuty,
  classifyDiode,
  classifyPilotVoltage,
  dutyToAmperes,
  type ControlPilot,
  type PilotDrive,
  type PilotSample,
} from "hal/pilot";
import type { RcdSample, RcdSelfTest, RcdTrip, ResidualCurrentMonitor } from "hal/rcd";
import type { TemperatureSample, TemperatureSensor } from "hal/temperature";
import { SimEv } from "hal/sim/ev";

/** The supply shared by the board's connectors. */
export class SimGrid {
  /** Voltage per supply phase L1..L3 (V). */
  readonly voltageV = new Float64Array([230, 230, 230]);
  frequencyHz = 50;
}

/** Faults a test can inject on one connector (all off by default). */
export class SimFaults {
  /** Residual current present: the RCD module trips ("none" = no residual current). */
  residual: RcdTrip = "none";
  /** The RCD does not trip on its test input. */
  selfTestFails = false;
  /** The RCD module stops answering. */
  rcdDead = false;
  /** The contactor welds: once closed, its feedback stays closed. */
  welded = false;
  /** The contactor does not close (feedback stays open). */
  failToClose = false;
  /** CP shorted to PE: the high level reads 0 V (state E). */
  pilotShort = false;
  /** The meter stops answering. */
  meterOffline = false;
  /** The lock motor is jammed. */
  lockJammed = false;
  /** A loose terminal: an extra heat source drives the temperature toward ambient + `overTempRiseK`. */
  overTemperature = false;
  /** The temperature sensor is disconnected: its readings are invalid ("open"). */
  temperatureSensorOpen = false;
}

/** Timing of the simulated parts (ms). */
export interface SimPartTiming {
  /** Contactor feedback settle time before a mismatch is an error. */
  contactorSettleMs: number;
  /** Contactor mechanical delay. */
  contactorMoveMs: number;
  /** RCD trip delay on its test input. */
  rcdTestTripMs: number;
  /** RCD rated self-test time. */
  rcdSelfTestTimeoutMs: number;
  /**
   * After a self-test or reset the module's fault output is ignored this long while it clears its
   * latch (the ESP32 driver's reset pulse + recovery, 600 ms on dev-1); the test passes only after it.
   */
  rcdRecoverMs: number;
  /** Lock motor travel time. */
  lockMoveMs: number;
  /** Lock feedback timeout. */
  lockTimeoutMs: number;
  /** Thermal time constant of the terminals: the temperature moves 63 % of the way to its target in this time (Infinity: it stays where a test sets it). */
  thermalTauMs: number;
  /** Steady-state rise over ambient at the connector's rated current (K); it scales with current². */
  riseAtRatingK: number;
  /** Extra steady-state rise of the injected over-temperature fault (K). */
  overTempRiseK: number;
  /**
   * Period of the temperature sensor's own sampling (ms): a read returns the newest sample, so a
   * change (an open sensor, a rise past the trip) reaches the loop up to this late. 0 samples at
   * every poll; the ESP32 NTC driver samples every 100 ms (`hal/esp32/ntc.ts`).
   */
  temperatureSampleMs: number;
}

export const DEFAULT_SIM_PART_TIMING: Readonly<SimPartTiming> = Object.freeze({
  contactorSettleMs: 200,
  contactorMoveMs: 20,
  rcdTestTripMs: 40,
  rcdSelfTestTimeoutMs: 500,
  rcdRecoverMs: 0,
  lockMoveMs: 100,
  lockTimeoutMs: 600,
  thermalTauMs: 30_000,
  riseAtRatingK: 30,
  overTempRiseK: 80,
  temperatureSampleMs: 0,
});

class SimPilot implements ControlPilot {
  drive: PilotDrive = "x1";
  dutyPercent = 100;
  offeredA = 0;
  private readonly owner: SimConnector;
  private highV = 12;
  private lowV = 12;
  private atMs = 0;
  constructor(owner: SimConnector) {
    this.owner = owner;
  }
  setPwm(amperes: number): void {
    const duty = amperesToDuty(amperes);
    if (duty <= 0) {
      this.setSteady();
      return;
    }
    this.drive = "pwm";
    this.dutyPercent = duty;
    this.offeredA = dutyToAmperes(duty);
  }
  setSteady(): void {
    this.drive = "x1";
    this.dutyPercent = 100;
    this.offeredA = 0;
  }
  setStateF(): void {
    this.drive = "F";
    this.dutyPercent = 0;
    this.offeredA = 0;
  }
  poll(nowMs: number): void {
    this.owner.update(nowMs);
    const ev = this.owner.ev;
    let high = this.drive === "F" ? -12 : ev.highLevelV();
    if (this.owner.faults.pilotShort) high = 0;
    this.highV = high;
    // Low phase: -12 V through the EV's diode; without it the EV's resistors pull it up.
    if (this.drive !== "pwm") this.lowV = this.drive === "F" ? -12 : high;
    else if (!ev.plugged) this.lowV = -12;
    else this.lowV = this.owner.faults.pilotShort ? 0 : ev.diode ? -12 : -high;
    this.atMs = nowMs;
  }
  read(into: PilotSample): void {
    into.highV = this.highV;
    into.lowV = this.lowV;
    into.state = classifyPilotVoltage(this.highV);
    into.diode = classifyDiode(this.lowV, this.drive === "pwm");
    into.drive = this.drive;
    into.dutyPercent = this.dutyPercent;
    into.error = "none";
    into.atMs = this.atMs;
  }
}

class SimContactor implements Contactor {
  feedbackClosed = false;
  private readonly owner: SimConnector;
  private readonly supervisor: ContactorSupervisor;
  private readonly moveMs: number;
  private lastMs = 0;
  constructor(owner: SimConnector, timing: SimPartTiming) {
    this.owner = owner;
    this.supervisor = new ContactorSupervisor(timing.contactorSettleMs);
    this.moveMs = timing.contactorMoveMs;
  }
  get commandedClosed(): boolean {
    return this.supervisor.commandedClosed;
  }
  setClosed(closed: boolean, nowMs: number): void {
    this.supervisor.command(closed, nowMs);
  }
  poll(nowMs: number): void {
    this.lastMs = nowMs;
    this.owner.update(nowMs);
  }
  /** Mechanics: the feedback follows the command after the move time, unless a fault holds it. */
  move(nowMs: number): void {
    const s = this.supervisor;
    const faults = this.owner.faults;
    if (nowMs - s.changedAtMs < this.moveMs) return;
    if (s.commandedClosed) this.feedbackClosed = !faults.failToClose;
    else if (!(faults.welded && this.feedbackClosed)) this.feedbackClosed = false;
  }
  read(into: ContactorSample): void {
    into.commandedClosed = this.supervisor.commandedClosed;
    into.feedbackClosed = this.feedbackClosed;
    into.error = this.supervisor.check(this.feedbackClosed, this.lastMs);
    into.changedAtMs = this.supervisor.changedAtMs;
  }
  clearError(): void {
    this.supervisor.clear(this.lastMs);
  }
}

class SimRcd implements ResidualCurrentMonitor {
  readonly selfTestTimeoutMs: number;
  private readonly owner: SimConnector;
  private readonly testTripMs: number;
  private readonly recoverMs: number;
  private latchedTrip: RcdTrip = "none";
  private selfTest: RcdSelfTest = "idle";
  private testStartMs = 0;
  private maskUntilMs = -1;
  private passPending = false;
  private atMs = 0;
  constructor(owner: SimConnector, timing: SimPartTiming) {
    this.owner = owner;
    this.testTripMs = timing.rcdTestTripMs;
    this.selfTestTimeoutMs = timing.rcdSelfTestTimeoutMs;
    this.recoverMs = timing.rcdRecoverMs;
  }
  startSelfTest(nowMs: number): void {
    this.selfTest = "running";
    this.testStartMs = nowMs;
    this.passPending = false;
  }
  reset(nowMs: number): void {
    this.latchedTrip = "none";
    this.passPending = false;
    if (this.selfTest === "running") this.selfTest = "idle";
    this.maskUntilMs = nowMs + this.recoverMs;
    this.atMs = nowMs;
  }
  poll(nowMs: number): void {
    this.owner.update(nowMs);
    this.atMs = nowMs;
    const faults = this.owner.faults;
    if (faults.rcdDead) return;
    if (this.selfTest === "running" && !this.passPending) {
      const elapsed = nowMs - this.testStartMs;
      // The test current trips the module after testTripMs; the driver then resets it and waits for it to recover.
      if (!faults.selfTestFails && elapsed >= this.testTripMs) {
        this.passPending = true;
        this.maskUntilMs = nowMs + this.recoverMs;
      } else {
        if (elapsed >= this.selfTestTimeoutMs) this.selfTest = "failed";
        return;
      }
    }
    if (nowMs < this.maskUntilMs) return;
    if (faults.residual !== "none") this.latchedTrip = faults.residual;
    if (this.passPending) {
      this.passPending = false;
      this.selfTest = "passed";
    }
  }
  read(into: RcdSample): void {
    const dead = this.owner.faults.rcdDead;
    into.tripped = this.latchedTrip !== "none";
    into.trip = this.latchedTrip;
    into.selfTest = this.selfTest;
    into.error = dead ? "no-response" : "none";
    into.atMs = this.atMs;
  }
}

class SimLock implements ConnectorLock {
  private readonly owner: SimConnector;
  private readonly moveMs: number;
  private readonly timeoutMs: number;
  private commanded = false;
  private locked = false;
  private commandMs = 0;
  private nowMs = 0;
  constructor(owner: SimConnector, timing: SimPartTiming) {
    this.owner = owner;
    this.moveMs = timing.lockMoveMs;
    this.timeoutMs = timing.lockTimeoutMs;
  }
  setLocked(locked: boolean, nowMs: number): void {
    this.commanded = locked;
    this.commandMs = nowMs;
  }
  poll(nowMs: number): void {
    this.nowMs = nowMs;
    if (!this.owner.faults.lockJammed && nowMs - this.commandMs >= this.moveMs) this.locked = this.commanded;
  }
  read(into: LockSample): void {
    into.commandedLocked = this.commanded;
    into.locked = this.locked;
    into.error =
      this.locked === this.commanded || this.nowMs - this.commandMs < this.timeoutMs
        ? "none"
        : this.commanded
          ? "lock-failed"
          : "unlock-failed";
  }
}

class SimMeter implements EnergyMeter {
  readonly phases: 1 | 3;
  private readonly owner: SimConnector;
  /** Energy register in Wh (counts on while offline, like a real meter). */
  energyWh = 0;
  private readonly currentA = new Float64Array(3);
  private readonly voltageV = new Float64Array(3);
  private powerW = 0;
  private atMs = 0;
  constructor(owner: SimConnector, phases: 1 | 3) {
    this.owner = owner;
    this.phases = phases;
  }
  poll(nowMs: number): void {
    this.owner.update(nowMs);
  }
  /** Integrates energy up to `nowMs` (called by the connector's physics update). */
  integrate(nowMs: number, dtMs: number, drawA: number, evPhases: 1 | 3): void {
    const grid = this.owner.grid;
    const map = this.owner.phaseMap;
    const used = this.phases < evPhases ? this.phases : evPhases;
    let power = 0;
    for (let k = 0; k < 3; k++) {
      const v = k < this.phases ? grid.voltageV[map[k]] : 0;
      const a = k < used ? drawA : 0;
      this.voltageV[k] = v;
      this.currentA[k] = a;
      power += v * a;
    }
    this.powerW = power;
    this.energyWh += (power * dtMs) / 3_600_000;
    this.atMs = nowMs;
  }
  sample(into: MeterSample): boolean {
    if (this.owner.faults.meterOffline) {
      into.ok = false;
      return false;
    }
    into.energyImportWh = this.energyWh;
    into.powerW = this.powerW;
    into.voltageV[0] = this.voltageV[0];
    into.voltageV[1] = this.voltageV[1];
    into.voltageV[2] = this.voltageV[2];
    into.currentA[0] = this.currentA[0];
    into.currentA[1] = this.currentA[1];
    into.currentA[2] = this.currentA[2];
    into.frequencyHz = this.owner.grid.frequencyHz;
    into.ok = true;
    into.atMs = this.atMs;
    return true;
  }
  close(): void {}
}

class SimTemperature implements TemperatureSensor {
  private readonly owner: SimConnector;
  private readonly sampleMs: number;
  private sampledAtMs = -Infinity;
  private celsius = NaN;
  private open = false;
  constructor(owner: SimConnector, sampleMs: number) {
    this.owner = owner;
    this.sampleMs = sampleMs > 0 ? sampleMs : 0;
  }
  poll(nowMs: number): void {
    this.owner.update(nowMs);
    if (nowMs - this.sampledAtMs < this.sampleMs) return;
    this.sampledAtMs = nowMs;
    this.open = this.owner.faults.temperatureSensorOpen;
    this.celsius = this.open ? NaN : this.owner.temperatureC;
  }
  read(into: TemperatureSample): void {
    const sampled = this.sampledAtMs > -Infinity;
    into.celsius = this.celsius;
    into.ok = sampled && !this.open;
    into.error = this.open ? "open" : "none";
    into.atMs = sampled ? this.sampledAtMs : 0;
  }
}

/** One simulated connector: its HAL parts, its EV and its injectable faults. */
export class SimConnector {
  readonly ev: SimEv;
  readonly grid: SimGrid;
  readonly faults = new SimFaults();
  /** Supply phase (0..2) of connector phase k. */
  readonly phaseMap: Uint8Array;
  readonly hal: ConnectorHal;
  private readonly pilot: SimPilot;
  private readonly contactor: SimContactor;
  private readonly meter: SimMeter;
  private lastMs = -1;
  /** Temperature at the terminals (°C); a test may set it directly. */
  temperatureC: number;
  /** Ambient temperature the terminals cool toward (°C). */
  ambientC = 25;
  /** Current at which the terminals rise `riseAtRatingK` over ambient (A). */
  readonly ratingA: number;
  private readonly thermalTauMs: number;
  private readonly riseAtRatingK: number;
  private readonly overTempRiseK: number;

  constructor(
    grid: SimGrid,
    phases: 1 | 3,
    phaseMap: readonly number[],
    withLock: boolean,
    timing: SimPartTiming,
    ev: SimEv,
    ratingA = 32,
    withTemperature = true,
  ) {
    this.grid = grid;
    this.ev = ev;
    this.ratingA = ratingA > 0 ? ratingA : 32;
    this.temperatureC = this.ambientC;
    this.thermalTauMs = timing.thermalTauMs > 0 ? timing.thermalTauMs : 1;
    this.riseAtRatingK = timing.riseAtRatingK;
    this.overTempRiseK = timing.overTempRiseK;
    this.phaseMap = new Uint8Array(3);
    this.phaseMap[0] = phaseMap[0];
    this.phaseMap[1] = phaseMap[1];
    this.phaseMap[2] = phaseMap[2];
    this.pilot = new SimPilot(this);
    this.contactor = new SimContactor(this, timing);
    this.meter = new SimMeter(this, phases);
    this.hal = {
      pilot: this.pilot,
      contactor: this.contactor,
      rcd: new SimRcd(this, timing),
      lock: withLock ? new SimLock(this, timing) : null,
      meter: this.meter,
      temperature: withTemperature ? new SimTemperature(this, timing.temperatureSampleMs) : null,
    };
  }

  /** Power flows to the EV (contactor feedback closed). */
  get powered(): boolean {
    return this.contactor.feedbackClosed;
  }
  /** Contactor as commanded by the loop. */
  get commandedClosed(): boolean {
    return this.contactor.commandedClosed;
  }
  /** Current the PWM offers now (A), 0 in x1/F. */
  get offeredA(): number {
    return this.pilot.offeredA;
  }
  /** Duty cycle of CP as driven now, % (100: steady +12 V, 0: state F). */
  get dutyPercent(): number {
    return this.pilot.dutyPercent;
  }
  /** What the charger drives on CP. */
  get pilotDrive(): PilotDrive {
    return this.pilot.drive;
  }
  /** The meter's energy register (Wh). */
  get energyWh(): number {
    return this.meter.energyWh;
  }
  /**
   * Sets the meter's register: a meter is a device of its own and keeps its
   * count while the charger restarts (the lin build's bench host hands it back).
   */
  restoreEnergyWh(wh: number): void {
    if (Number.isFinite(wh) && wh >= 0) this.meter.energyWh = wh;
  }

  /** Advances the physics to `nowMs` (idempotent within one instant). */
  update(nowMs: number): void {
    if (nowMs === this.lastMs) return;
    const dtMs = this.lastMs < 0 ? 0 : nowMs - this.lastMs;
    this.lastMs = nowMs;
    this.contactor.move(nowMs);
    const powered = this.contactor.feedbackClosed;
    this.ev.advance(nowMs, this.pilot.offeredA, powered);
    const drawA = powered ? this.ev.drawA : 0;
    this.meter.integrate(nowMs, dtMs, drawA, this.ev.phases);
    // Terminals: I²R heating, first-order approach to the target with the thermal time constant.
    const ratio = drawA / this.ratingA;
    let target = this.ambientC + this.riseAtRatingK * ratio * ratio;
    if (this.faults.overTemperature) target += this.overTempRiseK;
    const k = dtMs / this.thermalTauMs;
    this.temperatureC += (target - this.temperatureC) * (k > 1 ? 1 : k);
  }
}
