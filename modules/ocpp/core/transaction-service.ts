/**
 * Transactions [SPEC 4.4, 3.7]: what runs on each connector, its start and
 * its stop. A transaction gets a local number when it starts; its
 * StartTransaction, MeterValues and StopTransaction are journaled and
 * delivered by the transaction-message queue (./transaction-queue.ts),
 * which maps the local number to the CSMS's transactionId. A running
 * transaction is persisted (key `act<connector>`) so that one interrupted
 * by a power cut is stopped with reason PowerLoss after the boot.
 *
 * The parts:
 * - ./transaction-queue.ts: the journal, delivery in order, exactly once,
 *   retries and stalls, the order marks the statuses wait for, the
 *   journal-full policy;
 * - ./metering-service.ts: meterStart/meterStop, the sampled and
 *   clock-aligned MeterValues, the StopTransaction's transactionData;
 * - ./invalid-id.ts: a start answered with an idTag not Accepted.
 *
 * This class builds the three and keeps the API the charge point, sessions,
 * Smart Charging, trigger and the tests use.
 */
import type { CoreServicePorts } from "./context";
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import type { ChargePointConnector } from "ocpp/charge-point-hw";
import type { TransactionJournal } from "ocpp/journal";
import type { AuthorizationService } from "./authorization-service";
import type { EventTime } from "./timestamps";
import type { StopReason } from "./StopTransaction";
import {
  STOP_RECORD_RESERVE_BYTES,
  TRANSACTION_NS as NS,
  TransactionQueue,
  type TransactionAnswers,
  type TransactionRecord,
} from "./transaction-queue";
import { MeteringService, thinOnce, type MeteredTransaction } from "./metering-service";
import { InvalidIdPolicy, type InvalidIdState } from "./invalid-id";

export type { StopReason } from "./StopTransaction";
export { METER_RECORD_RESERVE_BYTES, START_RECORD_RESERVE_BYTES, STOP_RECORD_RESERVE_BYTES } from "./transaction-queue";
export { INVALID_ID_ENERGY_CHECK_MS } from "./invalid-id";

interface OpenTransaction {
  local: number;
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  meterStartWh: number;
  start: EventTime;
  reservationId?: number;
}

/** A running transaction: what it is, plus what metering and the invalid-id policy keep on it. */
interface RunningState extends MeteredTransaction, InvalidIdState {
  tx: OpenTransaction;
}

export class TransactionService implements TransactionAnswers {
  readonly #kv: KeyValueStore;
  readonly #ports: CoreServicePorts;
  readonly #log: Logger;
  readonly #connectors: readonly ChargePointConnector[];
  readonly #running = new Map<number, RunningState>(); // by connector id
  readonly #queue: TransactionQueue;
  readonly #metering: MeteringService;
  readonly #invalidId: InvalidIdPolicy;
  #nextLocal: number;
  #endedListeners: Array<(connectorId: number) => void> = [];
  /** Set by `powerLost`: the charger is going down, no new transaction starts. */
  #poweringDown = false;

