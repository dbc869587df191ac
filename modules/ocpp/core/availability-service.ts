/**
 * ChangeAvailability [SPEC 5.2, 4.2 of our reference]: Inoperative flags
 * per connector and for the charge point (connector 0), persisted so they
 * survive reboot and power loss (OCTT TC_013, TC_034); a change for a
 * connector with a transaction is Scheduled and applied when it ends.
 */
import type { KeyValueStore } from "ports/kv";
import type { ChargePointConnector } from "ocpp/charge-point-hw";

const NS = "ocpptx";
const KEY = "inoperative";

export type AvailabilityResult = "Accepted" | "Rejected" | "Scheduled";

export class AvailabilityService {
  readonly #kv: KeyValueStore;
  readonly #connectors: readonly ChargePointConnector[];
  readonly #busy: (connectorId: number) => boolean;
  /** Bit i: connector i requested Inoperative (bit 0: the whole charge point). */
  #requested: number;
  /** Bit i: connector i currently applied as Inoperative. */
  #applied = 0;
  #listeners: Array<(connectorId: number, operative: boolean) => void> = [];

  constructor(kv: KeyValueStore, connectors: readonly ChargePointConnector[], busy: (connectorId: number) => boolean) {
    this.#kv = kv;
    this.#connectors = connectors;
    this.#busy = busy;
    const stored = kv.get(NS, KEY);
    this.#requested = typeof stored === "number" ? stored : 0;
  }

  /** Applies the persisted flags at boot. */
  applyAtBoot(): void {
    for (let id = 0; id <= this.#connectors.length; id++) this.#applyIfIdle(id);
  }

  onChange(listener: (connectorId: number, operative: boolean) => void): void {
    this.#listeners.push(listener);
  }

  /** Operative as applied now (connector 0 = charge point flag alone). */
  operative(connectorId: number): boolean {
    return (this.#applied & (1 << connectorId)) === 0;
  }

  change(connectorId: number, operative: boolean): AvailabilityResult {
    if (connectorId < 0 || connectorId > this.#connectors.length) return "Rejected";
    const bit = 1 << connectorId;
    this.#requested = operative ? this.#requested & ~bit : this.#requested | bit;
    this.#kv.set(NS, KEY, this.#requested);
    let scheduled = false;
    if (connectorId === 0) {
      this.#applyIfIdle(0);
      for (let id = 1; id <= this.#connectors.length; id++) scheduled = !this.#applyIfIdle(id) || scheduled;
    } else scheduled = !this.#applyIfIdle(connectorId);
    return scheduled ? "Scheduled" : "Accepted";
  }

  /** A transaction ended: a scheduled change may apply now. */
  transactionEnded(connectorId: number): void {
    this.#applyIfIdle(connectorId);
  }

  /** Applies the wanted state unless a transaction runs; false when it must wait. */
  #applyIfIdle(connectorId: number): boolean {
    const bit = 1 << connectorId;
    const wantInoperative = connectorId === 0 ? (this.#requested & 1) !== 0 : (this.#requested & (bit | 1)) !== 0;
    const isInoperative = (this.#applied & bit) !== 0;
    if (wantInoperative === isInoperative) return true;
    if (connectorId > 0 && wantInoperative && this.#busy(connectorId)) return false;
    this.#applied = wantInoperative ? this.#applied | bit : this.#applied & ~bit;
    if (connectorId > 0) this.#connectors[connectorId - 1].setAvailable(!wantInoperative);
    for (const listener of this.#listeners) listener(connectorId, !wantInoperative);
    return true;
  }
}
