/**
 * The electrical-safety invariant of the control loop, written once. The random walk
 * (`tools/safety/walk.ts`: `npm test`, `npm run safety`, the XS run) and the firmware-level chaos
 * test check it after every tick. docs/control-loop.md, "The interlock invariant", states each
 * clause and bound in words.
 *
 * It judges the loop against the simulated world (the EV, the injected faults, the parts), not
 * against the loop's own beliefs, except where the loop cannot know better (a sensor's sampling).
 * Plain TypeScript without Node: it runs on XS as well.
 */
import { BLOCKING_FAULTS, Fault } from "connector/types";
import type { ControlLoop } from "connector/loop";
import type { SimConnector } from "hal/sim/board";
import { createLockSample, type LockSample } from "hal/lock";

/** The bounds the invariant asserts (ms); docs/control-loop.md states the same figures. */
export interface InterlockBounds {
  /** Closed while no longer entitled (permission, availability, limit ≥ 6 A): IEC 61851-1 Table A.6 "X2→C1" grace. */
  readonly pwmOffGraceMs: number;
  /** The contactor may stay closed for less than this after the sensor opened or the terminals reached the trip (ms): the sensor's own sampling period; 0 = it opens in the tick that first sees it. */
  readonly temperatureDetectMs: number;
}

/** Coverage: how often each path of the loop was reached (ticks or events, per connector summed). */
export interface InterlockPaths {
  /** Ticks with a closed contactor. */
  charged: number;
  /** Ticks open because of a blocking fault. */
  faultOpen: number;
  /** Ticks with an RCD trip latched. */
  rcdTrip: number;
  /** Ticks with a failed RCD self-test latched. */
  rcdSelfTestFailed: number;
  /** Ticks closed while not entitled, inside the Table A.6 grace. */
  pwmOffGrace: number;
  /** Openings because the EV left C/D (C→B, unplug) while closed. */
  evLeftWhileClosed: number;
  /** Ticks with Fault.Temperature latched. */
  overTemperature: number;
  /** Ticks closed while the temperature derating capped the offer. */
  deratedCharging: number;
  /** Ticks at or above the trip temperature (physically). */
  hot: number;
  /** Ticks with the sensor open while the EV was ready and permitted (the loop must not close). */
  sensorOpenWhileReady: number;
  /** Ticks with a weld latched. */
  welded: number;
  /** Ticks with a missing diode latched. */
  diodeFault: number;
  /** Ticks with a pilot fault (E, invalid). */
  pilotFault: number;
  /** Ticks with a lock fault (only boards with a lock). */
  lockFault: number;
  /** Ticks with two or more contactors closed at once (the circuit shared). */
  shared: number;
}

export const PATH_NAMES: readonly (keyof InterlockPaths)[] = [
  "charged",
  "faultOpen",
  "rcdTrip",
  "rcdSelfTestFailed",
  "pwmOffGrace",
  "evLeftWhileClosed",
  "overTemperature",
  "deratedCharging",
  "hot",
  "sensorOpenWhileReady",
  "welded",
  "diodeFault",
  "pilotFault",
  "lockFault",
  "shared",
];

export function emptyPaths(): InterlockPaths {
  return {
    charged: 0,
    faultOpen: 0,
    rcdTrip: 0,
    rcdSelfTestFailed: 0,
    pwmOffGrace: 0,
    evLeftWhileClosed: 0,
    overTemperature: 0,
    deratedCharging: 0,
    hot: 0,
    sensorOpenWhileReady: 0,
    welded: 0,
    diodeFault: 0,
    pilotFault: 0,
    lockFault: 0,
    shared: 0,
  };
}

/** Paths that only exist on some boards (the rest must be reached on every board). */
export const BOARD_DEPENDENT_PATHS: readonly (keyof InterlockPaths)[] = ["lockFault", "shared"];

/**
 * Checks the invariant around each tick. The driver of the loop tells it what the OCPP side
 * wants (`permitted`, `available`), calls `beforeTick` and `afterTick` around every tick and
 * `faultsCleared` when it calls `Connector.clearFaults`.
 */
