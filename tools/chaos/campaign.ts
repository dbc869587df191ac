/**
 * The chaos campaign: seeded random sequences of bench-level actions against booted firmware
 * (`./charger.ts`) and a restartable CSMS (`./csms.ts`) on virtual time, with the protocol
 * monitor (docs/protocol-rules.md) on every frame and the interlock invariant
 * (docs/control-loop.md) after every tick, then end-of-run checks on the transactions.
 *
 * A sequence: K chargers boot; `actions` times, one action on one charger (or on the CSMS),
 * then a gap of virtual time (mostly seconds, sometimes many minutes: time moves in large
 * steps while nothing is on the wire). Then a final restore (network, CSMS, Operative, EVs
 * unplugged, remote stops) and settling, and the checks:
 * - every StartTransaction the charger journaled reached the CSMS (none lost),
 * - every transaction at the CSMS is stopped exactly once (none duplicated, none left open),
 * - meterStop ≥ meterStart, no StopTransaction without a delivered start,
 * - no protocol or interlock violation.
 *
 * Every applied action is recorded with its resolved values, so a failing sequence can be
 * replayed (`actions`) and shrunk without the random generator.
 */
import { VirtualTime } from "platform/common/virtual-timers";
import { PowerCutError } from "platform/common/sim-flash";
import { formatViolations, type MonitorViolation } from "../csms/protocol-monitor.ts";
import { mulberry32, weightedChoice } from "../safety/prng.ts";
import { ChaosCharger, PARTITIONS } from "./charger.ts";
import { ChaosCsms } from "./csms.ts";

export const CHAOS_ACTIONS = [
  "plug",
  "unplug",
  "evReady",
  "card",
  "remoteStart",
  "remoteStop",
  "powerCut",
  "netDrop",
  "csmsRestart",
  "availability",
  "reset",
  "config",
  "clockJump",
  "evLimit",
  "evStops",
  "idle",
] as const;
export type ChaosActionKind = (typeof CHAOS_ACTIONS)[number];

/** One action with its resolved values (`a`, `b`: meaning per kind) and the gap after it (ms). */
export interface ChaosAction {
  readonly kind: ChaosActionKind;
  /** Charger index. */
  readonly charger: number;
  /** Connector id (1-based; 0 = the charge point for availability). */
  readonly connector: number;
  readonly a: number;
  readonly b: number;
  readonly gapMs: number;
}

export interface ChaosOptions {
  readonly seed: number;
  /** Actions per sequence (default 12). */
  readonly actions?: number;
  /** Chargers on the CSMS (default 1). */
  readonly chargers?: number;
  /** Connectors per charger (default: 1 or 2 by seed). */
  readonly connectors?: number;
  /** Replay these actions instead of generating. */
  readonly replay?: readonly ChaosAction[];
}

export interface ChaosResult {
  readonly seed: number;
  readonly actions: readonly ChaosAction[];
  readonly sessions: number;
  readonly transactions: number;
  readonly powerCuts: number;
  readonly drops: number;
  readonly csmsRestarts: number;
  readonly lostAnswers: number;
  readonly protocolViolations: readonly MonitorViolation[];
  readonly interlockViolations: readonly string[];
  readonly transactionsLost: number;
  readonly transactionsDuplicated: number;
  /** Other end-of-run findings (open transactions, meterStop < meterStart, stops without start). */
  readonly problems: readonly string[];
  readonly virtualMs: number;
  /** Control-loop ticks the interlock monitor checked; frames the protocol monitors saw. */
  readonly ticksChecked: number;
  readonly framesChecked: number;
  /** The CSMS's latest frames and the chargers' latest log lines (for a failure's account). */
  readonly trace: readonly string[];
}

const WEIGHTS: Readonly<Record<ChaosActionKind, number>> = {
  plug: 8,
  unplug: 4,
  evReady: 4,
  card: 7,
  remoteStart: 4,
  remoteStop: 3,
  powerCut: 3,
  netDrop: 3,
  csmsRestart: 2,
  availability: 2,
  reset: 1.5,
  config: 1.5,
  clockJump: 1.5,
  evLimit: 1.5,
  evStops: 1.5,
  idle: 2,
};
const CARDS = ["CARD-A", "CARD-B", "CARD-C"];
const SAMPLE_INTERVALS = [0, 5, 30, 60];
const CLOCK_JUMPS_MS = [-3_600_000, -600_000, -60_000, 60_000, 600_000, 3_600_000, 86_400_000];
/** 2026-01-01: the CSMS's clock at virtual time 0. */
const CLOCK_BASE_MS = Date.UTC(2026, 0, 1);

