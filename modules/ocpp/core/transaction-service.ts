/**
 * Transactions [SPEC 4.4, 3.7] and their message journal.
 *
 * StartTransaction, StopTransaction and transaction MeterValues are written
 * to the journal (flash FIFO) before they are sent, and sent strictly in
 * order, one at a time. After StartTransaction.conf the CSMS's
 * transactionId is stored against our local id, so messages queued behind
 * it (offline start) carry the real id; a start that could never be
 * delivered gives -1 [ERR 3.18]. The sequence number of the last answered
 * record is written to the key-value store before the record is popped, so
 * a power cut during the pop never sends a message twice. A record is
 * popped before what its answer triggers runs (an Invalid id stops the
 * transaction and pumps again), so it is never sent twice.
 *
 * Order with other messages: `eventMark()` counts the records journaled so
 * far and `delivered(mark)` tells when all of them were answered; the
 * StatusNotification of a change that followed them waits for that (a
 * Charging never reaches the CSMS before its StartTransaction, an Available
 * never before the StopTransaction) [SPEC 4.9 chronological order].
 *
 * Journal-full policy: a new transaction is refused unless the journal has
 * room for its start and stop plus the stops of every running transaction;
 * periodic MeterValues are skipped (logged) when only that reserve is left;
 * StopTransaction always finds room.
 *
 * The messages and their records: ./StartTransaction.ts, ./MeterValues.ts,
 * ./StopTransaction.ts.
 */
