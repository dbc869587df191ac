/**
 * The transaction-message queue [SPEC 3.7, 4.4]: StartTransaction,
 * StopTransaction and transaction MeterValues are written to the journal
 * (flash FIFO) before they are sent, and sent strictly in order, one at a
 * time. After StartTransaction.conf the CSMS's transactionId is stored
 * against our local id, so messages queued behind it (offline start) carry
 * the real id; a start that could never be delivered gives -1 [ERR 3.18].
 * The sequence number of the last answered record is written to the
 * key-value store before the record is popped, so a power cut during the pop
 * never sends a message twice. A record is popped before what its answer
 * triggers runs (an Invalid id stops the transaction and pumps again), so it
 * is never sent twice.
 *
 * Order with other messages: `eventMark()` counts the records journaled so
 * far and `delivered(mark)` tells when all of them were answered; the
 * StatusNotification of a change that followed them waits for that (a
 * Charging never reaches the CSMS before its StartTransaction, an Available
 * never before the StopTransaction) [SPEC 4.9 chronological order].
 *
 * Journal-full policy: a new transaction is refused unless the journal has
 * room for its start and stop plus the stops of every running transaction
 * (`hasRoomForStart`); periodic MeterValues are skipped when only that
 * reserve is left (`hasRoomForMeterValues`); StopTransaction always finds room.
 *
 * The messages and their records: ./StartTransaction.ts, ./MeterValues.ts,
 * ./StopTransaction.ts. What a transaction is: ./transactions.ts.
 */
