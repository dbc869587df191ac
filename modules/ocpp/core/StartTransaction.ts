/**
 * StartTransaction [SPEC 4.8, 3.7]: journaled before it is sent
 * (./transaction-queue.ts: `StartRecord`), sent in order with the other
 * transaction messages. The answer gives the CSMS's transactionId (the
 * service maps its local number to it) and the idTag's IdTagInfo, which goes
 * into the local authorization model; not Accepted stops or suspends the
 * transaction [ERR 3.5, 3.17].
 */
import type { StartTransactionConf, StartTransactionReq } from "ocpp/generated/ocpp16";
import type { AuthorizationService } from "./authorization-service";
import type { EventTime, TimeKeeper } from "./timestamps";

/** The journal record of a StartTransaction (short keys: it is kept in flash). */
export interface StartRecord {
  k: "S";
  /** Local transaction number (the CSMS's transactionId is known only from the answer). */
  l: number;
  c: number;
  tag: string;
  /** meterStart, Wh. */
  ms: number;
  t: EventTime;
  /** reservationId. */
  r?: number;
}

export function buildStartTransactionRequest(record: StartRecord, time: TimeKeeper): StartTransactionReq {
  const request: StartTransactionReq = { connectorId: record.c, idTag: record.tag, meterStart: record.ms, timestamp: time.iso(record.t) };
  if (record.r !== undefined) request.reservationId = record.r;
  return request;
}

/** StartTransaction.conf's IdTagInfo goes into the local model [SPEC 3.5.1]; true when the idTag was not Accepted. */
export function applyStartTransactionResult(
  record: StartRecord,
  conf: StartTransactionConf,
  auth: Pick<AuthorizationService, "remember">,
): boolean {
  auth.remember(record.tag, conf.idTagInfo);
  return conf.idTagInfo.status !== "Accepted";
}
