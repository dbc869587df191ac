/**
 * Applies the smart-charging limits to the connectors and re-evaluates them
 * at the next change of any schedule, at most SMART_RECHECK_MAX_MS later
 * (the wall clock may be set meanwhile). Nothing is applied before
 * `start()` nor after `stop()`; the service calls `apply()` when a limit
 * changed (its `onLimitChanged`).
 */
import type { Clock } from "ports/clock";
import type { TimerHandle, Timers } from "ports/timers";
import type { ChargePointConnector } from "ocpp/charge-point-hw";

/** Longest wait between two smart-charging evaluations (the wall clock may be set meanwhile). */
export const SMART_RECHECK_MAX_MS = 60_000;

/** Where a connector's limit goes: the hardware port's setter (the wiring passes the connectors). */
export type ConnectorLimitPort = Pick<ChargePointConnector, "id" | "setOcppLimitA">;

/** The limits in force: SmartChargingService answers these. */
export interface LimitSchedule {
  /** A per phase at `nowUtcMs`; Infinity when no profile limits the connector. */
  currentLimitA(connectorId: number, nowUtcMs: number): number;
  /** UTC ms of the next change of the connector's limit after `nowUtcMs`. */
  nextChangeUtcMs(connectorId: number, nowUtcMs: number): number;
}

export interface LimitTimerOptions {
  connectors: readonly ConnectorLimitPort[];
  timers: Timers;
  clock: Pick<Clock, "utcMs">;
}

export class LimitTimer {
  readonly #connectors: readonly ConnectorLimitPort[];
  readonly #timers: Timers;
  readonly #clock: Pick<Clock, "utcMs">;
  #schedule: LimitSchedule | undefined;
  #timer: TimerHandle | undefined;
  /** Made once: re-arming allocates no closure. */
  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.apply();
  };

  constructor(options: LimitTimerOptions) {
    this.#connectors = options.connectors;
    this.#timers = options.timers;
    this.#clock = options.clock;
  }

  /** Applies the limits of `schedule` from now on and keeps them applied. */
  start(schedule: LimitSchedule): void {
    this.#schedule = schedule;
    this.apply();
  }

  /** No more limits applied (a pending timer finds nothing to do; the firmware's timers stop with it). */
  stop(): void {
    this.#schedule = undefined;
  }

  /** Applies the limits now and arms the timer for the next change. */
  apply(): void {
    const schedule = this.#schedule;
    if (!schedule) return;
    if (this.#timer !== undefined) this.#timers.clear(this.#timer);
    this.#timer = undefined;
    const now = this.#clock.utcMs();
    let next = now + SMART_RECHECK_MAX_MS;
    const connectors = this.#connectors;
    for (let i = 0; i < connectors.length; i++) {
      const connector = connectors[i];
      const limitA = schedule.currentLimitA(connector.id, now);
      connector.setOcppLimitA(Number.isFinite(limitA) ? limitA : undefined);
      const change = schedule.nextChangeUtcMs(connector.id, now);
      if (change < next) next = change;
    }
    this.#timer = this.#timers.once(this.#onTimer, Math.max(1, next - now));
  }
}
