/**
 * StopTransaction [SPEC 4.10, 3.7]: journaled before it is sent
 * (./transaction-queue.ts: `StopRecord`), with the transactionData asked for by
 * StopTxnSampledData / StopTxnAlignedData; the transactionId is the CSMS's,
 * -1 when the start was never answered [ERR 3.18]. An IdTagInfo in the
 * answer goes into the local authorization model.
 */
import type { StopTransactionConf, StopTransactionReq } from "ocpp/generated/ocpp16";
import type { AuthorizationService } from "./authorization-service";
import { meterValuesOf, type StoredMeterValue } from "./MeterValues";
import type { EventTime, TimeKeeper } from "./timestamps";

export type StopReason = NonNullable<StopTransactionReq["reason"]>;

/** The journal record of a StopTransaction (short keys: it is kept in flash). */
export interface StopRecord {
  k: "E";
  /** Local transaction number. */
  l: number;
  tag?: string;
  /** meterStop, Wh. */
  me: number;
  t: EventTime;
  why: StopReason;
  /** transactionData. */
  d?: StoredMeterValue[];
}

export function buildStopTransactionRequest(record: StopRecord, transactionId: number, time: TimeKeeper): StopTransactionReq {
  const request: StopTransactionReq = { transactionId, meterStop: record.me, timestamp: time.iso(record.t), reason: record.why };
  if (record.tag !== undefined) request.idTag = record.tag;
  if (record.d && record.d.length > 0) request.transactionData = meterValuesOf(record.d, time);
  return request;
}

/** StopTransaction.conf: an IdTagInfo goes into the local model [SPEC 3.5.1]. */
export function applyStopTransactionResult(
  record: StopRecord,
  conf: StopTransactionConf,
  auth: Pick<AuthorizationService, "remember">,
): void {
  if (conf.idTagInfo && record.tag !== undefined) auth.remember(record.tag, conf.idTagInfo);
}
