/**
 * Reservations (OCPP 1.6 §2.5, §4.8; SPEC 3.11, 5.1, 5.13): ReserveNow,
 * CancelReservation, expiry on the wall clock, which connectors show
 * Reserved, and the match a transaction start consumes (its reservationId
 * goes into StartTransaction). Reservations persist in NVS as one JSON
 * string (bounded: at most one per connector plus the connector-0 ones,
 * which need a free connector each).
 */
import type { Clock } from "ports/clock";
import type { KeyValueStore } from "ports/kv";
import type { TimerHandle, Timers } from "ports/timers";
import { parseIsoUtcMsLenient } from "util/iso8601";
import { sameIdTag } from "ocpp/localauth/types";

/** What the reservation rules need to know of a connector (0 = the charge point as a whole). */
export type ConnectorAvailability = "Available" | "Occupied" | "Faulted" | "Unavailable";

/** The connector state view the service reads; the connector logic implements it. */
export interface ConnectorStates {
  /** Connectors numbered 1..count. */
  connectorCount(): number;
  /** Available = idle; Occupied = in use (Preparing..Finishing); 0 gives the whole charge point's state. */
  state(connectorId: number): ConnectorAvailability;
}

/** Told when a connector enters or leaves the Reserved status (StatusNotification A7 / G1). */
export interface ReservedStatusSink {
  setReserved(connectorId: number, reserved: boolean): void;
}

export interface Reservation {
  reservationId: number;
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  expiryUtcMs: number;
}

export interface ReserveNowInput {
  connectorId: number;
  expiryDate: string;
  idTag: string;
  parentIdTag?: string;
  reservationId: number;
}

export type ReserveNowStatus = "Accepted" | "Faulted" | "Occupied" | "Rejected" | "Unavailable";

/** May `idTag` start on a connector, and which reservation does it use? */
export interface StartCheck {
  allowed: boolean;
  /** The reservation the start uses (allowed) or that blocks it (not allowed). */
  reservationId?: number;
}

export interface ReservationServiceOptions {
  kv: KeyValueStore;
  clock: Clock;
  timers: Timers;
  connectors: ConnectorStates;
  sink: ReservedStatusSink;
  /**
   * ReserveConnectorZeroSupported; default false. A function is read at each
   * ReserveNow, so the service follows the configuration key it reports.
   */
  reserveConnectorZeroSupported?: boolean | (() => boolean);
  /** NVS namespace; default "reservation". */
  namespace?: string;
}

/** Longest wait between expiry checks, so a wall-clock change is noticed. */
const MAX_TIMER_MS = 60_000;
const KV_KEY = "list";

export class ReservationService {
  readonly #zeroSupported: () => boolean;
  #kv: KeyValueStore;
  #clock: Clock;
  #timers: Timers;
  #connectors: ConnectorStates;
  #sink: ReservedStatusSink;
  #namespace: string;
  #reservations: Reservation[] = [];
  #reservedFlags: boolean[] = [];
  #timer: TimerHandle | undefined;

  constructor(options: ReservationServiceOptions) {
    this.#kv = options.kv;
    this.#clock = options.clock;
    this.#timers = options.timers;
    this.#connectors = options.connectors;
    this.#sink = options.sink;
    this.#namespace = options.namespace ?? "reservation";
    const zero = options.reserveConnectorZeroSupported ?? false;
    this.#zeroSupported = typeof zero === "function" ? zero : () => zero;
    this.#load();
    this.refresh();
  }

  /** ReserveConnectorZeroSupported as the service applies it now. */
  get reserveConnectorZeroSupported(): boolean {
    return this.#zeroSupported();
  }

  /** The reservations in force (copies). */
  list(): Reservation[] {
    return this.#reservations.map((r) => ({ ...r }));
  }

  /** True when the connector currently shows Reserved. */
  isReserved(connectorId: number): boolean {
    return this.#reservedFlags[connectorId] === true;
  }

