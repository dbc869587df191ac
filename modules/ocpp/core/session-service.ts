/**
 * How a charging session starts and ends [SPEC 4.4 of our reference]:
 * id first or plug first, RemoteStart (AuthorizeRemoteTxRequests),
 * ConnectionTimeOut while waiting for the plug, FreeCharging with its
 * default id tag, stop by the same id tag or one with the same parent,
 * EV-side unplug per StopTransactionOnEVSideDisconnect.
 */
import type { CoreServicePorts } from "./context";
import type { TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import type { AuthorizationService } from "./authorization-service";
import type { AvailabilityService } from "./availability-service";
import type { TransactionService } from "./transaction-service";

interface PendingStart {
  idTag: string;
  parentIdTag?: string;
  reservationId?: number;
  timer: TimerHandle;
}

/** Optional hook of the reservation service: may this idTag use the connector now? */
export interface ReservationGate {
  /** undefined: no reservation applies; otherwise whether idTag holds it (and its id). */
  check(connectorId: number, idTag: string, parentIdTag?: string): { allowed: boolean; reservationId?: number } | undefined;
  /** The reservation was used by a transaction start. */
  consumed?(connectorId: number, reservationId: number): void;
}

export class SessionService {
  readonly #ports: CoreServicePorts;
  readonly #log: Logger;
  readonly #connectors: readonly ChargePointConnector[];
  readonly #auth: AuthorizationService;
  readonly #availability: AvailabilityService;
  readonly #tx: TransactionService;
  readonly #pending = new Map<number, PendingStart>();
  /** Authorized and plugged, waiting for the connector lock to confirm before StartTransaction. */
  readonly #awaitingLock = new Map<number, { idTag: string; parentIdTag?: string; reservationId?: number }>();
  reservations: ReservationGate | undefined;

  constructor(options: {
    ports: CoreServicePorts;
    log: Logger;
    connectors: readonly ChargePointConnector[];
    auth: AuthorizationService;
    availability: AvailabilityService;
    transactions: TransactionService;
  }) {
    this.#ports = options.ports;
    this.#log = options.log;
    this.#connectors = options.connectors;
    this.#auth = options.auth;
    this.#availability = options.availability;
    this.#tx = options.transactions;
  }

  /** Whether a new session may begin on the connector (operative, not faulted, free). */
  canBegin(connectorId: number): boolean {
    const connector = this.#connectors[connectorId - 1];
    if (!connector) return false;
    if (!this.#availability.operative(0) || !this.#availability.operative(connectorId)) return false;
    const status = connector.status();
    if (status === "Faulted" || status === "Unavailable") return false;
    if (this.#tx.hasTransaction(connectorId) || this.#pending.has(connectorId) || this.#awaitingLock.has(connectorId)) return false;
    if (!this.#ports.engine.accepted && !this.#ports.config.bool("PreBootTransactions")) return false;
    return true;
  }

  hasPending(connectorId: number): boolean {
    return this.#pending.has(connectorId) || this.#awaitingLock.has(connectorId);
  }

  /** The connector lock confirmed: the awaited start goes ahead. */
  locked(connectorId: number): void {
    const waiting = this.#awaitingLock.get(connectorId);
    if (!waiting) return;
    this.#awaitingLock.delete(connectorId);
    this.#begin(connectorId, waiting.idTag, waiting.parentIdTag, waiting.reservationId);
  }

  /**
   * The lock failed (half-inserted plug): no transaction, permission
   * withdrawn; the connector reports Faulted + ConnectorLockFailure (OCTT TC_024).
   */
  lockFailed(connectorId: number): void {
    const waiting = this.#awaitingLock.get(connectorId);
    if (waiting) {
      this.#awaitingLock.delete(connectorId);
      this.#connectors[connectorId - 1].setPermission(false);
      this.#log.warn(`connector ${connectorId}: lock failed, start of ${waiting.idTag} abandoned`);
      return;
    }
    this.#cancelPending(connectorId);
  }

  /** An id tag was presented (RFID) on a connector. Resolves true when it started or stopped something. */
  async presentIdTag(connectorId: number, idTag: string): Promise<boolean> {
    const running = this.#tx.transactionOn(connectorId);
    if (running) {
      if (running.idTag.toLowerCase() === idTag.toLowerCase()) return this.#tx.stop(connectorId, "Local", idTag);
      // Another tag stops it when both have the same parentIdTag [SPEC 3.10; OCTT TC_068/TC_069].
      const runningParent = running.parentIdTag ?? this.#auth.local(running.idTag)?.info.parentIdTag;
      if (runningParent === undefined) return false;
      const parent = await this.#parentOf(idTag);
      if (parent !== undefined && parent === runningParent && this.#tx.transactionOn(connectorId) !== undefined) {
        return this.#tx.stop(connectorId, "Local", idTag);
      }
      return false;
    }
    const waiting = this.#awaitingLock.get(connectorId);
    if (waiting && waiting.idTag.toLowerCase() === idTag.toLowerCase()) {
      this.#awaitingLock.delete(connectorId); // same tag again before the lock confirmed: abandon
      this.#connectors[connectorId - 1].setPermission(false);
      return true;
    }
    const pending = this.#pending.get(connectorId);
    if (pending && pending.idTag.toLowerCase() === idTag.toLowerCase()) {
      this.#cancelPending(connectorId); // same tag again: abandon (B1)
      return true;
    }
    if (!this.canBegin(connectorId)) return false;
    const decision = await this.#auth.authorize(idTag);
    if (!decision.accepted) return false;
    return this.#authorized(connectorId, idTag, decision.info.parentIdTag);
  }

  /** The parentIdTag of a valid tag: from the Local List or cache, else asked with Authorize. */
  async #parentOf(idTag: string): Promise<string | undefined> {
    const known = this.#auth.local(idTag);
    if (known && (known.info.status === "Accepted" || known.info.status === "ConcurrentTx") && known.info.parentIdTag !== undefined) {
      return known.info.parentIdTag;
    }
    const decision = await this.#auth.authorize(idTag);
    return decision.accepted ? decision.info.parentIdTag : undefined;
  }

  /** RemoteStartTransaction: the answer now (Accepted/Rejected), the start afterwards. */
  remoteStartDecision(connectorId: number | undefined, idTag: string): { status: "Accepted" | "Rejected"; connectorId: number } {
    if (connectorId === 0) return { status: "Rejected", connectorId: 0 }; // OCTT TC_027
    let chosen = connectorId ?? 0;
    if (connectorId === undefined) {
      for (const connector of this.#connectors) {
        if (this.canBegin(connector.id)) {
          chosen = connector.id;
          break;
        }
      }
    }
    if (!this.canBegin(chosen)) return { status: "Rejected", connectorId: chosen };
    const reservation = this.reservations?.check(chosen, idTag);
    if (reservation && !reservation.allowed) return { status: "Rejected", connectorId: chosen };
    return { status: "Accepted", connectorId: chosen };
  }

  /** After the RemoteStartTransaction.conf was sent. */
  async remoteStart(connectorId: number, idTag: string): Promise<void> {
    if (this.#ports.config.bool("AuthorizeRemoteTxRequests")) {
      const decision = await this.#auth.authorize(idTag);
      if (!decision.accepted) {
        this.#log.info(`remote start for ${idTag} not authorized`);
        return;
      }
      this.#authorized(connectorId, idTag, decision.info.parentIdTag);
      return;
    }
    this.#authorized(connectorId, idTag, undefined);
  }

  /** The EV was plugged in. */
  plugged(connectorId: number): void {
    const pending = this.#pending.get(connectorId);
    if (pending) {
      this.#ports.timers.clear(pending.timer);
      this.#pending.delete(connectorId);
      this.#startNow(connectorId, pending.idTag, pending.parentIdTag, pending.reservationId);
      return;
    }
    if (this.#ports.config.bool("FreeCharging") && this.canBegin(connectorId)) {
      this.#startNow(connectorId, this.#ports.config.string("FreeChargingIdTag"), undefined, undefined);
    }
  }

  /** The EV side was unplugged. */
  unplugged(connectorId: number): void {
    if (this.#awaitingLock.delete(connectorId)) this.#connectors[connectorId - 1].setPermission(false);
    if (this.#tx.hasTransaction(connectorId) && this.#ports.config.bool("StopTransactionOnEVSideDisconnect")) {
      this.#tx.stop(connectorId, "EVDisconnected");
    }
  }

  #authorized(connectorId: number, idTag: string, parentIdTag: string | undefined): boolean {
    const reservation = this.reservations?.check(connectorId, idTag, parentIdTag);
    if (reservation && !reservation.allowed) return false;
    const connector = this.#connectors[connectorId - 1];
    if (connector.plugged()) return this.#startNow(connectorId, idTag, parentIdTag, reservation?.reservationId);
    // Id first: wait for the plug up to ConnectionTimeOut (OCTT TC_004_2, TC_011_2).
    const timer = this.#ports.timers.once(() => this.#cancelPending(connectorId), this.#ports.config.int("ConnectionTimeOut") * 1000);
    const pending: PendingStart = { idTag, timer };
    if (parentIdTag !== undefined) pending.parentIdTag = parentIdTag;
    if (reservation?.reservationId !== undefined) pending.reservationId = reservation.reservationId;
    this.#pending.set(connectorId, pending);
    connector.setPermission(true); // Preparing
    return true;
  }

  #cancelPending(connectorId: number): void {
    const pending = this.#pending.get(connectorId);
    if (!pending) return;
    this.#ports.timers.clear(pending.timer);
    this.#pending.delete(connectorId);
    this.#connectors[connectorId - 1].setPermission(false);
  }

  #startNow(connectorId: number, idTag: string, parentIdTag: string | undefined, reservationId: number | undefined): boolean {
    const connector = this.#connectors[connectorId - 1];
    if (connector.hasLock === true) {
      // All preconditions include the lock [reference 4.4 step 3]: StartTransaction after "locked".
      if (this.#tx.hasTransaction(connectorId) || !this.#tx.hasRoomForTransaction())
        return this.#begin(connectorId, idTag, parentIdTag, reservationId);
      const waiting: { idTag: string; parentIdTag?: string; reservationId?: number } = { idTag };
      if (parentIdTag !== undefined) waiting.parentIdTag = parentIdTag;
      if (reservationId !== undefined) waiting.reservationId = reservationId;
      this.#awaitingLock.set(connectorId, waiting);
      connector.setPermission(true);
      return true;
    }
    return this.#begin(connectorId, idTag, parentIdTag, reservationId);
  }

  #begin(connectorId: number, idTag: string, parentIdTag: string | undefined, reservationId: number | undefined): boolean {
    const started = this.#tx.start(connectorId, idTag, parentIdTag, reservationId);
    if (started && reservationId !== undefined) this.reservations?.consumed?.(connectorId, reservationId);
    if (!started) this.#connectors[connectorId - 1].setPermission(false);
    return started;
  }
}
