/**
 * Board description: which connectors a board has, how they are wired to
 * the supply phases, their ratings, the shared circuit limit and the loop
 * timings. Built once at boot and handed to `ControlLoop`.
 */
import type { ConnectorHal } from "hal/board";

/** OCPP 1.6 ConnectorPhaseRotation: supply phase (R=L1, S=L2, T=L3) on the connector's L1, L2, L3. */
export type PhaseRotation = "RST" | "RTS" | "SRT" | "STR" | "TRS" | "TSR";

/** Supply phase index (0..2) of connector phase k (0..2) for each rotation. */
export const PHASE_ROTATION_MAP: Readonly<Record<PhaseRotation, readonly [number, number, number]>> = Object.freeze({
  RST: Object.freeze([0, 1, 2] as const),
  RTS: Object.freeze([0, 2, 1] as const),
  SRT: Object.freeze([1, 0, 2] as const),
  STR: Object.freeze([1, 2, 0] as const),
  TRS: Object.freeze([2, 0, 1] as const),
  TSR: Object.freeze([2, 1, 0] as const),
});

export interface ConnectorDescription {
  /** Parts of the connector. */
  readonly hal: ConnectorHal;
  /** Phases wired to the connector. */
  readonly phases: 1 | 3;
  /** Installation phase rotation (a 1-phase connector uses the first supply phase of the rotation). */
  readonly rotation: PhaseRotation;
  /** Ampacity of the tethered cable (or socket rating) in A. */
  readonly cableMaxA: number;
  /** Rating of the connector's contactor and wiring in A. */
  readonly ratingA: number;
}

/** Loop timings (ms) and policies; every field has a default (see DEFAULT_LOOP_TIMING). */
export interface LoopTiming {
  /** Tick period of the LoopDriver. */
  readonly tickMs: number;
  /** A new pilot state must hold this long before non-safety transitions act on it. */
  readonly debounceMs: number;
  /** After PWM is switched off while charging (X2 -> C1), open at the latest after this (Table A.6: 6 s). */
  readonly pwmOffOpenMs: number;
  /** Minimum time between two increases of the offered current (decreases apply at once). */
  readonly limitIncreaseHoldMs: number;
  /** After an RCD trip or failed self-test: wait this long before resetting and trying again. */
  readonly rcdRetryDelayMs: number;
  /** Automatic RCD retries per session; then the fault stays until unplug or clearFaults(). */
  readonly rcdMaxRetries: number;
  /** An EV drawing `reclaimMarginA` less than offered for this long gets its share reduced. */
  readonly reclaimHoldMs: number;
  /** Headroom kept above what a partially drawing EV takes (A). */
  readonly reclaimMarginA: number;
  /** Temperature (°C) above which the offered current is derated linearly (full current at this value). */
  readonly tempDerateStartC: number;
  /** Temperature (°C) at which the derating reaches 6 A (the lowest PWM offer); 6 A up to the trip. */
  readonly tempDerateEndC: number;
  /** Temperature (°C) at or above which the contactor opens and Faulted + HighTemperature latches. */
  readonly tempTripC: number;
  /** A temperature fault clears once a valid reading is below this (°C): the hysteresis of the trip. */
  readonly tempResetC: number;
}

export const DEFAULT_LOOP_TIMING: LoopTiming = Object.freeze({
  tickMs: 10,
  debounceMs: 50,
  pwmOffOpenMs: 6000,
  limitIncreaseHoldMs: 5000,
  rcdRetryDelayMs: 5 * 60_000,
  rcdMaxRetries: 3,
  reclaimHoldMs: 10_000,
  reclaimMarginA: 2,
  tempDerateStartC: 70,
  tempDerateEndC: 80,
  tempTripC: 85,
  tempResetC: 60,
});

export interface Board {
  /** Connectors; connector id = index + 1. */
  readonly connectors: readonly ConnectorDescription[];
  /** Phases of the supply: 1 puts every connector on L1. */
  readonly supplyPhases: 1 | 3;
  /** Circuit breaker limit per supply phase in A, shared by all connectors of the board. */
  readonly circuitLimitA: number;
  /** Rating of the whole board per connector in A (min with each connector's own ratings). */
  readonly ratingA: number;
  /** Overrides of the default timings. */
  readonly timing?: Partial<LoopTiming>;
}