export class InterlockMonitor {
  readonly paths: InterlockPaths = emptyPaths();
  /** Permission the OCPP side gave (index = connector id - 1). */
  readonly permitted: boolean[];
  /** Availability the OCPP side set. */
  readonly available: boolean[];
  /** The circuit limit per phase the loop was given (A). */
  circuitLimitA: number;

  private readonly loop: ControlLoop;
  private readonly sims: readonly SimConnector[];
  private readonly bounds: InterlockBounds;
  private readonly lastEntitledMs: number[];
  private readonly weldedSinceClear: boolean[];
  private readonly pwmBeforeTick: boolean[];
  private readonly closedBeforeTick: boolean[];
  /** Since when (ms) the physical sensor has been open / the terminals at or above the trip, or -1. */
  private readonly sensorOpenSinceMs: number[];
  private readonly hotSinceMs: number[];
  private readonly lockSample: LockSample = createLockSample();
  private readonly usedA = [0, 0, 0];

  constructor(loop: ControlLoop, sims: readonly SimConnector[], bounds: InterlockBounds) {
    this.loop = loop;
    this.sims = sims;
    this.bounds = bounds;
    this.circuitLimitA = loop.board.circuitLimitA;
    const n = loop.connectors.length;
    this.permitted = new Array<boolean>(n).fill(false);
    this.available = new Array<boolean>(n).fill(true);
    this.lastEntitledMs = new Array<number>(n).fill(0);
    this.weldedSinceClear = new Array<boolean>(n).fill(false);
    this.pwmBeforeTick = new Array<boolean>(n).fill(false);
    this.closedBeforeTick = new Array<boolean>(n).fill(false);
    this.sensorOpenSinceMs = new Array<number>(n).fill(-1);
    this.hotSinceMs = new Array<number>(n).fill(-1);
  }

  /** `Connector.clearFaults` was called on connector index `i`: a weld may close again. */
  faultsCleared(i: number): void {
    this.weldedSinceClear[i] = false;
  }

  /** Records the physical conditions the coming tick (at `nowMs`) must honour. */
  beforeTick(nowMs: number): void {
    const tripC = this.loop.timing.tempTripC;
    for (let i = 0; i < this.sims.length; i++) {
      const sim = this.sims[i];
      this.pwmBeforeTick[i] = sim.pilotDrive === "pwm";
      this.closedBeforeTick[i] = this.loop.connectors[i].snapshot.relayClosed;
      if (!sim.faults.temperatureSensorOpen) this.sensorOpenSinceMs[i] = -1;
      else if (this.sensorOpenSinceMs[i] < 0) this.sensorOpenSinceMs[i] = nowMs;
      if (sim.temperatureC < tripC) this.hotSinceMs[i] = -1;
      else if (this.hotSinceMs[i] < 0) this.hotSinceMs[i] = nowMs;
    }
  }