  /** ReserveNow (§4.8; OCTT TC_046, TC_048_1..4, TC_049, TC_050_1..4). */
  reserveNow(request: ReserveNowInput): ReserveNowStatus {
    const count = this.#connectors.connectorCount();
    const connectorId = request.connectorId;
    if (!Number.isInteger(connectorId) || connectorId < 0 || connectorId > count) return "Rejected";
    if (!Number.isInteger(request.reservationId) || typeof request.idTag !== "string" || request.idTag.length === 0) return "Rejected";
    if (connectorId === 0 && !this.reserveConnectorZeroSupported) return "Rejected";
    const expiryUtcMs = parseIsoUtcMsLenient(request.expiryDate);
    if (!Number.isFinite(expiryUtcMs) || expiryUtcMs <= this.#clock.utcMs()) return "Rejected";
    // A reservationId already held is replaced [SPEC 5.13].
    const others = this.#reservations.filter((r) => r.reservationId !== request.reservationId);
    const refusal = connectorId > 0 ? this.#refusalForConnector(connectorId, others) : this.#refusalForAny(others);
    if (refusal) return refusal;
    const reservation: Reservation = { reservationId: request.reservationId, connectorId, idTag: request.idTag, expiryUtcMs };
    if (request.parentIdTag !== undefined && request.parentIdTag.length > 0) reservation.parentIdTag = request.parentIdTag;
    others.push(reservation);
    this.#reservations = others;
    this.#changed();
    return "Accepted";
  }

  /** CancelReservation (OCTT TC_051, TC_052). */
  cancelReservation(reservationId: number): "Accepted" | "Rejected" {
    const index = this.#reservations.findIndex((r) => r.reservationId === reservationId);
    if (index < 0) return "Rejected";
    this.#reservations.splice(index, 1);
    this.#changed();
    return "Accepted";
  }

  /** Checks, without consuming, whether `idTag` (with its known parent) may start on `connectorId`. */
  checkStart(connectorId: number, idTag: string, parentIdTag?: string): StartCheck {
    this.#purgeExpired();
    const specific = this.#reservations.find((r) => r.connectorId === connectorId);
    if (specific) {
      return { allowed: this.#matches(specific, idTag, parentIdTag), reservationId: specific.reservationId };
    }
    const anyConnector = this.#reservations.find((r) => r.connectorId === 0 && this.#matches(r, idTag, parentIdTag));
    if (anyConnector) return { allowed: true, reservationId: anyConnector.reservationId };
    // A connector held back for connector-0 reservations refuses other ids: also
    // once an EV is plugged in there (Preparing is not Available), as long as the
    // other free connectors could not keep one for each connector-0 reservation (TC_049).
    const holder = this.#reservations.find((r) => r.connectorId === 0);
    if (holder && (this.#reservedFlags[connectorId] || this.#freeConnectors(this.#reservations, connectorId) < this.#zeroCount())) {
      return { allowed: false, reservationId: holder.reservationId };
    }
    return { allowed: true };
  }

  /**
   * Called by the transaction logic when it starts a transaction: ends the
   * reservation the start uses and returns its id for StartTransaction.req.
   */
  consumeForStart(connectorId: number, idTag: string, parentIdTag?: string): StartCheck {
    const check = this.checkStart(connectorId, idTag, parentIdTag);
    if (check.allowed && check.reservationId !== undefined) {
      this.#reservations = this.#reservations.filter((r) => r.reservationId !== check.reservationId);
      this.#changed();
    }
    return check;
  }

  /**
   * Re-evaluates after a connector or charge-point state change: a
   * reservation ends when its connector (or the charge point) becomes
   * Faulted or Unavailable [SPEC 3.11]; the Reserved set is recomputed.
   */
  refresh(): void {
    this.#purgeExpired();
    const cp = this.#connectors.state(0);
    const cpDown = cp === "Faulted" || cp === "Unavailable";
    const kept = this.#reservations.filter((r) => {
      if (cpDown) return false;
      if (r.connectorId === 0) return true;
      const state = this.#connectors.state(r.connectorId);
      return state !== "Faulted" && state !== "Unavailable";
    });
    if (kept.length !== this.#reservations.length) {
      this.#reservations = kept;
      this.#persist();
    }
    this.#updateReserved();
    this.#schedule();
  }

  #matches(reservation: Reservation, idTag: string, parentIdTag: string | undefined): boolean {
    return (
      sameIdTag(reservation.idTag, idTag) || (reservation.parentIdTag !== undefined && sameIdTag(reservation.parentIdTag, parentIdTag))
    );
  }