export function generate(seed: number, count: number, chargers: number, connectors: number): ChaosAction[] {
  const random = mulberry32(seed);
  const drawKind = weightedChoice(CHAOS_ACTIONS, WEIGHTS, "idle");
  const int = (n: number): number => Math.floor(random() * n);
  const out: ChaosAction[] = [];
  for (let i = 0; i < count; i++) {
    const kind = drawKind(random);
    // Gaps: mostly a few seconds, some minutes, a few long idle stretches (log-uniform).
    const long = kind === "idle" || random() < 0.1;
    const gapMs = Math.round((long ? 60_000 : 300) * Math.pow(long ? 60 : 50, random()));
    const charger = int(chargers);
    const connector = 1 + int(connectors);
    let a = 0;
    let b = 0;
    switch (kind) {
      case "card":
        a = int(CARDS.length);
        b = random() < 0.5 ? 0 : 1; // 1: the reader names the connector
        break;
      case "remoteStart":
        a = int(CARDS.length);
        break;
      case "powerCut":
        a = random() < 0.75 ? 1 + int(8) : 0; // n-th flash write; 0 = cut at once
        b = int(PARTITIONS.length * 2); // partition and mode
        break;
      case "netDrop":
        a = Math.round(500 * Math.pow(240, random())); // down for 0.5 s .. 2 min
        b = random() < 0.5 ? 1 + int(4) : 0; // > 0: at the b-th frame the charger is about to receive (lost)
        break;
      case "csmsRestart":
        a = Math.round(500 * Math.pow(240, random()));
        break;
      case "availability":
        a = random() < 0.3 ? 0 : connector; // connector 0: the whole charge point
        b = random() < 0.6 ? 1 : 0; // 1 Operative
        break;
      case "reset":
        a = random() < 0.5 ? 1 : 0; // 1 Hard
        break;
      case "config":
        a = SAMPLE_INTERVALS[int(SAMPLE_INTERVALS.length)];
        break;
      case "clockJump":
        a = CLOCK_JUMPS_MS[int(CLOCK_JUMPS_MS.length)];
        break;
      case "evLimit":
        a = 6 + int(27);
        break;
      case "evStops":
      case "evReady":
        a = random() < 0.5 ? 1 : 0;
        break;
      default:
        break;
    }
    out.push({ kind, charger, connector, a, b, gapMs });
  }
  return out;
}