  /** Checks every clause after the tick at `nowMs`; returns the first violation, or null. */
  afterTick(nowMs: number): string | null {
    const loop = this.loop;
    const timing = loop.timing;
    const paths = this.paths;
    const usedA = this.usedA;
    usedA[0] = 0;
    usedA[1] = 0;
    usedA[2] = 0;
    let closedCount = 0;
    for (let i = 0; i < this.sims.length; i++) {
      const c = loop.connectors[i];
      const s = c.snapshot;
      const sim = this.sims[i];
      const where = `connector ${i + 1}`;
      if (s.relayClosed !== sim.commandedClosed)
        return `${where}: snapshot says ${s.relayClosed ? "closed" : "open"}, contactor commanded the other way`;
      const faults = s.faults;
      if ((faults & Fault.Welded) !== 0) this.weldedSinceClear[i] = true;
      const entitled = this.permitted[i] && this.available[i] && s.offeredA >= 6 && s.limitA >= 6;
      if (entitled) this.lastEntitledMs[i] = nowMs;
      const sensor = sim.hal.temperature;
      const evInC = sim.ev.plugged && sim.ev.ready && !sim.faults.pilotShort;
      if (s.relayClosed) {
        closedCount++;
        paths.charged++;
        // C or D, sensed in this tick (a C→B, unplug or short opens in the tick that samples it: ≤ one tick, well under Table A.6's 100 ms).
        if (!evInC) return `${where}: closed while the EV is not in C/D`;
        if (s.pilotState !== "C" && s.pilotState !== "D") return `${where}: closed with debounced state ${s.pilotState}`;
        // RCD healthy and self-tested this session.
        if (sim.faults.residual !== "none") return `${where}: closed with residual current`;
        if (sim.faults.rcdDead) return `${where}: closed with the RCD module not answering`;
        if (!s.selfTested) return `${where}: closed without an RCD self-test this session`;
        // No blocking fault, and never again after a weld until maintenance clears it.
        if ((faults & BLOCKING_FAULTS) !== 0) return `${where}: closed with fault bits ${faults}`;
        if (this.weldedSinceClear[i]) return `${where}: closed again after a weld`;
        // The diode is only measurable on a PWM low phase: caught in the first tick that sensed PWM.
        if (!sim.ev.diode && this.pwmBeforeTick[i]) return `${where}: closed with PWM on and no diode`;
        // Temperature: the loop's newest reading valid and below the trip, and the physical truth at most one sampling period older.
        if (sensor) {
          if (!(s.temperatureC < timing.tempTripC)) return `${where}: closed on temperature reading ${s.temperatureC} °C`;
          if (this.sensorOpenSinceMs[i] >= 0 && nowMs - this.sensorOpenSinceMs[i] >= this.bounds.temperatureDetectMs) {
            return `${where}: closed ${nowMs - this.sensorOpenSinceMs[i]} ms with the temperature sensor open`;
          }
          if (this.hotSinceMs[i] >= 0 && nowMs - this.hotSinceMs[i] >= this.bounds.temperatureDetectMs) {
            return `${where}: closed ${nowMs - this.hotSinceMs[i]} ms at ${sim.temperatureC.toFixed(1)} °C (trip ${timing.tempTripC} °C)`;
          }
          if (s.temperatureCapA < Infinity) paths.deratedCharging++;
        }
        // Lock confirmed, where there is one.
        const lock = sim.hal.lock;
        if (lock) {
          lock.read(this.lockSample);
          if (!this.lockSample.locked || !this.lockSample.commandedLocked) return `${where}: closed without a confirmed lock`;
        }
        // Entitled (permitted, available, limit ≥ 6 A), or within the Table A.6 grace since it stopped being so.
        if (nowMs - this.lastEntitledMs[i] > this.bounds.pwmOffGraceMs)
          return `${where}: closed ${nowMs - this.lastEntitledMs[i]} ms after it stopped being entitled`;
        if (!entitled) paths.pwmOffGrace++;
      } else {
        if (this.closedBeforeTick[i] && !evInC) paths.evLeftWhileClosed++;
        if ((faults & BLOCKING_FAULTS) !== 0) paths.faultOpen++;
      }
      if (sensor && sim.faults.temperatureSensorOpen && evInC && this.permitted[i]) paths.sensorOpenWhileReady++;
      if ((faults & Fault.Welded) !== 0) paths.welded++;
      if ((faults & Fault.RcdTrip) !== 0) paths.rcdTrip++;
      if ((faults & Fault.RcdSelfTest) !== 0) paths.rcdSelfTestFailed++;
      if ((faults & Fault.Temperature) !== 0) paths.overTemperature++;
      if ((faults & Fault.Diode) !== 0) paths.diodeFault++;
      if ((faults & Fault.Pilot) !== 0) paths.pilotFault++;
      if ((faults & Fault.Lock) !== 0) paths.lockFault++;
      if (sensor && sim.temperatureC >= timing.tempTripC) paths.hot++;
      // Load balancing: what the PWMs offer never exceeds the circuit limit on any supply phase.
      const map = sim.phaseMap;
      const phases = loop.board.supplyPhases === 1 ? 1 : loop.board.connectors[i].phases;
      for (let k = 0; k < phases; k++) usedA[loop.board.supplyPhases === 1 ? 0 : map[k]] += s.offeredA;
    }
    if (closedCount >= 2) paths.shared++;
    for (let p = 0; p < 3; p++) {
      if (usedA[p] > this.circuitLimitA + 1e-9) return `phase L${p + 1}: PWMs offer ${usedA[p]} A over the ${this.circuitLimitA} A circuit`;
    }
    return null;
  }
}