import type { CoreServicePorts } from "./context";
import type { KeyValueStore } from "ports/kv";
import type { TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { ActionRequest, ActionResponse, CallOptions } from "ocpp/rpc/engine";
import { CallErrorResponse, CallTimeoutError, InvalidResponseError } from "ocpp/rpc/frame";
import type { TransactionJournal } from "ocpp/journal";
import type { AuthorizationService } from "./authorization-service";
import { applyStartTransactionResult, buildStartTransactionRequest, type StartRecord } from "./StartTransaction";
import { buildTransactionMeterValuesRequest, type MeterRecord } from "./MeterValues";
import { applyStopTransactionResult, buildStopTransactionRequest, type StopRecord } from "./StopTransaction";

/** What the journal holds: one record per transaction message, oldest first. */
export type TransactionRecord = StartRecord | MeterRecord | StopRecord;

/** The transaction messages, as the journal sends them. */
type TransactionMessage = "StartTransaction" | "MeterValues" | "StopTransaction";

/** Transaction messages go in the engine's priority lane, in journal order. */
const TRANSACTION_MESSAGE_CALL: CallOptions = Object.freeze({ priority: true });

/** Key-value namespace of the queue (and of the running transactions, ./transactions.ts). */
export const TRANSACTION_NS = "ocpptx";
/** MeterValues.conf carries nothing to record. */
const NOTHING_TO_APPLY = (): boolean => false;
export const STOP_RECORD_RESERVE_BYTES = 3200;
export const START_RECORD_RESERVE_BYTES = 400;
export const METER_RECORD_RESERVE_BYTES = 1200;

/** What a StartTransaction.conf means for the transaction itself (./transactions.ts implements it). */
export interface TransactionAnswers {
  /** The answer named the idTag's parent (recorded before the record is popped). */
  learnParent(local: number, parentIdTag: string): void;
  /** The idTag was not Accepted (called once the record is popped and the statuses behind it released). */
  startNotAccepted(local: number): void;
}

export class TransactionQueue {
  readonly #ports: CoreServicePorts;
  readonly #kv: KeyValueStore;
  readonly #log: Logger;
  readonly #journal: TransactionJournal;
  readonly #auth: AuthorizationService;
  readonly #answers: TransactionAnswers;
  readonly #onStalled: (() => void) | undefined;
  #idMap: Record<string, number>;
  #ackSeq: number;
  #sending = false;
  #attempts = 0;
  #retryTimer: TimerHandle | undefined;
  /** A transaction message timed out: sent again only on the next connection (see `#deliver`). */
  #awaitingReconnect = false;
  /** Records journaled (this boot, plus those found at boot) and records answered or dropped. */
  #journaledRecords: number;
  #finishedRecords = 0;
  #deliveredListeners: Array<() => void> = [];

  constructor(options: {
    ports: CoreServicePorts;
    kv: KeyValueStore;
    log: Logger;
    journal: TransactionJournal;
    auth: AuthorizationService;
    answers: TransactionAnswers;
    onStalled: (() => void) | undefined;
  }) {
    this.#ports = options.ports;
    this.#kv = options.kv;
    this.#log = options.log;
    this.#journal = options.journal;
    this.#auth = options.auth;
    this.#answers = options.answers;
    this.#onStalled = options.onStalled;
    this.#journaledRecords = this.#journal.size;
    const map = this.#kv.get(TRANSACTION_NS, "idmap");
    this.#idMap = typeof map === "string" ? (JSON.parse(map) as Record<string, number>) : {};
    const ack = this.#kv.get(TRANSACTION_NS, "ack");
    this.#ackSeq = typeof ack === "number" ? ack : 0;
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

  /** Journals a record (its JSON text); durable when it returns, throws when the journal is full. */
  push(text: string): void {
    this.#journal.push(text);
    this.#journaledRecords++;
  }

  /** A transaction message is on the wire, its answer not yet in. */
  get inFlight(): boolean {
    return this.#sending;
  }

  get size(): number {
    return this.#journal.size;
  }

  /** Room for one more transaction's start and stop beside the stops of `running` transactions. */
  hasRoomForStart(running: number): boolean {
    return this.#journal.freeBytes >= (running + 1) * STOP_RECORD_RESERVE_BYTES + START_RECORD_RESERVE_BYTES;
  }

  /** Room for a MeterValues record beside the stops of `running` transactions. */
  hasRoomForMeterValues(running: number): boolean {
    return this.#journal.freeBytes >= running * STOP_RECORD_RESERVE_BYTES + METER_RECORD_RESERVE_BYTES;
  }

  /** The CSMS's transactionId of a local transaction, once its StartTransaction was answered. */
  transactionIdOf(local: number): number | undefined {
    return this.#idMap[String(local)];
  }

  /** A new connection: a message that timed out on the last one may go again. */
  connectionOpened(): void {
    this.#awaitingReconnect = false;
  }

  /** Sends the oldest journal record when connected, accepted and nothing is in flight. */
  pump(): void {
    if (
      this.#sending ||
      this.#retryTimer !== undefined ||
      this.#awaitingReconnect ||
      !this.#ports.engine.online ||
      !this.#ports.engine.accepted
    )
      return;
    for (let guard = 0; guard < 1000; guard++) {
      const head = this.#journal.peek();
      if (!head) return;
      if (head.seq <= this.#ackSeq) {
        this.#journal.pop(head.seq); // answered before a power cut hit the pop
        this.#finishedRecords++;
        continue;
      }
      this.#send(head.seq, JSON.parse(head.record) as TransactionRecord);
      return;
    }
  }

  #realId(local: number): number {
    const id = this.#idMap[String(local)];
    return id === undefined ? -1 : id;
  }

  #send(seq: number, record: TransactionRecord): void {
    switch (record.k) {
      case "S":
        this.#deliver(seq, record, "StartTransaction", buildStartTransactionRequest(record, this.#ports.time), (conf) => {
          this.#idMap[String(record.l)] = conf.transactionId;
          this.#kv.set(TRANSACTION_NS, "idmap", JSON.stringify(this.#idMap));
          const invalid = applyStartTransactionResult(record, conf, this.#auth);
          if (conf.idTagInfo.parentIdTag !== undefined) this.#answers.learnParent(record.l, conf.idTagInfo.parentIdTag);
          return invalid;
        });
        return;
      case "M":
        this.#deliver(
          seq,
          record,
          "MeterValues",
          buildTransactionMeterValuesRequest(record, this.#realId(record.l), this.#ports.time),
          NOTHING_TO_APPLY,
        );
        return;
      case "E":
        this.#deliver(
          seq,
          record,
          "StopTransaction",
          buildStopTransactionRequest(record, this.#realId(record.l), this.#ports.time),
          (conf) => {
            applyStopTransactionResult(record, conf, this.#auth);
            return false;
          },
        );
        return;
    }
  }

  /**
   * Sends one journaled message; `applyResult` records what its answer says
   * and returns true when a StartTransaction's idTag was not Accepted.
   */
  #deliver<A extends TransactionMessage>(
    seq: number,
    record: TransactionRecord,
    action: A,
    request: ActionRequest<A>,
    applyResult: (conf: ActionResponse<A>) => boolean,
  ): void {
    this.#sending = true;
    this.#ports.engine.call(action, request, TRANSACTION_MESSAGE_CALL).then(
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
        if (invalidStart && record.k === "S") this.#answers.startNotAccepted(record.l);
        this.pump();
      },
      (error: Error) => {
        this.#sending = false;
        const timedOut = error instanceof CallTimeoutError && this.#ports.engine.online && this.#onStalled !== undefined;
        if (error instanceof CallErrorResponse || error instanceof InvalidResponseError || timedOut) {
          // "Failure to process" [SPEC 3.7.1]: retry after interval × attempts, drop after the last attempt.
          // A CSMS that never answers counts the same, or statuses would wait behind it for ever.
          this.#attempts++;
          if (this.#attempts >= this.#ports.config.int("TransactionMessageAttempts")) {
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
          this.#retryAfter(this.#ports.config.int("TransactionMessageRetryInterval") * this.#attempts * 1000);
          return;
        }
        // Connection lost: not a processing failure [reference 4.6]; sent again after the reconnect.
        if (this.#ports.engine.online) this.#retryAfter(1000);
      },
    );
  }

  #retryAfter(delayMs: number): void {
    this.#retryTimer = this.#ports.timers.once(() => {
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
  #done(seq: number, record: TransactionRecord): void {
    if (record.k === "E" && this.#idMap[String(record.l)] !== undefined) {
      delete this.#idMap[String(record.l)];
      this.#kv.set(TRANSACTION_NS, "idmap", JSON.stringify(this.#idMap));
    }
    this.#ackSeq = seq;
    this.#kv.set(TRANSACTION_NS, "ack", seq);
    this.#journal.pop(seq);
  }
}