  constructor(options: {
    ports: CoreServicePorts;
    kv: KeyValueStore;
    log: Logger;
    journal: TransactionJournal;
    connectors: readonly ChargePointConnector[];
    auth: AuthorizationService;
    /** A transaction message got no answer in time: the connection should be renewed. */
    onStalled?: () => void;
  }) {
    this.#kv = options.kv;
    this.#ports = options.ports;
    this.#log = options.log;
    this.#connectors = options.connectors;
    this.#queue = new TransactionQueue({
      ports: options.ports,
      kv: options.kv,
      log: options.log,
      journal: options.journal,
      auth: options.auth,
      answers: this,
      onStalled: options.onStalled,
    });
    const next = this.#kv.get(NS, "nextLocal");
    this.#nextLocal = typeof next === "number" ? next : 1;
    this.#metering = new MeteringService({
      ports: options.ports,
      log: options.log,
      connectors: options.connectors,
      queue: this.#queue,
      running: this.#running,
    });
    this.#invalidId = new InvalidIdPolicy({
      ports: options.ports,
      log: options.log,
      connectors: options.connectors,
      metering: this.#metering,
      running: this.#running,
    });
  }

  /**
   * After boot: transactions that were running when power went away are
   * stopped with reason PowerLoss (OCTT TC_032_2) and journaled.
   */
  recoverAfterBoot(): void {
    for (const connector of this.#connectors) {
      const stored = this.#kv.get(NS, `act${connector.id}`);
      if (typeof stored !== "string") continue;
      const tx = JSON.parse(stored) as OpenTransaction;
      this.#running.set(connector.id, { tx, registerWh: tx.meterStartWh, stopData: [] });
      this.stop(connector.id, "PowerLoss");
    }
    this.pump();
  }

  onTransactionEnded(listener: (connectorId: number) => void): void {
    this.#endedListeners.push(listener);
  }

  /** How many transaction messages were journaled so far (a mark for `delivered`). */
  eventMark(): number {
    return this.#queue.eventMark();
  }

  /** True once every transaction message up to `mark` was answered (or dropped). */
  delivered(mark: number): boolean {
    return this.#queue.delivered(mark);
  }

  /** Runs after each transaction message was answered or dropped. */
  onDelivered(listener: () => void): void {
    this.#queue.onDelivered(listener);
  }

  hasTransaction(connectorId: number): boolean {
    return this.#running.has(connectorId);
  }

  /** idTag and parent of the transaction on a connector, its CSMS id once known and its meterStart (Wh). */
  transactionOn(connectorId: number): { idTag: string; parentIdTag?: string; transactionId?: number; meterStartWh: number } | undefined {
    const state = this.#running.get(connectorId);
    if (!state) return undefined;
    return {
      idTag: state.tx.idTag,
      parentIdTag: state.tx.parentIdTag,
      transactionId: this.#queue.transactionIdOf(state.tx.local),
      meterStartWh: state.tx.meterStartWh,
    };
  }

  /** Connector of the running transaction with this CSMS transactionId. */
  connectorOfTransactionId(transactionId: number): number | undefined {
    for (const [connectorId, state] of this.#running) {
      if (this.#queue.transactionIdOf(state.tx.local) === transactionId) return connectorId;
    }
    return undefined;
  }

  /** A transaction message is on the wire, its answer not yet in. */
  get inFlight(): boolean {
    return this.#queue.inFlight;
  }

  get journalSize(): number {
    return this.#queue.size;
  }

  /** True when the journal can hold one more transaction (./transaction-queue.ts, journal-full policy). */
  hasRoomForTransaction(): boolean {
    return this.#queue.hasRoomForStart(this.#running.size);
  }

  /** Starts a transaction now (authorization and plug already settled by the caller). */
  start(connectorId: number, idTag: string, parentIdTag?: string, reservationId?: number): boolean {
    const connector = this.#connectors[connectorId - 1];
    if (!connector || this.#running.has(connectorId)) return false;
    if (this.#poweringDown) {
      this.#log.warn("power lost: transaction refused");
      return false;
    }
    if (!this.hasRoomForTransaction()) {
      this.#log.warn("journal full: transaction refused");
      return false;
    }
    const tx: OpenTransaction = {
      local: this.#nextLocal++,
      connectorId,
      idTag,
      meterStartWh: this.#metering.readStart(connector),
      start: this.#ports.time.now(),
    };
    if (parentIdTag !== undefined) tx.parentIdTag = parentIdTag;
    if (reservationId !== undefined) tx.reservationId = reservationId;
    this.#kv.set(NS, "nextLocal", this.#nextLocal);
    const record: TransactionRecord = { k: "S", l: tx.local, c: connectorId, tag: idTag, ms: tx.meterStartWh, t: tx.start };
    if (reservationId !== undefined) record.r = reservationId;
    this.#queue.push(JSON.stringify(record));
    this.#kv.set(NS, `act${connectorId}`, JSON.stringify(tx));
    const state: RunningState = { tx, registerWh: tx.meterStartWh, stopData: [] };
    this.#running.set(connectorId, state);
    this.#metering.recordBegin(state);
    connector.setPermission(true);
    this.#metering.armSampling(state);
    this.pump();
    return true;
  }

  /** Stops the transaction on a connector; false when none runs. */
  stop(connectorId: number, reason: StopReason, idTag?: string): boolean {
    const state = this.#running.get(connectorId);
    if (!state) return false;
    const connector = this.#connectors[connectorId - 1];
    this.#invalidId.cancel(state);
    const record: TransactionRecord = { k: "E", l: state.tx.local, me: this.#metering.end(state), t: this.#ports.time.now(), why: reason };
    const tag =
      idTag ??
      (reason === "PowerLoss" || reason === "HardReset" || reason === "SoftReset" || reason === "Reboot" ? undefined : state.tx.idTag);
    if (tag !== undefined) record.tag = tag;
    const data = this.#metering.transactionData(state);
    if (data !== undefined) record.d = data;
    let text = JSON.stringify(record);
    while (text.length > STOP_RECORD_RESERVE_BYTES - 200 && record.d && record.d.length > 2) {
      record.d = thinOnce(record.d);
      text = JSON.stringify(record);
    }
    try {
      this.#queue.push(text);
    } finally {
      // After the journal: the status this causes (Finishing, Available) follows the StopTransaction [SPEC 4.9].
      connector.setPermission(false);
    }
    this.#kv.delete(NS, `act${connectorId}`);
    this.#running.delete(connectorId);
    this.pump();
    for (const listener of this.#endedListeners) listener(connectorId);
    return true;
  }

  /** Makes every running transaction stop (Reset, shutdown). */
  stopAll(reason: StopReason): void {
    for (const connectorId of Array.from(this.#running.keys())) this.stop(connectorId, reason);
  }

  /**
   * Imminent power loss on backup power (OCTT TC_032_1): every running
   * transaction stops with reason PowerLoss (journaled, then sent while the
   * backup lasts) and no new one starts until the next boot.
   */
  powerLost(): void {
    this.#poweringDown = true;
    this.stopAll("PowerLoss");
  }

  /** Clock-aligned readings (./metering-service.ts): armed again when the clock or the interval changes. */
  armAligned(): void {
    this.#metering.armAligned();
  }

  /** A new connection: a message that timed out on the last one may go again. */
  connectionOpened(): void {
    this.#queue.connectionOpened();
  }

  /** Sends the oldest journaled transaction message when it may go (./transaction-queue.ts). */
  pump(): void {
    this.#queue.pump();
  }

  /**
   * The parent of the starting idTag from StartTransaction.conf (a remote
   * start without Authorize knew none): a tag of the same group may stop the
   * transaction [SPEC 3.10; OCTT TC_069]. Persisted with the transaction.
   * Called by the queue.
   */
  learnParent(local: number, parentIdTag: string): void {
    for (const [connectorId, state] of this.#running) {
      if (state.tx.local !== local || state.tx.parentIdTag === parentIdTag) continue;
      state.tx.parentIdTag = parentIdTag;
      this.#kv.set(NS, `act${connectorId}`, JSON.stringify(state.tx));
    }
  }

  /** StartTransaction.conf not Accepted while the transaction still runs [ERR 3.5, 3.17]; called by the queue. */
  startNotAccepted(local: number): void {
    for (const [connectorId, state] of this.#running) {
      if (state.tx.local !== local) continue;
      if (this.#invalidId.notAccepted(state)) this.stop(connectorId, "DeAuthorized");
    }
  }
}
