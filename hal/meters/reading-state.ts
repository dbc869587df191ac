/**
 * What every chip driver keeps between polls: the sample being filled, the
 * last complete one, the persisted import register, and the online/offline
 * state with a retry budget. Drivers own one (composition); nothing here
 * allocates after construction except error details on the error path.
 */
import type { KeyValueStore } from "ports/kv";
import { copyMeterSample, createMeterSample, type MeterError, type MeterErrorHandler, type MeterSample } from "hal/meter";
import { EnergyRegister } from "./energy-register";

export interface ReadingStateOptions {
  kv: KeyValueStore;
  key: string;
  /** Failed reads in a row tolerated before going offline; default 2. */
  retries?: number;
  persistEveryWh?: number;
  persistEveryMs?: number;
  onError?: MeterErrorHandler;
}

/** What a polled chip driver (ADE7953, ATM90E32) takes besides its bus and calibration. */
export interface PolledMeterOptions extends Omit<ReadingStateOptions, "key"> {
  /** NVS key prefix; default the chip's name. */
  key?: string;
  /** Time between reads; default 1000 ms. */
  intervalMs?: number;
  /** Time between reads while offline; default 5000 ms. */
  offlineRetryMs?: number;
}

export class ReadingState {
  /** The sample a driver fills during a read. */
  readonly work: MeterSample = createMeterSample();
  readonly energy: EnergyRegister;
  #current: MeterSample = createMeterSample();
  #haveReading = false;
  #online = true;
  #failures = 0;
  #retries: number;
  #name: string;
  #onError: MeterErrorHandler | undefined;

  constructor(options: ReadingStateOptions) {
    this.#name = options.key;
    this.#retries = options.retries ?? 2;
    this.#onError = options.onError;
    this.energy = new EnergyRegister({
      kv: options.kv,
      key: options.key,
      persistEveryWh: options.persistEveryWh,
      persistEveryMs: options.persistEveryMs,
      onError: options.onError,
    });
    this.#current.energyImportWh = this.energy.wh;
  }

  get online(): boolean {
    return this.#online;
  }

  /** Publishes `work` as the newest reading. */
  succeed(nowMs: number): void {
    const work = this.work;
    work.energyImportWh = this.energy.wh;
    work.ok = true;
    work.atMs = nowMs;
    copyMeterSample(work, this.#current);
    this.#haveReading = true;
    this.#online = true;
    this.#failures = 0;
  }

  /** Reports an error that does not count against the retry budget. */
  report(error: MeterError, detail: string): void {
    this.#onError?.(error, detail);
  }

  /** Records a failed read; returns true when the meter just went offline. */
  fail(error: MeterError, detail: string): boolean {
    this.#onError?.(error, detail);
    this.#failures++;
    if (this.#failures > this.#retries && this.#online) {
      this.#online = false;
      this.#current.ok = false;
      this.#onError?.("offline", this.#name);
      return true;
    }
    return false;
  }

  sample(into: MeterSample): boolean {
    if (!this.#haveReading) {
      into.ok = false;
      into.energyImportWh = this.energy.wh;
      return false;
    }
    copyMeterSample(this.#current, into);
    return into.ok;
  }
}

/**
 * A ReadingState with the read schedule of a polled chip driver (ADE7953, ATM90E32): a read every
 * `intervalMs`, every `offlineRetryMs` while offline, none after close.
 */
export class PolledReadingState extends ReadingState {
  readonly #intervalMs: number;
  readonly #offlineRetryMs: number;
  #nextMs = 0;
  #closed = false;

  /** `chip`: the NVS key prefix when the options give none. */
  constructor(options: PolledMeterOptions, chip: string) {
    super({ ...options, key: options.key ?? chip });
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#offlineRetryMs = options.offlineRetryMs ?? 5000;
  }

  /** True when a read is due at `nowMs`. */
  due(nowMs: number): boolean {
    return !this.#closed && nowMs >= this.#nextMs;
  }

  /** The read filled `work`: publishes it; the next read is one interval on. */
  readDone(nowMs: number): void {
    this.succeed(nowMs);
    this.#nextMs = nowMs + this.#intervalMs;
  }

  /** The bus threw during a read: counted against the retries; the next read waits longer once offline. */
  readFailed(nowMs: number, error: unknown): void {
    this.fail("bus", describeError(error));
    this.#nextMs = nowMs + (this.online ? this.#intervalMs : this.#offlineRetryMs);
  }

  /** Persists the energy register, once; false when already closed (the driver closes its bus on true). */
  close(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.energy.persist(this.#nextMs);
    return true;
  }
}

/** Error detail text of something thrown by a bus. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
