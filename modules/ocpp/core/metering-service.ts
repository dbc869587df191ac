/**
 * Metering of transactions [SPEC 3.16, 4.7]: the meterStart and meterStop
 * registers (meterStop never below meterStart or an earlier reading of the
 * transaction [ERR 3.9]), the sampled MeterValues timer of each running
 * transaction (MeterValueSampleInterval), the clock-aligned timer
 * (ClockAlignedDataInterval) and the transactionData a StopTransaction
 * carries (StopTxnSampledData / StopTxnAlignedData, thinned to
 * StopTransactionMaxMeterValues [Errata 3.89]). A transaction's readings
 * are journaled through ./transaction-queue.ts; aligned readings outside
 * transactions (idle connectors, connector 0) are sent as they are.
 *
 * The running transactions are the lifecycle's (./transactions.ts): this
 * service reads them and keeps its figures on their state objects. The
 * sampled values themselves: ./metering.ts.
 */
import type { CoreServicePorts } from "./context";
import type { TimerHandle } from "ports/timers";
import type { Logger } from "ports/log";
import type { ChargePointConnector, ConnectorMeterSample } from "ocpp/charge-point-hw";
import { newMeterSample } from "ocpp/charge-point-hw";
import { appendSampledValues, type ReadingContext, type SampledValue } from "./metering";
import type { EventTime } from "./timestamps";
import { buildMeterValuesRequest, sendMeterValues, type StoredMeterValue } from "./MeterValues";
import type { TransactionQueue, TransactionRecord } from "./transaction-queue";

/** What metering keeps on a running transaction's state (./transactions.ts RunningState). */
export interface MeteredTransaction {
  readonly tx: { readonly local: number; readonly connectorId: number };
  /** Highest register reading of this transaction (Wh): meterStop is never below it. */
  registerWh: number;
  stopData: StoredMeterValue[];
  sampleTimer?: TimerHandle;
}

/** Errata 3.89: drop every second intermediate entry, never the first (Begin) or the last. */
export function thinOnce(data: StoredMeterValue[]): StoredMeterValue[] {
  const out: StoredMeterValue[] = [];
  for (let i = 0; i < data.length; i++) {
    if (i === 0 || i === data.length - 1 || i % 2 === 0) out.push(data[i]);
  }
  return out;
}

export class MeteringService {
  readonly #ports: CoreServicePorts;
  readonly #log: Logger;
  readonly #connectors: readonly ChargePointConnector[];
  readonly #queue: TransactionQueue;
  /** The lifecycle's running transactions, by connector id (read only here). */
  readonly #running: ReadonlyMap<number, MeteredTransaction>;
  readonly #sample: ConnectorMeterSample = newMeterSample();
  /** Connector 0 (main meter) = the sum of the connectors' meters on this board. */
  readonly #mainSample: ConnectorMeterSample = newMeterSample();
  #alignedTimer: TimerHandle | undefined;