  #refusalForConnector(connectorId: number, others: Reservation[]): ReserveNowStatus | undefined {
    const cp = this.#connectors.state(0);
    if (cp === "Faulted" || cp === "Unavailable") return cp;
    const state = this.#connectors.state(connectorId);
    if (state !== "Available") return state;
    if (others.some((r) => r.connectorId === connectorId)) return "Occupied";
    // Taking this connector must leave one free connector for each connector-0 reservation.
    const free = this.#freeConnectors(others);
    const zero = others.filter((r) => r.connectorId === 0).length;
    return free - 1 < zero ? "Occupied" : undefined;
  }

  #refusalForAny(others: Reservation[]): ReserveNowStatus | undefined {
    const cp = this.#connectors.state(0);
    if (cp === "Faulted" || cp === "Unavailable") return cp;
    const zero = others.filter((r) => r.connectorId === 0).length;
    if (this.#freeConnectors(others) > zero) return undefined;
    const count = this.#connectors.connectorCount();
    let faulted = 0;
    let unavailable = 0;
    for (let c = 1; c <= count; c++) {
      const state = this.#connectors.state(c);
      if (state === "Faulted") faulted++;
      else if (state === "Unavailable") unavailable++;
    }
    if (faulted === count) return "Faulted";
    if (unavailable === count) return "Unavailable";
    return "Occupied";
  }

  #zeroCount(): number {
    let zero = 0;
    for (const r of this.#reservations) if (r.connectorId === 0) zero++;
    return zero;
  }

  /** Connectors that are Available and not reserved for a specific reservation (other than `except`). */
  #freeConnectors(reservations: Reservation[], except = 0): number {
    let free = 0;
    const count = this.#connectors.connectorCount();
    for (let c = 1; c <= count; c++) {
      if (c !== except && this.#connectors.state(c) === "Available" && !reservations.some((r) => r.connectorId === c)) free++;
    }
    return free;
  }

  #changed(): void {
    this.#persist();
    this.#updateReserved();
    this.#schedule();
  }

  /**
   * Reserved = connectors with a specific reservation, plus every free
   * connector once connector-0 reservations need all of them (TC_049).
   */
  #updateReserved(): void {
    const count = this.#connectors.connectorCount();
    const zero = this.#reservations.filter((r) => r.connectorId === 0).length;
    const holdAllFree = zero > 0 && this.#freeConnectors(this.#reservations) <= zero;
    for (let c = 1; c <= count; c++) {
      const specific = this.#reservations.some((r) => r.connectorId === c);
      const reserved = specific || (holdAllFree && this.#connectors.state(c) === "Available");
      if ((this.#reservedFlags[c] === true) !== reserved) {
        this.#reservedFlags[c] = reserved;
        this.#sink.setReserved(c, reserved);
      }
    }
  }

  #purgeExpired(): void {
    const now = this.#clock.utcMs();
    const kept = this.#reservations.filter((r) => r.expiryUtcMs > now);
    if (kept.length === this.#reservations.length) return;
    this.#reservations = kept;
    this.#persist();
    this.#updateReserved();
  }

  /** One timer for the earliest expiry (TC_047), re-armed at most every minute. */
  #schedule(): void {
    if (this.#timer !== undefined) this.#timers.clear(this.#timer);
    this.#timer = undefined;
    if (this.#reservations.length === 0) return;
    let earliest = Infinity;
    for (const r of this.#reservations) if (r.expiryUtcMs < earliest) earliest = r.expiryUtcMs;
    const delay = Math.max(0, Math.min(MAX_TIMER_MS, earliest - this.#clock.utcMs()));
    this.#timer = this.#timers.once(() => {
      this.#timer = undefined;
      this.#purgeExpired();
      this.#schedule();
    }, delay);
  }

  #persist(): void {
    if (this.#reservations.length === 0) {
      this.#kv.delete(this.#namespace, KV_KEY);
      return;
    }
    const rows = this.#reservations.map((r) => [r.reservationId, r.connectorId, r.idTag, r.parentIdTag ?? null, r.expiryUtcMs]);
    this.#kv.set(this.#namespace, KV_KEY, JSON.stringify(rows));
  }

  #load(): void {
    const stored = this.#kv.get(this.#namespace, KV_KEY);
    if (typeof stored !== "string") return;
    let rows: unknown;
    try {
      rows = JSON.parse(stored);
    } catch {
      return;
    }
    if (!Array.isArray(rows)) return;
    const count = this.#connectors.connectorCount();
    for (const row of rows) {
      if (!Array.isArray(row) || row.length !== 5) continue;
      const [reservationId, connectorId, idTag, parentIdTag, expiryUtcMs] = row as unknown[];
      if (!Number.isInteger(reservationId) || !Number.isInteger(connectorId) || typeof idTag !== "string") continue;
      if (typeof expiryUtcMs !== "number" || (connectorId as number) < 0 || (connectorId as number) > count) continue;
      const reservation: Reservation = { reservationId: reservationId as number, connectorId: connectorId as number, idTag, expiryUtcMs };
      if (typeof parentIdTag === "string") reservation.parentIdTag = parentIdTag;
      this.#reservations.push(reservation);
    }
  }
}
