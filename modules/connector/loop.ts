/**
 * The connector control loop: one loop drives every connector of a board at
 * a fixed period through the `LoopDriver` port. Each tick:
 * 1. every connector senses (reads HAL parts, opens at once on a safety condition);
 * 2. the load balancer shares the circuit limit per phase between the
 *    connectors that want power (each capped by OCPP smart charging, cable,
 *    ratings and what its EV takes: the minimum wins);
 * 3. every connector actuates (PWM, lock, self-test, contactor) and
 *    updates its OCPP status, emitting events.
 *
 * Fixed allocation: all objects are built by the constructor; `tick`
 * allocates nothing (proved on XS by tests/connector/loop-on-xs.test.ts).
 *
 * `onEvent` runs inside the tick; the firmware only records there and
 * delivers to OCPP in the after-tick hook (`setAfterTick`), which the
 * LoopDriver calls once the tick has returned. An exception thrown by the
 * hook is counted here and never stops the loop.
 */
import type { LoopDriver } from "ports/timers";
import { DEFAULT_LOOP_TIMING, PHASE_ROTATION_MAP, type Board, type LoopTiming } from "hal/board-description";
import { Connector } from "connector/connector";
import { LoadBalancer } from "connector/balance";
import type { ConnectorEventHandler } from "connector/types";

function mergeTiming(overrides: Partial<LoopTiming> | undefined): LoopTiming {
  if (!overrides) return DEFAULT_LOOP_TIMING;
  return {
    tickMs: overrides.tickMs ?? DEFAULT_LOOP_TIMING.tickMs,
    debounceMs: overrides.debounceMs ?? DEFAULT_LOOP_TIMING.debounceMs,
    pwmOffOpenMs: overrides.pwmOffOpenMs ?? DEFAULT_LOOP_TIMING.pwmOffOpenMs,
    limitIncreaseHoldMs: overrides.limitIncreaseHoldMs ?? DEFAULT_LOOP_TIMING.limitIncreaseHoldMs,
    rcdRetryDelayMs: overrides.rcdRetryDelayMs ?? DEFAULT_LOOP_TIMING.rcdRetryDelayMs,
    rcdMaxRetries: overrides.rcdMaxRetries ?? DEFAULT_LOOP_TIMING.rcdMaxRetries,
    reclaimHoldMs: overrides.reclaimHoldMs ?? DEFAULT_LOOP_TIMING.reclaimHoldMs,
    reclaimMarginA: overrides.reclaimMarginA ?? DEFAULT_LOOP_TIMING.reclaimMarginA,
    tempDerateStartC: overrides.tempDerateStartC ?? DEFAULT_LOOP_TIMING.tempDerateStartC,
    tempDerateEndC: overrides.tempDerateEndC ?? DEFAULT_LOOP_TIMING.tempDerateEndC,
    tempTripC: overrides.tempTripC ?? DEFAULT_LOOP_TIMING.tempTripC,
    tempResetC: overrides.tempResetC ?? DEFAULT_LOOP_TIMING.tempResetC,
  };
}

export class ControlLoop {
  /** Connectors; `connectors[i].id === i + 1`. */
  readonly connectors: readonly Connector[];
  readonly timing: LoopTiming;
  readonly board: Board;
  /** Ticks run so far. */
  ticks = 0;
  /** Monotonic ms of the last tick. */
  lastTickMs = 0;

  private readonly list: Connector[];
  private readonly balancer: LoadBalancer;
  private circuitLimitA: number;
  private driver: LoopDriver | null = null;
  private readonly boundTick: (nowMs: number) => void;
  private afterTick: (() => void) | null = null;
  private readonly boundAfterTick: () => void;
  /** Exceptions the after-tick hook threw (caught: they never reach the driver or the next tick). */
  afterTickErrors = 0;

  constructor(board: Board, onEvent: ConnectorEventHandler) {
    if (board.connectors.length < 1) throw new Error("a board needs at least one connector");
    this.board = board;
    this.timing = mergeTiming(board.timing);
    const t = this.timing;
    if (!(t.tempDerateStartC < t.tempDerateEndC && t.tempDerateEndC <= t.tempTripC && t.tempResetC < t.tempTripC)) {
      throw new RangeError(
        `temperature thresholds must satisfy derateStart < derateEnd <= trip and reset < trip (got ${t.tempDerateStartC}, ${t.tempDerateEndC}, ${t.tempTripC}, ${t.tempResetC})`,
      );
    }
    this.circuitLimitA = board.circuitLimitA;
    const list: Connector[] = [];
    this.balancer = new LoadBalancer(board.connectors.length);
    for (let i = 0; i < board.connectors.length; i++) {
      const d = board.connectors[i];
      let maxA = d.cableMaxA;
      if (d.ratingA < maxA) maxA = d.ratingA;
      if (board.ratingA < maxA) maxA = board.ratingA;
      list.push(new Connector(i + 1, d.hal, maxA, this.timing, onEvent));
      const map = PHASE_ROTATION_MAP[d.rotation];
      if (board.supplyPhases === 1) this.balancer.setPhases(i, 0, 0, 0, 1);
      else this.balancer.setPhases(i, map[0], map[1], map[2], d.phases);
    }
    this.list = list;
    this.connectors = list;
    this.boundTick = (nowMs: number): void => this.tick(nowMs);
    this.boundAfterTick = (): void => {
      const after = this.afterTick;
      if (!after) return;
      try {
        after();
      } catch {
        this.afterTickErrors++;
      }
    };
  }

  /**
   * Runs `hook` after every tick the driver runs, outside the tick (e.g. delivering the tick's
   * events to OCPP). Set before `start`; `tick` itself never calls it.
   */
  setAfterTick(hook: (() => void) | null): void {
    this.afterTick = hook;
  }

  /** The connector with OCPP id `connectorId` (1-based). */
  connector(connectorId: number): Connector {
    const c = this.list[connectorId - 1];
    if (!c) throw new RangeError(`no connector ${connectorId}`);
    return c;
  }

  /** Changes the shared circuit limit per phase (A), e.g. from a site controller. */
  setCircuitLimitA(limitA: number): void {
    this.circuitLimitA = limitA >= 0 ? limitA : 0;
  }

  /** Starts ticking at `timing.tickMs` on the driver. */
  start(driver: LoopDriver): void {
    this.driver = driver;
    driver.start(this.boundTick, this.timing.tickMs, this.boundAfterTick);
  }

  stop(): void {
    if (this.driver) this.driver.stop();
    this.driver = null;
  }

  /** One pass over every connector; allocates nothing. */
  tick(nowMs: number): void {
    const list = this.list;
    const n = list.length;
    const balancer = this.balancer;
    for (let i = 0; i < n; i++) list[i].sense(nowMs);
    for (let i = 0; i < n; i++) {
      balancer.capA[i] = list[i].demandA();
      balancer.priority[i] = list[i].priority();
    }
    balancer.balance(this.circuitLimitA);
    for (let i = 0; i < n; i++) list[i].actuate(nowMs, balancer.allocA[i]);
    this.ticks++;
    this.lastTickMs = nowMs;
  }
}
