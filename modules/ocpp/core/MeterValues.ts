/**
 * MeterValues [SPEC 4.7, 3.16]: the periodic and clock-aligned readings of
 * a transaction are journaled (./transaction-service.ts: `MeterRecord`) and sent
 * in order with the other transaction messages, the transactionId being the
 * CSMS's (-1 when its start was never answered [ERR 3.18]); aligned readings
 * outside transactions and triggered ones are sent as they are, not
 * journaled. The answer carries nothing.
 */
import type { CallOptions, OcppEngine } from "ocpp/rpc/engine";
import type { MeterValuesConf, MeterValuesReq } from "ocpp/generated/ocpp16";
import type { MeterValue, SampledValue } from "./metering";
import type { EventTime, TimeKeeper } from "./timestamps";

/** A meter value as journaled: its time is resolved when it is sent. */
export interface StoredMeterValue {
  t: EventTime;
  sv: SampledValue[];
}

/** The journal record of a transaction's MeterValues (short keys: it is kept in flash). */
export interface MeterRecord {
  k: "M";
  /** Local transaction number. */
  l: number;
  c: number;
  mv: StoredMeterValue[];
}

/** A triggered MeterValues [SPEC 5.17]: also before BootNotification was Accepted. */
export const TRIGGERED_METER_VALUES_CALL: CallOptions = Object.freeze({ beforeAccepted: true });

/** The stored values with their times resolved now (UNKNOWN_TIME_ISO when never known). */
export function meterValuesOf(values: readonly StoredMeterValue[], time: TimeKeeper): MeterValue[] {
  return values.map((v) => ({ timestamp: time.iso(v.t), sampledValue: v.sv }));
}

export function buildTransactionMeterValuesRequest(record: MeterRecord, transactionId: number, time: TimeKeeper): MeterValuesReq {
  return { connectorId: record.c, transactionId, meterValue: meterValuesOf(record.mv, time) };
}

/** MeterValues of a connector (0: the main meter) outside the journal; `transactionId` of a running transaction when known. */
export function buildMeterValuesRequest(connectorId: number, meterValue: MeterValue[], transactionId?: number): MeterValuesReq {
  const request: MeterValuesReq = { connectorId, meterValue };
  if (transactionId !== undefined) request.transactionId = transactionId;
  return request;
}

export function sendMeterValues(
  engine: Pick<OcppEngine, "call">,
  request: MeterValuesReq,
  options?: CallOptions,
): Promise<MeterValuesConf> {
  return engine.call("MeterValues", request, options);
}