function pause(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bound on the real event-loop turns one sequence may take (every loop here is bounded). */
const MAX_STEPS_PER_SEQUENCE = 400_000;

class World {
  readonly time = new VirtualTime(0);
  readonly csms: ChaosCsms;
  readonly chargers: ChaosCharger[] = [];
  drops = 0;
  #frames = 0;
  #steps = 0;
  #netUpAtMs: number[] = [];
  /** How long an armed drop (`dropNetworkAtFrame`) keeps the network down once it happened. */
  #netDownForMs: number[] = [];
  #csmsUpAtMs = -1;
  readonly errors: string[] = [];

  constructor() {
    this.csms = new ChaosCsms({
      clockBaseMs: CLOCK_BASE_MS,
      virtualNowMs: () => this.time.nowMs(),
      received: (identity, text) => this.chargers.find((c) => c.identity === identity)?.received.has(text) ?? false,
    });
  }

  add(charger: ChaosCharger): void {
    this.chargers.push(charger);
    this.#netUpAtMs.push(-1);
    this.#netDownForMs.push(0);
  }

  /** Frames seen on either side so far (traffic: keep the steps small). */
  #traffic(): number {
    let n = this.#frames;
    for (const c of this.chargers) n += c.received.size + c.net.attempts;
    for (const m of this.csms.monitors.values()) n += m.violations.length;
    return n;
  }

  /**
   * Moves virtual time by `ms`: small steps while frames move, growing to large steps while
   * nothing happens; socket traffic flows between steps. Handles power cuts, reboots asked by
   * Reset, and the end of network and CSMS outages on the way.
   */
  async run(ms: number, until?: () => boolean): Promise<void> {
    const end = this.time.nowMs() + ms;
    let stepMs = 20;
    let quiet = 0;
    while (this.time.nowMs() < end) {
      if (until?.()) return;
      if (++this.#steps > MAX_STEPS_PER_SEQUENCE) throw new Error("sequence exceeded its step bound");
      const before = this.#traffic();
      const target = Math.min(end, this.time.nowMs() + stepMs);
      for (let guard = 0; guard < 1000 && this.time.nowMs() < target; guard++) {
        try {
          this.time.advanceTo(target);
        } catch (error) {
          if (!(error instanceof PowerCutError)) {
            this.errors.push(
              `timer threw at ${this.time.nowMs()} ms: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
            );
          }
        }
        this.#housekeeping();
      }
      await pause();
      await pause();
      if (this.#traffic() !== before) {
        stepMs = 20;
        quiet = 0;
      } else if (++quiet > 3) {
        stepMs = Math.min(stepMs * 2, 2000);
      }
      await this.#csmsBackIfDue();
    }
  }

  #housekeeping(): void {
    const now = this.time.nowMs();
    for (let i = 0; i < this.chargers.length; i++) {
      const charger = this.chargers[i];
      if (charger.dead || charger.rebootRequested !== undefined) {
        charger.shutDown();
        charger.boot();
      }
      if (!charger.net.networkUp && this.#netUpAtMs[i] < 0) this.#netUpAtMs[i] = now + this.#netDownForMs[i]; // an armed drop happened
      if (this.#netUpAtMs[i] >= 0 && now >= this.#netUpAtMs[i]) {
        this.#netUpAtMs[i] = -1;
        charger.net.restore();
      }
    }
  }

  async #csmsBackIfDue(): Promise<void> {
    if (this.#csmsUpAtMs >= 0 && this.time.nowMs() >= this.#csmsUpAtMs) {
      this.#csmsUpAtMs = -1;
      await this.csms.start();
    }
  }

  dropNetwork(i: number, forMs: number): void {
    this.drops++;
    this.chargers[i].net.drop();
    this.#netUpAtMs[i] = this.time.nowMs() + forMs;
  }

  /** The network drops when the charger is about to receive its `n`-th next frame; down for `forMs` from then. */
  dropNetworkAtFrame(i: number, n: number, forMs: number): void {
    this.drops++;
    this.chargers[i].net.dropAtFrame(n);
    this.#netDownForMs[i] = forMs;
  }

  async csmsDown(forMs: number): Promise<void> {
    if (!this.csms.up) return;
    await this.csms.stop();
    this.csms.restarts++;
    this.#csmsUpAtMs = this.time.nowMs() + forMs;
  }

  /** Everything back: network, CSMS. */
  async restoreAll(): Promise<void> {
    for (let i = 0; i < this.chargers.length; i++) {
      this.#netUpAtMs[i] = -1;
      this.chargers[i].net.restore();
    }
    this.#csmsUpAtMs = -1;
    await this.csms.start();
  }

  /** A CALL from the CSMS while time moves; undefined when it fails or gets no answer in 30 s. */
  async call(charger: ChaosCharger, action: string, params: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    if (!this.csms.isConnected(charger.identity)) return undefined;
    let done = false;
    let answer: Record<string, unknown> | undefined;
    this.csms.call(charger.identity, action, params).then(
      (conf) => {
        answer = conf;
        done = true;
      },
      () => {
        done = true;
      },
    );
    await this.run(30_000, () => done);
    return answer;
  }
}

async function apply(world: World, action: ChaosAction): Promise<void> {
  const charger = world.chargers[action.charger];
  const fw = charger.firmware;
  const sim = charger.sim.sims[Math.min(action.connector, charger.connectorCount) - 1];
  const connectorId = Math.min(action.connector, charger.connectorCount);
  switch (action.kind) {
    case "plug":
      if (!sim.ev.plugged) {
        sim.ev.plug();
        sim.ev.ready = true;
      }
      return;
    case "unplug":
      sim.ev.unplug();
      return;
    case "evReady":
      if (sim.ev.plugged) sim.ev.ready = action.a === 1;
      return;
    case "card":
      fw?.presentCard(CARDS[action.a], action.b === 1 ? connectorId : undefined);
      return;
    case "remoteStart":
      await world.call(charger, "RemoteStartTransaction", { connectorId, idTag: CARDS[action.a] });
      return;
    case "remoteStop": {
      const open = world.csms.openTransactions(charger.identity);
      if (open.length === 0) return;
      await world.call(charger, "RemoteStopTransaction", { transactionId: open[action.connector % open.length].transactionId });
      return;
    }
    case "powerCut":
      if (action.a === 0) charger.cutNow();
      else charger.armCut(PARTITIONS[action.b % PARTITIONS.length], action.a, action.b >= PARTITIONS.length ? "torn" : "lost");
      return;
    case "netDrop":
      if (action.b > 0) world.dropNetworkAtFrame(action.charger, action.b, action.a);
      else world.dropNetwork(action.charger, action.a);
      return;
    case "csmsRestart":
      await world.csmsDown(action.a);
      return;
    case "availability":
      await world.call(charger, "ChangeAvailability", {
        connectorId: action.a === 0 ? 0 : connectorId,
        type: action.b === 1 ? "Operative" : "Inoperative",
      });
      return;
    case "reset":
      await world.call(charger, "Reset", { type: action.a === 1 ? "Hard" : "Soft" });
      return;
    case "config":
      await world.call(charger, "ChangeConfiguration", { key: "MeterValueSampleInterval", value: String(action.a) });
      return;
    case "clockJump":
      world.csms.moveClock(action.a);
      await world.call(charger, "TriggerMessage", { requestedMessage: "Heartbeat" });
      return;
    case "evLimit":
      sim.ev.maxA = action.a;
      return;
    case "evStops":
      sim.ev.stopDrawing = action.a === 1;
      return;
    case "idle":
      return;
  }
}

/** Runs one sequence; never throws for a finding (they are in the result). */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const seed = options.seed;
  const chargerCount = options.chargers ?? 1;
  const connectors = options.connectors ?? (seed % 3 === 0 ? 2 : 1);
  const actions = options.replay ? [...options.replay] : generate(seed, options.actions ?? 12, chargerCount, connectors);
  const world = new World();
  const problems: string[] = [];
  await world.csms.start();
  try {
    for (let k = 0; k < chargerCount; k++) {
      const charger = new ChaosCharger({
        identity: `CHAOS${seed}-${k}`,
        time: world.time,
        connectors,
        csmsUrl: world.csms.url,
        withLock: (seed + k) % 2 === 0,
      });
      world.add(charger);
      charger.boot();
    }
    await world.run(60_000, () => world.chargers.every((c) => c.firmware?.chargePoint.engine.accepted === true));
    for (const action of actions) {
      await apply(world, action);
      await world.run(action.gapMs);
      // An armed cut that no write reached by now: disarmed (the run continues powered).
      for (const charger of world.chargers) charger.disarm();
    }
    await settle(world);
    checkEnd(world, problems);
  } catch (error) {
    problems.push(`run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    for (const charger of world.chargers) charger.shutDown();
    await world.csms.close();
  }
  problems.push(...world.errors);
  let transactions = 0;
  let lost = 0;
  let duplicated = 0;
  for (const charger of world.chargers) {
    const atCsms = [...world.csms.transactions.values()].filter((t) => t.identity === charger.identity);
    transactions += atCsms.length;
    lost += Math.max(0, charger.kv.journaledStarts.size - atCsms.length);
    for (const tx of atCsms) if (tx.stops > 1) duplicated += tx.stops - 1;
  }
  const protocolViolations: MonitorViolation[] = [];
  for (const monitor of world.csms.monitors.values()) protocolViolations.push(...monitor.unexpected());
  for (const v of protocolViolations) if (v.rule === "tx-duplicate" || v.rule === "tx-stop-once") duplicated++;
  return {
    seed,
    actions,
    sessions: chargerCount,
    transactions,
    powerCuts: world.chargers.reduce((n, c) => n + c.powerCuts, 0),
    drops: world.drops,
    csmsRestarts: world.csms.restarts,
    lostAnswers: world.csms.lostAnswers,
    protocolViolations,
    interlockViolations: world.chargers.flatMap((c) => c.interlockViolations),
    transactionsLost: lost,
    transactionsDuplicated: duplicated,
    problems,
    virtualMs: world.time.nowMs(),
    ticksChecked: world.chargers.reduce((n, c) => n + c.ticksChecked, 0),
    framesChecked: world.csms.framesSeen,
    trace: [...world.csms.frames, ...world.chargers.flatMap((c) => c.log.lines.slice(-60))],
  };
}

/** Final restore: everything up and Operative, EVs gone, open transactions stopped; then settle. */
async function settle(world: World): Promise<void> {
  await world.restoreAll();
  const quiet = (): boolean =>
    world.chargers.every((c) => {
      const fw = c.firmware;
      if (!fw || !fw.chargePoint.engine.accepted || !world.csms.isConnected(c.identity)) return false;
      const tx = fw.chargePoint.transactions;
      for (let id = 1; id <= c.connectorCount; id++) if (tx.hasTransaction(id)) return false;
      return tx.journalSize === 0 && world.csms.openTransactions(c.identity).length === 0;
    });
  for (let round = 0; round < 6 && !quiet(); round++) {
    await world.run(120_000, () =>
      world.chargers.every((c) => c.firmware?.chargePoint.engine.accepted === true && world.csms.isConnected(c.identity)),
    );
    for (const charger of world.chargers) {
      for (const sim of charger.sim.sims) {
        sim.ev.unplug();
        sim.ev.stopDrawing = false;
      }
      await world.call(charger, "ChangeAvailability", { connectorId: 0, type: "Operative" });
      for (const tx of world.csms.openTransactions(charger.identity))
        await world.call(charger, "RemoteStopTransaction", { transactionId: tx.transactionId });
    }
    await world.run(300_000, quiet);
  }
  await world.run(5_000);
}

function checkEnd(world: World, problems: string[]): void {
  for (const charger of world.chargers) {
    const fw = charger.firmware;
    if (!fw) {
      problems.push(`${charger.identity}: not running at the end`);
      continue;
    }
    if (fw.chargePoint.transactions.journalSize !== 0)
      problems.push(`${charger.identity}: ${fw.chargePoint.transactions.journalSize} transaction messages never delivered`);
    for (let id = 1; id <= charger.connectorCount; id++) {
      if (fw.chargePoint.transactions.hasTransaction(id))
        problems.push(`${charger.identity}: connector ${id} still has a transaction after the final stop`);
    }
  }
  for (const tx of world.csms.transactions.values()) {
    if (tx.stops === 0) problems.push(`${tx.identity}: transaction ${tx.transactionId} never stopped at the CSMS`);
    if (tx.meterStopWh !== undefined && tx.meterStopWh < tx.meterStartWh)
      problems.push(`${tx.identity}: transaction ${tx.transactionId} meterStop ${tx.meterStopWh} < meterStart ${tx.meterStartWh}`);
  }
  if (world.csms.stopsWithoutStart > 0) problems.push(`${world.csms.stopsWithoutStart} StopTransaction(s) for a start the CSMS never saw`);
}

/** True when the sequence found nothing. */
export function passed(result: ChaosResult): boolean {
  return (
    result.protocolViolations.length === 0 &&
    result.interlockViolations.length === 0 &&
    result.transactionsLost === 0 &&
    result.transactionsDuplicated === 0 &&
    result.problems.length === 0
  );
}

/** A readable account of a failed sequence: seed, findings and the action list to replay. */
export function describeFailure(result: ChaosResult): string {
  const lines = [`seed ${result.seed}: lost ${result.transactionsLost}, duplicated ${result.transactionsDuplicated}`];
  if (result.protocolViolations.length > 0) lines.push(formatViolations(result.protocolViolations));
  lines.push(...result.interlockViolations.map((v) => `[interlock] ${v}`));
  lines.push(...result.problems.map((p) => `[end] ${p}`));
  lines.push(`actions: ${JSON.stringify(result.actions)}`);
  return lines.join("\n");
}
