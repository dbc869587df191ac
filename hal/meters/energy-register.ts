/**
 * The Energy.Active.Import.Register a charger reports: Wh that never go
 * backwards and survive a reboot, kept through the KeyValueStore port under
 * the NVS rules (32-bit integers only, writes spared).
 *
 * Two kinds of sources feed it:
 * - `addWh(delta)`: metering chips whose energy register is read-and-clear or
 *   restarts at zero when the chip powers up (ADE7953, ATM90E32, HLW8032);
 *   the total is the persisted Wh plus what was added since boot.
 * - `setCounterWh(counter)`: external meters with their own non-volatile
 *   register (SDM630, SDM120, B23); total = counter + an integer offset that
 *   only changes when the counter is seen to go backwards (meter reset or
 *   replaced), so a fresh install reports exactly what the meter shows.
 *
 * Persisted keys (namespace default "meter"): `<key>Wh` = floor of the total
 * at the last write (no reading is ever reported below it) and `<key>Of` =
 * the counter offset. The total is written when it grew by `persistEveryWh`
 * or, if it grew at all, after `persistEveryMs`, and on `persist()`. A power
 * cut loses at most that much for chip meters (whose counter dies with it).
 */
import type { KeyValueStore } from "ports/kv";
import type { MeterErrorHandler } from "hal/meter";

export interface EnergyRegisterOptions {
  kv: KeyValueStore;
  /** Key prefix, 1..13 characters (NVS keys are at most 15). */
  key: string;
  /** NVS namespace; default "meter". */
  namespace?: string;
  /** Write after the total grew by this many Wh; default 100. */
  persistEveryWh?: number;
  /** Write after this long if the total grew at all; default 15 min. */
  persistEveryMs?: number;
  onError?: MeterErrorHandler;
}

const INT32_MAX = 2147483647;

function readInt(kv: KeyValueStore, namespace: string, key: string): number {
  const value = kv.get(namespace, key);
  return typeof value === "number" && Number.isInteger(value) ? value : 0;
}

export class EnergyRegister {
  #kv: KeyValueStore;
  #namespace: string;
  #totalKey: string;
  #offsetKey: string;
  #everyWh: number;
  #everyMs: number;
  #onError: MeterErrorHandler | undefined;
  /** floor(total) at the last successful write (or load). */
  #persistedWh: number;
  #lastPersistMs = -1;
  /** Total Wh as a float (delta sources) or counter + offset (counter sources). */
  #totalWh: number;
  #offsetWh: number;
  #lastCounterWh = -1;

  constructor(options: EnergyRegisterOptions) {
    if (options.key.length < 1 || options.key.length > 13) throw new RangeError("energy register key must have 1..13 characters");
    this.#kv = options.kv;
    this.#namespace = options.namespace ?? "meter";
    this.#totalKey = options.key + "Wh";
    this.#offsetKey = options.key + "Of";
    this.#everyWh = options.persistEveryWh ?? 100;
    this.#everyMs = options.persistEveryMs ?? 15 * 60 * 1000;
    this.#onError = options.onError;
    this.#persistedWh = Math.max(0, readInt(this.#kv, this.#namespace, this.#totalKey));
    this.#offsetWh = readInt(this.#kv, this.#namespace, this.#offsetKey);
    this.#totalWh = this.#persistedWh;
  }

  /** The register in Wh: never below the last persisted value, never decreasing. */
  get wh(): number {
    return this.#totalWh;
  }

  /** Wh of the last write to the store. */
  get persistedWh(): number {
    return this.#persistedWh;
  }

  /** Adds energy measured since the previous call (chip sources); negative or NaN is ignored. */
  addWh(deltaWh: number, nowMs: number): void {
    if (deltaWh > 0 && deltaWh < Infinity) this.#totalWh += deltaWh;
    this.#maybePersist(nowMs);
  }

  /** Feeds an absolute meter counter in Wh (external meters). */
  setCounterWh(counterWh: number, nowMs: number): void {
    if (!(counterWh >= 0 && counterWh < Infinity)) return;
    let total = counterWh + this.#offsetWh;
    const backwards = this.#lastCounterWh < 0 ? total < this.#persistedWh : counterWh < this.#lastCounterWh;
    if (backwards) {
      // Reset or replaced meter: continue from where the register stood.
      const from = this.#lastCounterWh < 0 ? this.#persistedWh : this.#totalWh;
      this.#offsetWh = Math.ceil(from - counterWh);
      this.#write(this.#offsetKey, this.#offsetWh);
      total = counterWh + this.#offsetWh;
    }
    this.#lastCounterWh = counterWh;
    if (total > this.#totalWh) this.#totalWh = total;
    this.#maybePersist(nowMs);
  }

  /** Writes the total now if it grew (on close, before a planned reboot). */
  persist(nowMs: number): void {
    const floor = Math.floor(this.#totalWh);
    this.#lastPersistMs = nowMs;
    if (floor > this.#persistedWh && this.#write(this.#totalKey, floor)) this.#persistedWh = floor;
  }

  #maybePersist(nowMs: number): void {
    if (this.#lastPersistMs < 0) this.#lastPersistMs = nowMs;
    const grownWh = Math.floor(this.#totalWh) - this.#persistedWh;
    if (grownWh >= this.#everyWh || (grownWh > 0 && nowMs - this.#lastPersistMs >= this.#everyMs)) this.persist(nowMs);
  }

  #write(key: string, value: number): boolean {
    if (value > INT32_MAX || value < -INT32_MAX) {
      this.#onError?.("persist", `${key}: ${value} Wh does not fit a 32-bit NVS integer`);
      return false;
    }
    try {
      this.#kv.set(this.#namespace, key, value);
      return true;
    } catch (error) {
      this.#onError?.("persist", `${key}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }
}