  constructor(options: {
    ports: CoreServicePorts;
    log: Logger;
    connectors: readonly ChargePointConnector[];
    queue: TransactionQueue;
    running: ReadonlyMap<number, MeteredTransaction>;
  }) {
    this.#ports = options.ports;
    this.#log = options.log;
    this.#connectors = options.connectors;
    this.#queue = options.queue;
    this.#running = options.running;
    this.#ports.config.onChange("ClockAlignedDataInterval", () => this.armAligned());
    this.#ports.config.onChange("MeterValueSampleInterval", () => {
      for (const state of this.#running.values()) this.armSampling(state);
    });
  }

  /** Reads a connector's meter into the one shared sample (valid until the next read). */
  read(connector: ChargePointConnector): ConnectorMeterSample {
    connector.readMeter(this.#sample);
    return this.#sample;
  }

  /** meterStart (Wh) of a transaction starting now on `connector`; `recordBegin` uses the same reading. */
  readStart(connector: ChargePointConnector): number {
    connector.readMeter(this.#sample);
    return Math.round(this.#sample.energyImportWh);
  }

  /** The Transaction.Begin values of a new transaction, from the reading `readStart` took. */
  recordBegin(state: MeteredTransaction): void {
    this.#addStopData(state, "Transaction.Begin", this.#ports.config.list("StopTxnSampledData"));
  }

  /** Stops the sampling of a transaction, records its Transaction.End values and returns its meterStop (Wh). */
  end(state: MeteredTransaction): number {
    if (state.sampleTimer !== undefined) this.#ports.timers.clear(state.sampleTimer);
    this.#connectors[state.tx.connectorId - 1].readMeter(this.#sample);
    this.#addStopData(state, "Transaction.End", this.#ports.config.list("StopTxnSampledData"));
    return this.#meterStopWh(state);
  }

  /** The StopTransaction's transactionData, or undefined when none is configured. */
  transactionData(state: MeteredTransaction): StoredMeterValue[] | undefined {
    if (this.#ports.config.list("StopTxnSampledData").length === 0 && this.#ports.config.list("StopTxnAlignedData").length === 0)
      return undefined;
    const max = Math.max(2, this.#ports.config.int("StopTransactionMaxMeterValues"));
    let out = state.stopData;
    while (out.length > max) out = thinOnce(out);
    return out;
  }

  /**
   * meterStop from the reading just taken: never below meterStart or an
   * earlier reading of the transaction [ERR 3.9]. A meter not read yet after
   * a restart (register 0, not ok) must not end the transaction at 0 Wh.
   */
  #meterStopWh(state: MeteredTransaction): number {
    const readWh = Math.round(this.#sample.energyImportWh);
    if (Number.isFinite(readWh) && readWh >= state.registerWh) return readWh;
    this.#log.warn(
      `connector ${state.tx.connectorId}: register ${readWh} Wh (${this.#sample.ok ? "ok" : "not read"}) below ${state.registerWh} Wh of this transaction; meterStop ${state.registerWh}`,
    );
    return state.registerWh;
  }

  /** (Re)starts the sampled MeterValues of a transaction at MeterValueSampleInterval. */
  armSampling(state: MeteredTransaction): void {
    if (state.sampleTimer !== undefined) this.#ports.timers.clear(state.sampleTimer);
    state.sampleTimer = undefined;
    const intervalS = this.#ports.config.int("MeterValueSampleInterval");
    if (intervalS <= 0) return;
    state.sampleTimer = this.#ports.timers.every(() => this.#sampled(state), intervalS * 1000);
  }

  #sampled(state: MeteredTransaction): void {
    const connector = this.#connectors[state.tx.connectorId - 1];
    connector.readMeter(this.#sample);
    if (!this.#sample.ok) return;
    this.#noteRegister(state);
    this.#addStopData(state, "Sample.Periodic", this.#ports.config.list("StopTxnSampledData"));
    this.#pushMeterValue(state, "Sample.Periodic", this.#ports.config.list("MeterValuesSampledData"), this.#ports.time.now());
  }

  /** Clock-aligned readings at multiples of ClockAlignedDataInterval from 00:00 UTC (needs a synced clock). */
  armAligned(): void {
    if (this.#alignedTimer !== undefined) this.#ports.timers.clear(this.#alignedTimer);
    this.#alignedTimer = undefined;
    const intervalS = this.#ports.config.int("ClockAlignedDataInterval");
    if (intervalS <= 0 || !this.#ports.time.clock.isSynced()) return;
    const periodMs = intervalS * 1000;
    const now = this.#ports.time.clock.utcMs();
    const next = (Math.floor(now / periodMs) + 1) * periodMs;
    this.#alignedTimer = this.#ports.timers.once(() => {
      this.#alignedTimer = undefined;
      const at: EventTime = { u: next };
      const measurands = this.#ports.config.list("MeterValuesAlignedData");
      for (const state of this.#running.values()) {
        const connector = this.#connectors[state.tx.connectorId - 1];
        connector.readMeter(this.#sample);
        if (!this.#sample.ok) continue;
        this.#noteRegister(state);
        this.#addStopData(state, "Sample.Clock", this.#ports.config.list("StopTxnAlignedData"), at);
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
    if (measurands.length === 0 || !this.#ports.engine.online || !this.#ports.engine.accepted) return;
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
    const timestamp = this.#ports.time.iso(at);
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
    sendMeterValues(this.#ports.engine, buildMeterValuesRequest(connectorId, [{ timestamp, sampledValue }])).catch((error: Error) => {
      this.#log.warn(`aligned MeterValues of connector ${connectorId} not delivered: ${error.message}`);
    });
  }

  #pushMeterValue(state: MeteredTransaction, context: ReadingContext, measurands: string[], at: EventTime): void {
    if (measurands.length === 0) return;
    if (!this.#queue.hasRoomForMeterValues(this.#running.size)) {
      this.#log.warn("journal nearly full: MeterValues skipped");
      return;
    }
    const sv: SampledValue[] = [];
    appendSampledValues(sv, measurands, this.#sample, this.#connectors[state.tx.connectorId - 1].offeredA(), context);
    const record: TransactionRecord = { k: "M", l: state.tx.local, c: state.tx.connectorId, mv: [{ t: at, sv }] };
    this.#queue.push(JSON.stringify(record));
    this.#queue.pump();
  }

  #noteRegister(state: MeteredTransaction): void {
    const readWh = Math.round(this.#sample.energyImportWh);
    if (readWh > state.registerWh) state.registerWh = readWh;
  }

  #addStopData(state: MeteredTransaction, context: ReadingContext, measurands: string[], at?: EventTime): void {
    if (measurands.length === 0) return;
    const sv: SampledValue[] = [];
    appendSampledValues(sv, measurands, this.#sample, this.#connectors[state.tx.connectorId - 1].offeredA(), context);
    state.stopData.push({ t: at ?? this.#ports.time.now(), sv });
    const max = Math.max(2, this.#ports.config.int("StopTransactionMaxMeterValues"));
    if (state.stopData.length > max) state.stopData = thinOnce(state.stopData);
  }
}
