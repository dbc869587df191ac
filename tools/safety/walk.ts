/**
 * The seeded random walk of the control loop: EV actions, OCPP inputs, faults and limits on a
 * simulated board, with the interlock invariant (`./interlock.ts`) checked after every tick.
 * Every action applied is recorded with its resolved value, so a failing walk can be replayed
 * and shrunk (`./shrink.ts`) without the random generator.
 *
 * Plain TypeScript without Node: `npm test`, `npm run safety`, `npm run bench` and the XS run
 * (tests/xs/entry-safety.ts) all use this file.
 */
import { createSimulatedBoardLoop, type SimulatedBoardLoop, type SimulatedChargerOptions } from "../sim/simulated-board-loop.ts";
import { InterlockMonitor, type InterlockBounds, type InterlockPaths } from "./interlock.ts";
import { boardForSeed, type WalkBoard } from "./boards.ts";
import { mulberry32, weightedChoice } from "./prng.ts";

export const ACTION_KINDS = [
  "plug",
  "unplug",
  "ready",
  "ventilation",
  "stopDrawing",
  "permission",
  "availability",
  "reserved",
  "ocppLimit",
  "circuitLimit",
  "diode",
  "residual",
  "selfTestFails",
  "welded",
  "failToClose",
  "pilotShort",
  "meterOffline",
  "lockJammed",
  "unlock",
  "clearFaults",
  "overTemperature",
  "sensorOpen",
  "rcdDead",
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/**
 * One action with its resolved value: booleans as 0/1; `plug` the EV's phases (0 keeps them);
 * `residual` 0 none, 1 dc, 2 ac; `ocppLimit` amperes or -1 for none; `circuitLimit` amperes.
 */
export interface WalkAction {
  readonly step: number;
  /** Connector index (connector id - 1). */
  readonly connector: number;
  readonly kind: ActionKind;
  readonly value: number;
}

/** "v1" is the action mix of the first walk (kept so the seeds that failed with it replay exactly). */
export type ActionMix = "v1" | "weighted";

export interface WalkOptions {
  readonly seed: number;
  readonly steps: number;
  /** Default "weighted". */
  readonly mix?: ActionMix;
  /** Board; default `boardForSeed(seed)` (or the v1 board for the v1 mix). */
  readonly board?: WalkBoard;
  /** Replay these actions instead of generating (sorted by step). */
  readonly actions?: readonly WalkAction[];
  /** Record the actions applied (for shrinking); default false. */
  readonly record?: boolean;
  /** Stricter (or looser) bounds than the loop's own, e.g. to prove a violation is caught and shrunk. */
  readonly bounds?: Partial<InterlockBounds>;
}

export interface WalkViolation {
  readonly step: number;
  readonly message: string;
}

export interface WalkResult {
  readonly seed: number;
  readonly board: string;
  /** Steps run (up to and including a violating one). */
  readonly steps: number;
  readonly violation: WalkViolation | null;
  readonly paths: InterlockPaths;
  readonly actions: readonly WalkAction[];
}

const LIMITS_A = [-1, 0, 4, 6, 10, 16, 32, 80];
const CIRCUITS_A = [10, 16, 20, 32, 63];
const RESIDUALS = ["none", "dc", "ac"] as const;

/** The board of the first walk: two 3-phase connectors, a lock on even seeds. */
export function v1Board(seed: number): WalkBoard {
  return {
    name: seed % 2 === 0 ? "v1-lock" : "v1",
    options: {
      connectors: 2,
      circuitLimitA: 32,
      withLock: seed % 2 === 0,
      timing: { rcdRetryDelayMs: 2000, limitIncreaseHoldMs: 1000, reclaimHoldMs: 3000 },
      partTiming: { thermalTauMs: 5000 },
    },
  };
}

interface Generator {
  next(step: number, charger: SimulatedBoardLoop): WalkAction | null;
}

function bit(b: boolean): number {
  return b ? 1 : 0;
}

/** The first walk's generator, consuming the random numbers in the same order as it did. */
function v1Generator(random: () => number): Generator {
  return {
    next(step, charger) {
      if (random() >= 0.07) return null;
      const n = charger.loop.connectors.length;
      const i = Math.floor(random() * n);
      const sim = charger.sims[i];
      const roll = random();
      const a = (kind: ActionKind, value: number): WalkAction => ({ step, connector: i, kind, value });
      if (roll < 0.1) return a("plug", 0);
      if (roll < 0.16) return a("unplug", 0);
      if (roll < 0.3) return a("ready", bit(!sim.ev.ready));
      if (roll < 0.33) return a("ventilation", bit(!sim.ev.ventilation));
      if (roll < 0.37) return a("stopDrawing", bit(!sim.ev.stopDrawing));
      if (roll < 0.5) return a("permission", bit(random() < 0.7));
      if (roll < 0.53) return a("availability", bit(random() < 0.8));
      if (roll < 0.55) return a("reserved", bit(random() < 0.5));
      if (roll < 0.63) return a("ocppLimit", LIMITS_A[Math.floor(random() * LIMITS_A.length)]);
      if (roll < 0.66) return a("circuitLimit", CIRCUITS_A[Math.floor(random() * CIRCUITS_A.length)]);
      if (roll < 0.69) return a("diode", bit(random() < 0.7));
      if (roll < 0.73) return a("residual", random() < 0.6 ? 0 : random() < 0.5 ? 1 : 2);
      if (roll < 0.75) return a("selfTestFails", bit(random() < 0.3));
      if (roll < 0.76) return a("welded", bit(random() < 0.5));
      if (roll < 0.78) return a("failToClose", bit(random() < 0.3));
      if (roll < 0.81) return a("pilotShort", bit(random() < 0.3));
      if (roll < 0.84) return a("meterOffline", bit(random() < 0.5));
      if (roll < 0.86) return a("lockJammed", bit(random() < 0.3));
      if (roll < 0.88) return a("unlock", 0);
      if (roll < 0.9) return a("clearFaults", 0);
      if (roll < 0.92) return a("overTemperature", bit(random() < 0.2));
      if (roll < 0.93) return a("sensorOpen", bit(random() < 0.2));
      return null;
    },
  };
}

/**
 * The weighted mix, tuned so that most seeds reach every path within a sweep's steps
 * (`npm run safety` reports per path how many seeds reached it). EV and OCPP actions come
 * often; a fault comes as an episode: injected, then repaired after a while (the repair is an
 * action of its own, scheduled when the fault is injected; a weld is followed by maintenance's
 * `clearFaults`), so faults arrive into sessions instead of piling up.
 */
const WEIGHTS: Readonly<Record<ActionKind, number>> = {
  plug: 6,
  unplug: 2,
  ready: 8,
  ventilation: 1,
  stopDrawing: 1.5,
  permission: 6,
  availability: 1.2,
  reserved: 0.8,
  ocppLimit: 3,
  circuitLimit: 1.5,
  unlock: 0.8,
  clearFaults: 0.6,
  diode: 0.6,
  residual: 1,
  selfTestFails: 0.6,
  welded: 0.6,
  failToClose: 0.5,
  pilotShort: 0.8,
  meterOffline: 0.6,
  lockJammed: 1.2,
  overTemperature: 1.5,
  sensorOpen: 0.8,
  rcdDead: 0.3,
};
/** Fault episodes: value that injects the fault, and how long it lasts (ms, min and max). */
const FAULT_EPISODES: Partial<Record<ActionKind, { readonly inject: number; readonly minMs: number; readonly maxMs: number }>> = {
  diode: { inject: 0, minMs: 200, maxMs: 20_000 },
  residual: { inject: 1, minMs: 100, maxMs: 20_000 },
  selfTestFails: { inject: 1, minMs: 500, maxMs: 20_000 },
  welded: { inject: 1, minMs: 1000, maxMs: 20_000 },
  failToClose: { inject: 1, minMs: 500, maxMs: 20_000 },
  pilotShort: { inject: 1, minMs: 100, maxMs: 10_000 },
  meterOffline: { inject: 1, minMs: 500, maxMs: 30_000 },
  lockJammed: { inject: 1, minMs: 200, maxMs: 10_000 },
  overTemperature: { inject: 1, minMs: 5000, maxMs: 40_000 },
  sensorOpen: { inject: 1, minMs: 100, maxMs: 10_000 },
  rcdDead: { inject: 1, minMs: 100, maxMs: 5000 },
};
/** Chance per tick and connector that an action starts (one every 2 s per connector on average). */
const ACTION_RATE_PER_CONNECTOR = 0.005;

function weightedGenerator(random: () => number, tickMs: number): Generator {
  const drawKind = weightedChoice(ACTION_KINDS, WEIGHTS, "plug");
  /** Repairs scheduled by fault episodes, in step order. */
  const pending: WalkAction[] = [];
  const schedule = (action: WalkAction): void => {
    let k = pending.length;
    while (k > 0 && pending[k - 1].step > action.step) k--;
    pending.splice(k, 0, action);
  };
  return {
    next(step, charger) {
      if (pending.length > 0 && pending[0].step <= step) {
        const due = pending.shift() as WalkAction;
        return { step, connector: due.connector, kind: due.kind, value: due.value };
      }
      const n = charger.loop.connectors.length;
      if (random() >= ACTION_RATE_PER_CONNECTOR * n) return null;
      const i = Math.floor(random() * n);
      const kind = drawKind(random);
      const a = (value: number): WalkAction => ({ step, connector: i, kind, value });
      const episode = FAULT_EPISODES[kind];
      if (episode) {
        // Log-uniform duration: many short glitches, some long faults.
        const ms = episode.minMs * Math.pow(episode.maxMs / episode.minMs, random());
        const repairStep = step + Math.max(1, Math.round(ms / tickMs));
        schedule({ step: repairStep, connector: i, kind, value: 1 - episode.inject });
        if (kind === "welded") schedule({ step: repairStep + 1, connector: i, kind: "clearFaults", value: 0 });
        return a(episode.inject);
      }
      switch (kind) {
        case "plug":
          return a(random() < 0.3 ? 1 : 3);
        case "ready":
          return a(bit(random() < 0.75));
        case "ventilation":
          return a(bit(random() < 0.25));
        case "stopDrawing":
          return a(bit(random() < 0.35));
        case "permission":
          return a(bit(random() < 0.75));
        case "availability":
          return a(bit(random() < 0.8));
        case "reserved":
          return a(bit(random() < 0.5));
        case "ocppLimit":
          return a(LIMITS_A[Math.floor(random() * LIMITS_A.length)]);
        case "circuitLimit":
          return a(CIRCUITS_A[Math.floor(random() * CIRCUITS_A.length)]);
        default:
          return a(0);
      }
    },
  };
}

/** Applies one action to the board and tells the monitor what the OCPP side now wants. */
export function applyAction(charger: SimulatedBoardLoop, monitor: InterlockMonitor, action: WalkAction, nowMs: number): void {
  const i = action.connector;
  const c = charger.loop.connectors[i];
  const sim = charger.sims[i];
  const on = action.value !== 0;
  const f = sim.faults;
  switch (action.kind) {
    case "plug":
      if (action.value === 1 || action.value === 3) sim.ev.phases = action.value;
      sim.ev.plug();
      break;
    case "unplug":
      sim.ev.unplug();
      break;
    case "ready":
      sim.ev.ready = on;
      break;
    case "ventilation":
      sim.ev.ventilation = on;
      break;
    case "stopDrawing":
      sim.ev.stopDrawing = on;
      break;
    case "permission":
      monitor.permitted[i] = on;
      c.setPermission(on);
      break;
    case "availability":
      monitor.available[i] = on;
      c.setAvailable(on);
      break;
    case "reserved":
      c.setReserved(on);
      break;
    case "ocppLimit":
      c.setOcppLimitA(action.value < 0 ? Infinity : action.value);
      break;
    case "circuitLimit":
      monitor.circuitLimitA = action.value;
      charger.loop.setCircuitLimitA(action.value);
      break;
    case "diode":
      sim.ev.diode = on;
      break;
    case "residual":
      f.residual = RESIDUALS[action.value] ?? "none";
      break;
    case "selfTestFails":
      f.selfTestFails = on;
      break;
    case "welded":
      f.welded = on;
      break;
    case "failToClose":
      f.failToClose = on;
      break;
    case "pilotShort":
      f.pilotShort = on;
      break;
    case "meterOffline":
      f.meterOffline = on;
      break;
    case "lockJammed":
      f.lockJammed = on;
      break;
    case "unlock":
      c.unlock();
      break;
    case "clearFaults":
      c.clearFaults(nowMs);
      monitor.faultsCleared(i);
      break;
    case "overTemperature":
      f.overTemperature = on;
      break;
    case "sensorOpen":
      f.temperatureSensorOpen = on;
      break;
    case "rcdDead":
      f.rcdDead = on;
      break;
  }
}

/** Builds the board of a walk (also used to replay a shrunk sequence). */
export function buildWalkCharger(
  board: WalkBoard,
  bounds: Partial<InterlockBounds> = {},
): { charger: SimulatedBoardLoop; monitor: InterlockMonitor } {
  const options: SimulatedChargerOptions = board.options;
  const charger = createSimulatedBoardLoop(options);
  // The bounds docs/control-loop.md states: the Table A.6 grace, and the sensor's sampling period.
  const monitor = new InterlockMonitor(charger.loop, charger.sims, {
    pwmOffGraceMs: bounds.pwmOffGraceMs ?? charger.loop.timing.pwmOffOpenMs,
    temperatureDetectMs: bounds.temperatureDetectMs ?? options.partTiming?.temperatureSampleMs ?? 0,
  });
  return { charger, monitor };
}

/** Runs one walk; stops at the first violation. */
export function runWalk(options: WalkOptions): WalkResult {
  const mix = options.mix ?? "weighted";
  const board = options.board ?? (mix === "v1" ? v1Board(options.seed) : boardForSeed(options.seed));
  const { charger, monitor } = buildWalkCharger(board, options.bounds);
  const random = mulberry32(options.seed);
  const tickMs = charger.loop.timing.tickMs;
  const generator = options.actions ? null : mix === "v1" ? v1Generator(random) : weightedGenerator(random, tickMs);
  const replay = options.actions ?? [];
  const recorded: WalkAction[] = [];
  const record = options.record === true;
  let replayAt = 0;
  let nowMs = 0;
  for (let step = 0; step < options.steps; step++) {
    if (generator) {
      const action = generator.next(step, charger);
      if (action) {
        applyAction(charger, monitor, action, nowMs);
        if (record) recorded.push(action);
      }
    } else {
      while (replayAt < replay.length && replay[replayAt].step <= step) {
        const action = replay[replayAt++];
        if (action.step === step) applyAction(charger, monitor, action, nowMs);
      }
    }
    nowMs += tickMs;
    monitor.beforeTick(nowMs);
    charger.loop.tick(nowMs);
    const message = monitor.afterTick(nowMs);
    if (message !== null) {
      return {
        seed: options.seed,
        board: board.name,
        steps: step + 1,
        violation: { step, message },
        paths: monitor.paths,
        actions: generator ? recorded : replay,
      };
    }
  }
  return {
    seed: options.seed,
    board: board.name,
    steps: options.steps,
    violation: null,
    paths: monitor.paths,
    actions: generator ? recorded : replay,
  };
}