import type { KeyValueStore } from "ports/kv";
import type { Timers, TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { ActionRequest, ActionResponse, CallOptions, OcppEngine } from "ocpp/rpc/engine";
import { CallErrorResponse, CallTimeoutError, InvalidResponseError } from "ocpp/rpc/frame";
import type { ChargePointConnector, ConnectorMeterSample } from "ocpp/charge-point-hw";
import { newMeterSample } from "ocpp/charge-point-hw";
import type { TransactionJournal } from "ocpp/journal";
import type { ConfigurationRegistry } from "./configuration";
import type { AuthorizationService } from "./authorization-service";
import { appendSampledValues, type ReadingContext, type SampledValue } from "./metering";
import type { EventTime, TimeKeeper } from "./timestamps";
import { applyStartTransactionResult, buildStartTransactionRequest, type StartRecord } from "./StartTransaction";
import {
  buildMeterValuesRequest,
  buildTransactionMeterValuesRequest,
  sendMeterValues,
  type MeterRecord,
  type StoredMeterValue,
} from "./MeterValues";
import { applyStopTransactionResult, buildStopTransactionRequest, type StopReason, type StopRecord } from "./StopTransaction";

export type { StopReason } from "./StopTransaction";

/** What the journal holds: one record per transaction message, oldest first. */
type JournalRecord = StartRecord | MeterRecord | StopRecord;

/** The transaction messages, as the journal sends them. */
type TransactionMessage = "StartTransaction" | "MeterValues" | "StopTransaction";

/** Transaction messages go in the engine's priority lane, in journal order. */
const TRANSACTION_MESSAGE_CALL: CallOptions = Object.freeze({ priority: true });

interface OpenTransaction {
  local: number;
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  meterStartWh: number;
  start: EventTime;
  reservationId?: number;
}

interface RunningState {
  tx: OpenTransaction;
  /** Highest register reading of this transaction (Wh): meterStop is never below it. */
  registerWh: number;
  stopData: StoredMeterValue[];
  sampleTimer?: TimerHandle;
  /** Id invalidated, StopTransactionOnInvalidId false: energy is withheld at this register value. */
  invalidLimitWh?: number;
  invalidTimer?: TimerHandle;
}

/** How often the register is checked against MaxEnergyOnInvalidId. */
export const INVALID_ID_ENERGY_CHECK_MS = 1000;

const NS = "ocpptx";
/** MeterValues.conf carries nothing to record. */
const NOTHING_TO_APPLY = (): boolean => false;
export const STOP_RECORD_RESERVE_BYTES = 3200;
export const START_RECORD_RESERVE_BYTES = 400;
export const METER_RECORD_RESERVE_BYTES = 1200;

export class TransactionService {
  readonly #engine: OcppEngine;
  readonly #kv: KeyValueStore;
  readonly #timers: Timers;
  readonly #config: ConfigurationRegistry;
  readonly #time: TimeKeeper;
  readonly #log: Logger;
  readonly #journal: TransactionJournal;
  readonly #connectors: readonly ChargePointConnector[];
  readonly #auth: AuthorizationService;
  readonly #running = new Map<number, RunningState>(); // by connector id
  readonly #sample: ConnectorMeterSample = newMeterSample();
  /** Connector 0 (main meter) = the sum of the connectors' meters on this board. */
  readonly #mainSample: ConnectorMeterSample = newMeterSample();
  #idMap: Record<string, number>;
  #ackSeq: number;
  #nextLocal: number;
  #sending = false;
  #attempts = 0;
  #retryTimer: TimerHandle | undefined;
  #alignedTimer: TimerHandle | undefined;
  #endedListeners: Array<(connectorId: number) => void> = [];
  /** A transaction message timed out: sent again only on the next connection (see `#send`). */
  #awaitingReconnect = false;
  readonly #onStalled: (() => void) | undefined;
  /** Set by `powerLost`: the charger is going down, no new transaction starts. */
  #poweringDown = false;
  /** Records journaled (this boot, plus those found at boot) and records answered or dropped. */
  #journaledRecords: number;
  #finishedRecords = 0;
  #deliveredListeners: Array<() => void> = [];

  constructor(options: {
    engine: OcppEngine;
    kv: KeyValueStore;
    timers: Timers;
    config: ConfigurationRegistry;
    time: TimeKeeper;
    log: Logger;
    journal: TransactionJournal;
    connectors: readonly ChargePointConnector[];
    auth: AuthorizationService;
    /** A transaction message got no answer in time: the connection should be renewed. */
    onStalled?: () => void;
  }) {
    this.#engine = options.engine;
    this.#kv = options.kv;
    this.#timers = options.timers;
    this.#config = options.config;
    this.#time = options.time;
    this.#log = options.log;
    this.#journal = options.journal;
    this.#connectors = options.connectors;
    this.#auth = options.auth;
    this.#onStalled = options.onStalled;
    this.#journaledRecords = this.#journal.size;
    const map = this.#kv.get(NS, "idmap");
    this.#idMap = typeof map === "string" ? (JSON.parse(map) as Record<string, number>) : {};
    const ack = this.#kv.get(NS, "ack");
    this.#ackSeq = typeof ack === "number" ? ack : 0;
    const next = this.#kv.get(NS, "nextLocal");
    this.#nextLocal = typeof next === "number" ? next : 1;
    this.#config.onChange("ClockAlignedDataInterval", () => this.armAligned());
    this.#config.onChange("MeterValueSampleInterval", () => {
      for (const state of this.#running.values()) this.#armSampling(state);
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
    return this.#journaledRecords;
  }

  /** True once every transaction message up to `mark` was answered (or dropped). */
  delivered(mark: number): boolean {
    return this.#finishedRecords >= mark;
  }

  /** Runs after each transaction message was answered or dropped. */
  onDelivered(listener: () => void): void {
    this.#deliveredListeners.push(listener);
  }

  #journalPush(text: string): void {
    this.#journal.push(text);
    this.#journaledRecords++;
  }

  hasTransaction(connectorId: number): boolean {
    return this.#running.has(connectorId);
  }

  /** idTag and parent of the transaction on a connector. */
  transactionOn(connectorId: number): { idTag: string; parentIdTag?: string; transactionId?: number } | undefined {
    const state = this.#running.get(connectorId);
    if (!state) return undefined;
    return { idTag: state.tx.idTag, parentIdTag: state.tx.parentIdTag, transactionId: this.#idMap[String(state.tx.local)] };
  }

  /** Connector of the running transaction with this CSMS transactionId. */
  connectorOfTransactionId(transactionId: number): number | undefined {
    for (const [connectorId, state] of this.#running) {
      if (this.#idMap[String(state.tx.local)] === transactionId) return connectorId;
    }
    return undefined;
  }

  /** A transaction message is on the wire, its answer not yet in. */
  get inFlight(): boolean {
    return this.#sending;
  }

  get journalSize(): number {
    return this.#journal.size;
  }

  /** True when the journal can hold one more transaction (see policy above). */
  hasRoomForTransaction(): boolean {
    const reserve = (this.#running.size + 1) * STOP_RECORD_RESERVE_BYTES + START_RECORD_RESERVE_BYTES;
    return this.#journal.freeBytes >= reserve;
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
    connector.readMeter(this.#sample);
    const tx: OpenTransaction = {
      local: this.#nextLocal++,
      connectorId,
      idTag,
      meterStartWh: Math.round(this.#sample.energyImportWh),
      start: this.#time.now(),
    };
    if (parentIdTag !== undefined) tx.parentIdTag = parentIdTag;
    if (reservationId !== undefined) tx.reservationId = reservationId;
    this.#kv.set(NS, "nextLocal", this.#nextLocal);
    const record: JournalRecord = { k: "S", l: tx.local, c: connectorId, tag: idTag, ms: tx.meterStartWh, t: tx.start };
    if (reservationId !== undefined) record.r = reservationId;
    this.#journalPush(JSON.stringify(record));
    this.#kv.set(NS, `act${connectorId}`, JSON.stringify(tx));
    const state: RunningState = { tx, registerWh: tx.meterStartWh, stopData: [] };
    this.#running.set(connectorId, state);
    this.#addStopData(state, "Transaction.Begin", this.#config.list("StopTxnSampledData"));
    connector.setPermission(true);
    this.#armSampling(state);
    this.pump();
    return true;
  }

  /** Stops the transaction on a connector; false when none runs. */
  stop(connectorId: number, reason: StopReason, idTag?: string): boolean {
    const state = this.#running.get(connectorId);
    if (!state) return false;
    const connector = this.#connectors[connectorId - 1];
    if (state.sampleTimer !== undefined) this.#timers.clear(state.sampleTimer);
    if (state.invalidTimer !== undefined) this.#timers.clear(state.invalidTimer);
    connector.readMeter(this.#sample);
    this.#addStopData(state, "Transaction.End", this.#config.list("StopTxnSampledData"));
    const record: JournalRecord = { k: "E", l: state.tx.local, me: this.#meterStopWh(state), t: this.#time.now(), why: reason };
    const tag =
      idTag ??
      (reason === "PowerLoss" || reason === "HardReset" || reason === "SoftReset" || reason === "Reboot" ? undefined : state.tx.idTag);
    if (tag !== undefined) record.tag = tag;
    if (this.#config.list("StopTxnSampledData").length > 0 || this.#config.list("StopTxnAlignedData").length > 0) {
      record.d = this.#thinned(state.stopData);
    }
    let text = JSON.stringify(record);
    while (text.length > STOP_RECORD_RESERVE_BYTES - 200 && record.d && record.d.length > 2) {
      record.d = this.#thinOnce(record.d);
      text = JSON.stringify(record);
    }
    try {
      this.#journalPush(text);
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

  /**
   * meterStop from the reading just taken: never below meterStart or an
   * earlier reading of the transaction [ERR 3.9]. A meter not read yet after
   * a restart (register 0, not ok) must not end the transaction at 0 Wh.
   */
  #meterStopWh(state: RunningState): number {
    const readWh = Math.round(this.#sample.energyImportWh);
    if (Number.isFinite(readWh) && readWh >= state.registerWh) return readWh;
    this.#log.warn(
      `connector ${state.tx.connectorId}: register ${readWh} Wh (${this.#sample.ok ? "ok" : "not read"}) below ${state.registerWh} Wh of this transaction; meterStop ${state.registerWh}`,
    );
    return state.registerWh;
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

  // ---- metering ----

  #armSampling(state: RunningState): void {
    if (state.sampleTimer !== undefined) this.#timers.clear(state.sampleTimer);
    state.sampleTimer = undefined;
    const intervalS = this.#config.int("MeterValueSampleInterval");
    if (intervalS <= 0) return;
    state.sampleTimer = this.#timers.every(() => this.#sampled(state), intervalS * 1000);
  }

  #sampled(state: RunningState): void {
    const connector = this.#connectors[state.tx.connectorId - 1];
    connector.readMeter(this.#sample);
    if (!this.#sample.ok) return;
    this.#noteRegister(state);
    this.#addStopData(state, "Sample.Periodic", this.#config.list("StopTxnSampledData"));
    this.#pushMeterValue(state, "Sample.Periodic", this.#config.list("MeterValuesSampledData"), this.#time.now());
  }

  /** Clock-aligned readings at multiples of ClockAlignedDataInterval from 00:00 UTC (needs a synced clock). */
  armAligned(): void {
    if (this.#alignedTimer !== undefined) this.#timers.clear(this.#alignedTimer);
    this.#alignedTimer = undefined;
    const intervalS = this.#config.int("ClockAlignedDataInterval");
    if (intervalS <= 0 || !this.#time.clock.isSynced()) return;
    const periodMs = intervalS * 1000;
    const now = this.#time.clock.utcMs();
    const next = (Math.floor(now / periodMs) + 1) * periodMs;
    this.#alignedTimer = this.#timers.once(() => {
      this.#alignedTimer = undefined;
      const at: EventTime = { u: next };
      const measurands = this.#config.list("MeterValuesAlignedData");
      for (const state of this.#running.values()) {
        const connector = this.#connectors[state.tx.connectorId - 1];
        connector.readMeter(this.#sample);
        if (!this.#sample.ok) continue;
        this.#noteRegister(state);
        this.#addStopData(state, "Sample.Clock", this.#config.list("StopTxnAlignedData"), at);
        this.#pushMeterValue(state, "Sample.Clock", measurands, at);
      }
      this.#alignedOutsideTransactions(measurands, at);
      this.armAligned();
    }, next - now);
  }

  /**
   * Reference 4.9: aligned data is sent for every connector: idle ones
   * without transactionId, and connector 0 = the main meter (the sum of the
   * connectors on this board, location Inlet). Not transaction messages:
   * sent when online, not journaled.
   */
  #alignedOutsideTransactions(measurands: string[], at: EventTime): void {
    if (measurands.length === 0 || !this.#engine.online || !this.#engine.accepted) return;
    const main = this.#mainSample;
    main.energyImportWh = 0;
    main.powerW = 0;
    main.frequencyHz = 0;
    main.ok = true;
    let offeredA = 0;
    for (let p = 0; p < 3; p++) {
      main.currentA[p] = 0;
      main.voltageV[p] = 0;
    }
    const timestamp = this.#time.iso(at);
    for (const connector of this.#connectors) {
      connector.readMeter(this.#sample);
      if (!this.#sample.ok) {
        main.ok = false;
        continue;
      }
      main.energyImportWh += this.#sample.energyImportWh;
      main.powerW += this.#sample.powerW;
      offeredA += connector.offeredA();
      for (let p = 0; p < 3; p++) {
        main.currentA[p] += this.#sample.currentA[p];
        if (main.voltageV[p] === 0) main.voltageV[p] = this.#sample.voltageV[p];
      }
      if (main.frequencyHz === 0) main.frequencyHz = this.#sample.frequencyHz;
      if (this.#running.has(connector.id)) continue;
      const sv: SampledValue[] = [];
      appendSampledValues(sv, measurands, this.#sample, connector.offeredA(), "Sample.Clock");
      this.#sendUnqueued(connector.id, timestamp, sv);
    }
    if (!main.ok) return; // a sum with a missing meter would be wrong
    const sv: SampledValue[] = [];
    appendSampledValues(sv, measurands, main, offeredA, "Sample.Clock", "Inlet");
    this.#sendUnqueued(0, timestamp, sv);
  }

  #sendUnqueued(connectorId: number, timestamp: string, sampledValue: SampledValue[]): void {
    sendMeterValues(this.#engine, buildMeterValuesRequest(connectorId, [{ timestamp, sampledValue }])).catch((error: Error) => {
      this.#log.warn(`aligned MeterValues of connector ${connectorId} not delivered: ${error.message}`);
    });
  }

  #pushMeterValue(state: RunningState, context: ReadingContext, measurands: string[], at: EventTime): void {
    if (measurands.length === 0) return;
    const reserve = this.#running.size * STOP_RECORD_RESERVE_BYTES + METER_RECORD_RESERVE_BYTES;
    if (this.#journal.freeBytes < reserve) {
      this.#log.warn("journal nearly full: MeterValues skipped");
      return;
    }
    const sv: SampledValue[] = [];
    appendSampledValues(sv, measurands, this.#sample, this.#connectors[state.tx.connectorId - 1].offeredA(), context);
    const record: JournalRecord = { k: "M", l: state.tx.local, c: state.tx.connectorId, mv: [{ t: at, sv }] };
    this.#journalPush(JSON.stringify(record));
    this.pump();
  }

  #noteRegister(state: RunningState): void {
    const readWh = Math.round(this.#sample.energyImportWh);
    if (readWh > state.registerWh) state.registerWh = readWh;
  }

  #addStopData(state: RunningState, context: ReadingContext, measurands: string[], at?: EventTime): void {
    if (measurands.length === 0) return;
    const sv: SampledValue[] = [];
    appendSampledValues(sv, measurands, this.#sample, this.#connectors[state.tx.connectorId - 1].offeredA(), context);
    state.stopData.push({ t: at ?? this.#time.now(), sv });
    const max = Math.max(2, this.#config.int("StopTransactionMaxMeterValues"));
    if (state.stopData.length > max) state.stopData = this.#thinOnce(state.stopData);
  }

  /** Errata 3.89: drop every second intermediate entry, never the first (Begin) or the last. */
  #thinOnce(data: StoredMeterValue[]): StoredMeterValue[] {
    const out: StoredMeterValue[] = [];
    for (let i = 0; i < data.length; i++) {
      if (i === 0 || i === data.length - 1 || i % 2 === 0) out.push(data[i]);
    }
    return out;
  }

  #thinned(data: StoredMeterValue[]): StoredMeterValue[] {
    const max = Math.max(2, this.#config.int("StopTransactionMaxMeterValues"));
    let out = data;
    while (out.length > max) out = this.#thinOnce(out);
    return out;
  }

  // ---- delivery ----

  /** A new connection: a message that timed out on the last one may go again. */
  connectionOpened(): void {
    this.#awaitingReconnect = false;
  }

  /** Sends the oldest journal record when connected, accepted and nothing is in flight. */
  pump(): void {
    if (this.#sending || this.#retryTimer !== undefined || this.#awaitingReconnect || !this.#engine.online || !this.#engine.accepted)
      return;
    for (let guard = 0; guard < 1000; guard++) {
      const head = this.#journal.peek();
      if (!head) return;
      if (head.seq <= this.#ackSeq) {
        this.#journal.pop(head.seq); // answered before a power cut hit the pop
        this.#finishedRecords++;
        continue;
      }
      this.#send(head.seq, JSON.parse(head.record) as JournalRecord);
      return;
    }
  }

  #realId(local: number): number {
    const id = this.#idMap[String(local)];
    return id === undefined ? -1 : id;
  }

  #send(seq: number, record: JournalRecord): void {
    switch (record.k) {
      case "S":
        this.#deliver(seq, record, "StartTransaction", buildStartTransactionRequest(record, this.#time), (conf) => {
          this.#idMap[String(record.l)] = conf.transactionId;
          this.#kv.set(NS, "idmap", JSON.stringify(this.#idMap));
          const invalid = applyStartTransactionResult(record, conf, this.#auth);
          if (conf.idTagInfo.parentIdTag !== undefined) this.#learnParent(record.l, conf.idTagInfo.parentIdTag);
          return invalid;
        });
        return;
      case "M":
        this.#deliver(
          seq,
          record,
          "MeterValues",
          buildTransactionMeterValuesRequest(record, this.#realId(record.l), this.#time),
          NOTHING_TO_APPLY,
        );
        return;
      case "E":
        this.#deliver(seq, record, "StopTransaction", buildStopTransactionRequest(record, this.#realId(record.l), this.#time), (conf) => {
          applyStopTransactionResult(record, conf, this.#auth);
          return false;
        });
        return;
    }
  }

  /**
   * Sends one journaled message; `applyResult` records what its answer says
   * and returns true when a StartTransaction's idTag was not Accepted.
   */
  #deliver<A extends TransactionMessage>(
    seq: number,
    record: JournalRecord,
    action: A,
    request: ActionRequest<A>,
    applyResult: (conf: ActionResponse<A>) => boolean,
  ): void {
    this.#sending = true;
    this.#engine.call(action, request, TRANSACTION_MESSAGE_CALL).then(
      (conf) => {
        this.#attempts = 0;
        let invalidStart = false;
        try {
          invalidStart = applyResult(conf);
          this.#done(seq, record);
        } catch (error) {
          // Storage failed (power going down): the record stays and is resent after reboot.
          this.#sending = false;
          this.#log.error(`${action} answered but not recorded: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        // Only now, with the record popped, may anything pump again: an Invalid id stopping the
        // transaction here used to resend the StartTransaction still at the head (two transactions).
        this.#sending = false;
        this.#finished(); // the Charging that followed the start goes before what the answer causes
        if (invalidStart && record.k === "S") this.#invalidAtStart(record.l);
        this.pump();
      },
      (error: Error) => {
        this.#sending = false;
        const timedOut = error instanceof CallTimeoutError && this.#engine.online && this.#onStalled !== undefined;
        if (error instanceof CallErrorResponse || error instanceof InvalidResponseError || timedOut) {
          // "Failure to process" [SPEC 3.7.1]: retry after interval × attempts, drop after the last attempt.
          // A CSMS that never answers counts the same, or statuses would wait behind it for ever.
          this.#attempts++;
          if (this.#attempts >= this.#config.int("TransactionMessageAttempts")) {
            this.#log.warn(`${action} dropped after ${this.#attempts} attempts: ${error.message}`);
            this.#attempts = 0;
            try {
              this.#done(seq, record);
            } catch (failure) {
              this.#log.error(`${action} not dropped: ${String(failure)}`);
              return;
            }
            this.#finished();
            this.pump();
            return;
          }
          if (timedOut) {
            // The CSMS may still have it and answer late: sent again on this connection it could open a
            // second transaction (issue 10). It goes again after a reconnect, which the charge point makes now.
            this.#awaitingReconnect = true;
            this.#log.warn(`${action} not answered in time: sent again after a reconnect`);
            this.#onStalled?.();
            return;
          }
          this.#retryAfter(this.#config.int("TransactionMessageRetryInterval") * this.#attempts * 1000);
          return;
        }
        // Connection lost: not a processing failure [reference 4.6]; sent again after the reconnect.
        if (this.#engine.online) this.#retryAfter(1000);
      },
    );
  }

  #retryAfter(delayMs: number): void {
    this.#retryTimer = this.#timers.once(() => {
      this.#retryTimer = undefined;
      this.pump();
    }, delayMs);
  }

  /** One more record answered or dropped: waiting statuses may go. */
  #finished(): void {
    this.#finishedRecords++;
    for (const listener of this.#deliveredListeners) listener();
  }

  /** Acknowledges (durably) then pops a record. */
  #done(seq: number, record: JournalRecord): void {
    if (record.k === "E" && this.#idMap[String(record.l)] !== undefined) {
      delete this.#idMap[String(record.l)];
      this.#kv.set(NS, "idmap", JSON.stringify(this.#idMap));
    }
    this.#ackSeq = seq;
    this.#kv.set(NS, "ack", seq);
    this.#journal.pop(seq);
  }

  /**
   * The parent of the starting idTag from StartTransaction.conf (a remote
   * start without Authorize knew none): a tag of the same group may stop the
   * transaction [SPEC 3.10; OCTT TC_069]. Persisted with the transaction.
   */
  #learnParent(local: number, parentIdTag: string): void {
    for (const [connectorId, state] of this.#running) {
      if (state.tx.local !== local || state.tx.parentIdTag === parentIdTag) continue;
      state.tx.parentIdTag = parentIdTag;
      this.#kv.set(NS, `act${connectorId}`, JSON.stringify(state.tx));
    }
  }

  /** StartTransaction.conf not Accepted while the transaction still runs [ERR 3.5, 3.17]. */
  #invalidAtStart(local: number): void {
    for (const [connectorId, state] of this.#running) {
      if (state.tx.local !== local) continue;
      if (this.#config.bool("StopTransactionOnInvalidId")) {
        this.stop(connectorId, "DeAuthorized");
        continue;
      }
      const connector = this.#connectors[connectorId - 1];
      const allowanceWh = this.#config.int("MaxEnergyOnInvalidId");
      connector.readMeter(this.#sample);
      if (allowanceWh <= 0 || !this.#sample.ok) {
        // SuspendedEVSE at once; the transaction (and its permission) goes on (OCTT TC_037_2).
        connector.setEnergyWithheld(true);
        continue;
      }
      // Keep offering energy until MaxEnergyOnInvalidId more Wh were delivered, then SuspendedEVSE.
      state.invalidLimitWh = this.#sample.energyImportWh + allowanceWh;
      state.invalidTimer = this.#timers.every(() => this.#checkInvalidAllowance(state), INVALID_ID_ENERGY_CHECK_MS);
    }
  }

  #checkInvalidAllowance(state: RunningState): void {
    const limit = state.invalidLimitWh;
    if (limit === undefined || this.#running.get(state.tx.connectorId) !== state) return;
    const connector = this.#connectors[state.tx.connectorId - 1];
    connector.readMeter(this.#sample);
    if (this.#sample.ok && this.#sample.energyImportWh < limit) return;
    if (state.invalidTimer !== undefined) this.#timers.clear(state.invalidTimer);
    state.invalidTimer = undefined;
    this.#log.info(`connector ${state.tx.connectorId}: MaxEnergyOnInvalidId reached, energy withheld`);
    connector.setEnergyWithheld(true);
  }
}
