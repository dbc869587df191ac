/**
 * SmartChargingService: the charging profiles of the charge point, the
 * limits they impose and the composite schedule [SPEC 3.13, 5.5, 5.7, 5.16;
 * reference §2.6, §4.7]. It knows nothing about JSON frames: the action
 * handlers (SetChargingProfile, ClearChargingProfile, GetCompositeSchedule)
 * translate messages into calls on it.
 *
 * How a limit is found for connector c at instant t:
 * - L_max: the prevailing ChargePointMaxProfile (highest stackLevel in force).
 *   It caps the sum of all connectors: it is shared among the connectors with
 *   a running transaction (plus c itself) by water-filling, so a connector
 *   held lower by its own profile leaves its unused share to the others.
 * - L_tx: if TxProfiles exist for c's running transaction, the prevailing one
 *   (none in force: no L_tx; TxDefault is not consulted again, OCTT TC_066);
 *   otherwise the prevailing TxDefaultProfile set on c, else the one on 0.
 * - limit = min(share of L_max, L_tx); units are A per phase throughout,
 *   W converted with the nominal voltage and the period's numberPhases.
 */
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import { activePeriodIndex, compileProfile, nextBoundaryMs, periodLimitA, type InstalledProfile } from "./profile";
import { pendingKey, ProfileStore, profileKey, type ProfileRecord } from "./store";
import { OcppCallError } from "ocpp/rpc/frame";
import type { AllowedChargingRateUnit, ChargingProfile, ChargingProfilePurpose, ChargingRateUnit } from "./types";

/** What the service needs to know about the transaction running on a connector. */
export interface ActiveTransaction {
  /** Id from StartTransaction.conf; undefined while not (yet) known. */
  readonly transactionId: number | undefined;
  /** When the transaction started, UTC ms (anchors Relative profiles). */
  readonly startUtcMs: number;
}

export interface TransactionLookup {
  /** The transaction running on a connector (1..N), or undefined. */
  activeTransaction(connectorId: number): ActiveTransaction | undefined;
}

/** The values of the four Smart Charging configuration keys [reference §3.4]. */
export interface SmartChargingSettings {
  /** ChargeProfileMaxStackLevel. */
  maxStackLevel: number;
  /** ChargingScheduleAllowedChargingRateUnit. */
  allowedUnits: readonly AllowedChargingRateUnit[];
  /** ChargingScheduleMaxPeriods. */
  maxPeriods: number;
  /** MaxChargingProfilesInstalled. */
  maxProfiles: number;
}

export const DEFAULT_SMART_CHARGING_SETTINGS: Readonly<SmartChargingSettings> = Object.freeze({
  maxStackLevel: 8,
  allowedUnits: Object.freeze(["Current", "Power"] as const),
  maxPeriods: 24,
  maxProfiles: 16,
});

export interface SmartChargingOptions {
  numberOfConnectors: number;
  kv: KeyValueStore;
  transactions: TransactionLookup;
  settings?: Partial<SmartChargingSettings>;
  /** Nominal phase voltage for W <-> A (230 V in Europe). */
  nominalVoltageV?: number;
  /** Phases assumed when a period has no numberPhases [SPEC 7.12: 3]. */
  defaultNumberPhases?: number;
  /** Hardware limit of one connector, reported by the composite where no profile limits. */
  connectorMaxCurrentA?: number;
  /** Called when a change of profiles or transactions may change limits (0 = any connector). */
  onLimitChanged?: (connectorId: number) => void;
  log?: Logger;
}

export type SetProfileResult = { status: "Accepted" } | { status: "Rejected"; reason: string };

export interface ClearCriteria {
  id?: number;
  connectorId?: number;
  purpose?: ChargingProfilePurpose;
  stackLevel?: number;
}

export interface CompositePeriod {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

export interface CompositeSchedule {
  connectorId: number;
  /** The instant the schedule starts (the request's receipt, whole seconds). */
  scheduleStartUtcMs: number;
  durationS: number;
  unit: ChargingRateUnit;
  periods: CompositePeriod[];
}

/** Bounds the composite walk (a daily recurring profile over a long duration). */
const MAX_COMPOSITE_STEPS = 1000;

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export class SmartChargingService {
  readonly numberOfConnectors: number;
  readonly settings: Readonly<SmartChargingSettings>;
  readonly nominalVoltageV: number;
  readonly defaultNumberPhases: number;
  readonly connectorMaxCurrentA: number;

  readonly #transactions: TransactionLookup;
  readonly #store: ProfileStore;
  readonly #onLimitChanged: ((connectorId: number) => void) | undefined;
  readonly #log: Logger | undefined;
  /** Installed profiles, highest stackLevel first (then newest first). */
  #profiles: InstalledProfile[] = [];
  /** TxProfile from RemoteStartTransaction per connector, waiting for its transaction. */
  readonly #pending: Array<InstalledProfile | undefined>;
  #nextSeq = 1;

  // Scratch state of one evaluation, so the limit queries allocate nothing.
  #phases = 0;
  readonly #demandA: Float64Array;
  readonly #done: Uint8Array;

  constructor(options: SmartChargingOptions) {
    if (!Number.isInteger(options.numberOfConnectors) || options.numberOfConnectors < 1) {
      throw new RangeError("numberOfConnectors must be an integer >= 1");
    }
    this.numberOfConnectors = options.numberOfConnectors;
    this.settings = { ...DEFAULT_SMART_CHARGING_SETTINGS, ...options.settings };
    this.nominalVoltageV = options.nominalVoltageV ?? 230;
    this.defaultNumberPhases = options.defaultNumberPhases ?? 3;
    this.connectorMaxCurrentA = options.connectorMaxCurrentA ?? 32;
    this.#transactions = options.transactions;
    this.#store = new ProfileStore(options.kv);
    this.#onLimitChanged = options.onLimitChanged;
    this.#log = options.log;
    this.#pending = new Array<InstalledProfile | undefined>(this.numberOfConnectors + 1).fill(undefined);
    this.#demandA = new Float64Array(this.numberOfConnectors + 1);
    this.#done = new Uint8Array(this.numberOfConnectors + 1);
    this.#load();
  }

  /** Installed profiles (not the pending RemoteStart ones), highest stackLevel first. */
  get profiles(): readonly InstalledProfile[] {
    return this.#profiles;
  }

  /** The RemoteStart TxProfile waiting for a transaction on a connector. */
  pendingTxProfile(connectorId: number): InstalledProfile | undefined {
    return this.#pending[connectorId];
  }

  // ---- SetChargingProfile [SPEC 5.16, ERR 3.38-3.39, reference §2.6] ----

  /**
   * Installs a profile on a connector. Throws OcppCallError
   * PropertyConstraintViolation for a connector that does not exist [ERR 3.38].
   */
  setProfile(connectorId: number, source: ChargingProfile, nowUtcMs: number): SetProfileResult {
    this.#checkConnector(connectorId, true);
    const purpose = source.chargingProfilePurpose;
    if (purpose === "ChargePointMaxProfile" && connectorId !== 0) return rejected("ChargePointMaxProfile only on connector 0");
    if (purpose === "TxProfile") {
      if (connectorId === 0) return rejected("TxProfile only on a connector > 0");
      const tx = this.#transactions.activeTransaction(connectorId);
      if (!tx) return rejected("TxProfile without a transaction on the connector"); // TC_058_1
      if (source.transactionId !== undefined && source.transactionId !== tx.transactionId) {
        return rejected("TxProfile for another transaction"); // TC_058_2
      }
    }
    const limitsProblem = this.#checkSettings(source);
    if (limitsProblem) return rejected(limitsProblem);
    const compiled = compileProfile(connectorId, source, nowUtcMs, this.#nextSeq);
    if (typeof compiled === "string") return rejected(compiled);

    const replaced = this.#replacedBy(compiled);
    if (this.#profiles.length - replaced.length + 1 + this.#pendingCount() > this.settings.maxProfiles) {
      return rejected("MaxChargingProfilesInstalled reached");
    }
    const stored = this.#persist(profileKey(compiled.id), compiled);
    if (stored) return rejected(stored);
    this.#nextSeq++;
    this.#removeProfiles(replaced, compiled.id);
    this.#insert(compiled);
    this.#notify(connectorId);
    return { status: "Accepted" };
  }

  // ---- ClearChargingProfile [SPEC 5.5, ERR 3.25-3.26] ----

  /**
   * Clears by id (other criteria ignored), else every profile matching all
   * given criteria (none given: all). True when something was cleared.
   */
  clearProfiles(criteria: ClearCriteria): boolean {
    const matches: InstalledProfile[] = [];
    const matchesPending: number[] = [];
    const byId = criteria.id !== undefined;
    const test = (profile: InstalledProfile): boolean =>
      byId
        ? profile.id === criteria.id
        : (criteria.connectorId === undefined || profile.connectorId === criteria.connectorId) &&
          (criteria.purpose === undefined || profile.purpose === criteria.purpose) &&
          (criteria.stackLevel === undefined || profile.stackLevel === criteria.stackLevel);
    for (let i = 0; i < this.#profiles.length; i++) if (test(this.#profiles[i])) matches.push(this.#profiles[i]);
    for (let c = 1; c <= this.numberOfConnectors; c++) {
      const pending = this.#pending[c];
      if (pending && test(pending)) matchesPending.push(c);
    }
    if (matches.length === 0 && matchesPending.length === 0) return false;
    this.#removeProfiles(matches, undefined);
    for (let i = 0; i < matchesPending.length; i++) this.dropPendingTxProfile(matchesPending[i]);
    let connector = matches.length > 0 ? matches[0].connectorId : 0;
    for (let i = 1; i < matches.length; i++) if (matches[i].connectorId !== connector) connector = 0;
    this.#notify(connector);
    return true;
  }

  // ---- RemoteStartTransaction with a chargingProfile [SPEC 5.11, 5.16.2; TC_059/060] ----

  /**
   * Validates the chargingProfile of a RemoteStartTransaction.req for
   * connector `connectorId` (> 0) and keeps it until the transaction starts
   * there (`onTransactionStarted`). Only TxProfile is allowed (TC_060); its
   * transactionId, unknown before the start, is not kept.
   */
  acceptRemoteStartProfile(connectorId: number, source: ChargingProfile, nowUtcMs: number): SetProfileResult {
    if (!Number.isInteger(connectorId) || connectorId < 1 || connectorId > this.numberOfConnectors) {
      return rejected("RemoteStart profile needs a connector 1..N");
    }
    if (source.chargingProfilePurpose !== "TxProfile") return rejected("RemoteStart profile must be a TxProfile");
    const limitsProblem = this.#checkSettings(source);
    if (limitsProblem) return rejected(limitsProblem);
    const unbound: ChargingProfile = { ...source };
    delete unbound.transactionId;
    const compiled = compileProfile(connectorId, unbound, nowUtcMs, this.#nextSeq);
    if (typeof compiled === "string") return rejected(compiled);
    const replacing = this.#pending[connectorId] ? 1 : 0;
    if (this.#profiles.length + this.#pendingCount() - replacing + 1 > this.settings.maxProfiles) {
      return rejected("MaxChargingProfilesInstalled reached");
    }
    const stored = this.#persist(pendingKey(connectorId), compiled);
    if (stored) return rejected(stored);
    this.#nextSeq++;
    this.#pending[connectorId] = compiled;
    return { status: "Accepted" };
  }

  /** Forgets the RemoteStart profile of a connector (the remote start did not lead to a transaction). */
  dropPendingTxProfile(connectorId: number): void {
    if (!this.#pending[connectorId]) return;
    this.#pending[connectorId] = undefined;
    this.#forget(pendingKey(connectorId));
  }

  // ---- transaction events ----

  /** A transaction started on a connector: its RemoteStart profile, if any, now applies. */
  onTransactionStarted(connectorId: number, nowUtcMs: number): void {
    const pending = this.#pending[connectorId];
    if (pending) {
      const compiled = compileProfile(connectorId, pending.source, nowUtcMs, this.#nextSeq);
      if (typeof compiled !== "string") {
        const replaced = this.#replacedBy(compiled);
        if (!this.#persist(profileKey(compiled.id), compiled)) {
          this.#nextSeq++;
          this.#removeProfiles(replaced, compiled.id);
          this.#insert(compiled);
        }
      }
      this.dropPendingTxProfile(connectorId);
    }
    // The share of ChargePointMaxProfile changes for every connector.
    this.#notify(0);
  }

  /** A transaction ended: its TxProfiles go [SPEC 3.13.1]. */
  onTransactionEnded(connectorId: number): void {
    const ended: InstalledProfile[] = [];
    for (let i = 0; i < this.#profiles.length; i++) {
      const profile = this.#profiles[i];
      if (profile.purpose === "TxProfile" && profile.connectorId === connectorId) ended.push(profile);
    }
    this.#removeProfiles(ended, undefined);
    this.dropPendingTxProfile(connectorId);
    this.#notify(0);
  }

  /** After boot, once transactions are restored: drops TxProfiles of transactions that are gone. */
  pruneTxProfiles(): void {
    const stale: InstalledProfile[] = [];
    for (let i = 0; i < this.#profiles.length; i++) {
      const profile = this.#profiles[i];
      if (profile.purpose !== "TxProfile") continue;
      const tx = this.#transactions.activeTransaction(profile.connectorId);
      if (!tx || (profile.transactionId !== undefined && tx.transactionId !== undefined && tx.transactionId !== profile.transactionId)) {
        stale.push(profile);
      }
    }
    if (stale.length === 0) return;
    this.#removeProfiles(stale, undefined);
    this.#notify(0);
  }

  // ---- limits for the control loop ----

  /**
   * The current limit for a connector (A per phase) at `nowUtcMs`: the
   * smaller of its share of ChargePointMaxProfile and its Tx/TxDefault
   * profile; Infinity when no profile applies.
   */
  currentLimitA(connectorId: number, nowUtcMs: number): number {
    this.#checkConnector(connectorId, false);
    return this.#sharedLimitA(connectorId, nowUtcMs, nowUtcMs);
  }

  /**
   * The next instant after `nowUtcMs` at which any profile that can affect
   * the connector changes period, starts or ends (Infinity: never); the
   * firmware re-evaluates `currentLimitA` then.
   */
  nextChangeUtcMs(connectorId: number, nowUtcMs: number): number {
    this.#checkConnector(connectorId, true);
    return this.#nextChangeMs(nowUtcMs, nowUtcMs);
  }

  // ---- GetCompositeSchedule [SPEC 5.7, ERR 3.24, 3.57] ----

  /**
   * The composite schedule from `nowUtcMs` (whole seconds) for `durationS`
   * seconds in `unit` (A by default). Connector 0 = the whole charge point:
   * min(ChargePointMaxProfile, sum of every connector's limit).
   * Undefined when the connector does not exist (→ Rejected).
   */
  compositeSchedule(
    connectorId: number,
    durationS: number,
    unit: ChargingRateUnit | undefined,
    nowUtcMs: number,
  ): CompositeSchedule | undefined {
    if (!Number.isInteger(connectorId) || connectorId < 0 || connectorId > this.numberOfConnectors) return undefined;
    if (!Number.isInteger(durationS) || durationS < 0) return undefined;
    const outUnit: ChargingRateUnit = unit ?? "A";
    const startMs = Math.floor(nowUtcMs / 1000) * 1000;
    const endMs = startMs + durationS * 1000;
    const periods: CompositePeriod[] = [];
    let t = startMs;
    let steps = 0;
    while (t < endMs && steps < MAX_COMPOSITE_STEPS) {
      steps++;
      const limitA = this.#compositeLimitA(connectorId, t, startMs);
      const phases = this.#phases;
      const value = round1(outUnit === "A" ? limitA : limitA * this.nominalVoltageV * (phases || this.defaultNumberPhases));
      const startPeriod = Math.round((t - startMs) / 1000);
      let last = periods.length > 0 ? periods[periods.length - 1] : undefined;
      if (last && last.startPeriod === startPeriod) {
        periods.pop(); // a sub-second step: the later state wins
        last = periods.length > 0 ? periods[periods.length - 1] : undefined;
      }
      if (!last || last.limit !== value || (last.numberPhases ?? 0) !== phases) {
        const period: CompositePeriod = { startPeriod, limit: value };
        if (phases > 0) period.numberPhases = phases;
        periods.push(period);
      }
      t = Math.min(this.#nextChangeMs(t, startMs), endMs);
    }
    const reachedS = Math.round((Math.min(t, endMs) - startMs) / 1000);
    return { connectorId, scheduleStartUtcMs: startMs, durationS: reachedS, unit: outUnit, periods };
  }

  // ---- evaluation ----

  /**
   * The prevailing profile of a purpose on a connector at `tMs`: sets
   * #phases and returns its limit in A per phase, or NaN when none is in
   * force. For TxProfile only those of transaction `txId` count.
   */
  #stackLimitA(purpose: ChargingProfilePurpose, connectorId: number, tMs: number, txStartMs: number, txId: number | undefined): number {
    const profiles = this.#profiles;
    for (let i = 0; i < profiles.length; i++) {
      const profile = profiles[i];
      if (profile.purpose !== purpose || profile.connectorId !== connectorId) continue;
      if (purpose === "TxProfile" && profile.transactionId !== undefined && profile.transactionId !== txId) continue;
      // A Relative ChargePointMaxProfile has no transaction: it counts from its installation.
      const anchor = purpose === "ChargePointMaxProfile" ? profile.installedAtMs : txStartMs;
      const index = activePeriodIndex(profile, tMs, anchor);
      if (index < 0) continue;
      this.#phases = profile.periodPhases[index];
      return periodLimitA(profile, index, this.nominalVoltageV, this.defaultNumberPhases);
    }
    return NaN;
  }

  #hasTxProfile(connectorId: number, txId: number | undefined): boolean {
    const profiles = this.#profiles;
    for (let i = 0; i < profiles.length; i++) {
      const profile = profiles[i];
      if (profile.purpose !== "TxProfile" || profile.connectorId !== connectorId) continue;
      if (profile.transactionId === undefined || profile.transactionId === txId) return true;
    }
    return false;
  }

  /** L_tx of a connector (A per phase, Infinity: none); sets #phases. */
  #txLimitA(connectorId: number, tMs: number, assumedStartMs: number): number {
    const tx = this.#transactions.activeTransaction(connectorId);
    let limit: number;
    if (tx && this.#hasTxProfile(connectorId, tx.transactionId)) {
      limit = this.#stackLimitA("TxProfile", connectorId, tMs, tx.startUtcMs, tx.transactionId);
    } else {
      const startMs = tx ? tx.startUtcMs : assumedStartMs;
      limit = this.#stackLimitA("TxDefaultProfile", connectorId, tMs, startMs, undefined);
      if (Number.isNaN(limit)) limit = this.#stackLimitA("TxDefaultProfile", 0, tMs, startMs, undefined);
    }
    if (Number.isNaN(limit)) {
      this.#phases = 0;
      return Infinity;
    }
    return limit;
  }

  /** L_max (A per phase, Infinity: none); sets #phases. */
  #maxLimitA(tMs: number): number {
    const limit = this.#stackLimitA("ChargePointMaxProfile", 0, tMs, NaN, undefined);
    if (Number.isNaN(limit)) {
      this.#phases = 0;
      return Infinity;
    }
    return limit;
  }

  /** min(own L_tx, water-filled share of L_max) for a connector; sets #phases. */
  #sharedLimitA(connectorId: number, tMs: number, assumedStartMs: number): number {
    const maxA = this.#maxLimitA(tMs);
    const maxPhases = this.#phases;
    const ownA = this.#txLimitA(connectorId, tMs, assumedStartMs);
    const ownPhases = this.#phases;
    if (maxA === Infinity) return ownA;

    // Participants: connectors with a running transaction, and this one.
    const demand = this.#demandA;
    const done = this.#done;
    let left = 0;
    for (let c = 1; c <= this.numberOfConnectors; c++) {
      done[c] = 1;
      if (c === connectorId) {
        demand[c] = ownA;
      } else if (this.#transactions.activeTransaction(c)) {
        demand[c] = this.#txLimitA(c, tMs, assumedStartMs);
      } else continue;
      done[c] = 0;
      left++;
    }
    // Water-filling: the smallest demands are served first, each at most an equal share of what remains.
    let remainingA = maxA;
    let shareA = ownA;
    for (let round = 0; round < left; round++) {
      let pick = -1;
      for (let c = 1; c <= this.numberOfConnectors; c++) {
        if (done[c] === 0 && (pick < 0 || demand[c] < demand[pick])) pick = c;
      }
      if (pick < 0) break;
      const participants = left - round;
      const allocA = Math.min(demand[pick], remainingA / participants);
      if (pick === connectorId) {
        shareA = allocA;
        break;
      }
      remainingA -= allocA;
      done[pick] = 1;
    }
    this.#phases = shareA < ownA ? maxPhases : ownPhases;
    return shareA;
  }

  /** The limit the composite reports for a connector (0 = charge point); sets #phases. */
  #compositeLimitA(connectorId: number, tMs: number, assumedStartMs: number): number {
    if (connectorId > 0) {
      const limitA = this.#sharedLimitA(connectorId, tMs, assumedStartMs);
      if (limitA <= this.connectorMaxCurrentA) return limitA;
      this.#phases = 0;
      return this.connectorMaxCurrentA;
    }
    let sumA = 0;
    for (let c = 1; c <= this.numberOfConnectors; c++) {
      sumA += Math.min(this.connectorMaxCurrentA, this.#txLimitA(c, tMs, assumedStartMs));
    }
    const maxA = this.#maxLimitA(tMs);
    if (maxA <= sumA) return maxA;
    this.#phases = 0;
    return sumA;
  }

  /** Earliest change after `tMs` of any installed profile, anchored as the evaluation anchors it. */
  #nextChangeMs(tMs: number, assumedStartMs: number): number {
    let next = Infinity;
    const profiles = this.#profiles;
    for (let i = 0; i < profiles.length; i++) {
      const profile = profiles[i];
      let at = Infinity;
      if (profile.purpose === "ChargePointMaxProfile") {
        at = nextBoundaryMs(profile, tMs, profile.installedAtMs);
      } else if (profile.connectorId > 0) {
        const tx = this.#transactions.activeTransaction(profile.connectorId);
        const anchor = tx ? tx.startUtcMs : profile.purpose === "TxProfile" ? NaN : assumedStartMs;
        at = nextBoundaryMs(profile, tMs, anchor);
      } else if (profile.kind !== "Relative") {
        at = nextBoundaryMs(profile, tMs, NaN);
      } else {
        // A Relative TxDefaultProfile on connector 0 runs from each connector's own start.
        for (let c = 1; c <= this.numberOfConnectors; c++) {
          const tx = this.#transactions.activeTransaction(c);
          const candidate = nextBoundaryMs(profile, tMs, tx ? tx.startUtcMs : assumedStartMs);
          if (candidate < at) at = candidate;
        }
      }
      if (at < next) next = at;
    }
    return next;
  }

  // ---- bookkeeping ----

  #checkConnector(connectorId: number, allowZero: boolean): void {
    if (!Number.isInteger(connectorId) || connectorId < (allowZero ? 0 : 1) || connectorId > this.numberOfConnectors) {
      throw new OcppCallError("PropertyConstraintViolation", `connectorId ${connectorId} does not exist`);
    }
  }

  /** The configuration-key limits [reference §3.4]; a reason when one is broken. */
  #checkSettings(source: ChargingProfile): string | undefined {
    if (source.stackLevel > this.settings.maxStackLevel) return "stackLevel above ChargeProfileMaxStackLevel";
    const periods = source.chargingSchedule.chargingSchedulePeriod;
    if (Array.isArray(periods) && periods.length > this.settings.maxPeriods) return "more periods than ChargingScheduleMaxPeriods";
    const unit = source.chargingSchedule.chargingRateUnit;
    const allowed = unit === "A" ? "Current" : unit === "W" ? "Power" : undefined;
    if (!allowed || this.settings.allowedUnits.indexOf(allowed) < 0)
      return "chargingRateUnit not in ChargingScheduleAllowedChargingRateUnit";
    return undefined;
  }

  /** Profiles a new one replaces: same id, or same connector + purpose + stackLevel [SPEC 3.13.2]. */
  #replacedBy(profile: InstalledProfile): InstalledProfile[] {
    const replaced: InstalledProfile[] = [];
    for (let i = 0; i < this.#profiles.length; i++) {
      const other = this.#profiles[i];
      if (
        other.id === profile.id ||
        (other.connectorId === profile.connectorId && other.purpose === profile.purpose && other.stackLevel === profile.stackLevel)
      ) {
        replaced.push(other);
      }
    }
    return replaced;
  }

  #pendingCount(): number {
    let count = 0;
    for (let c = 1; c <= this.numberOfConnectors; c++) if (this.#pending[c]) count++;
    return count;
  }

  /** Writes a record; returns a reason when the store refused it. */
  #persist(key: string, profile: InstalledProfile): string | undefined {
    const record: ProfileRecord = {
      connectorId: profile.connectorId,
      seq: profile.seq,
      installedAtMs: profile.installedAtMs,
      profile: profile.source,
    };
    try {
      this.#store.write(key, record);
      return undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#log?.warn(`cannot store charging profile ${profile.id}: ${message}`);
      return "cannot store the profile";
    }
  }

  #forget(key: string): void {
    try {
      this.#store.remove(key);
    } catch (error) {
      this.#log?.warn(`cannot delete ${key}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Removes profiles from memory and store; `keptKey` is the id whose key was just rewritten. */
  #removeProfiles(removed: readonly InstalledProfile[], keptId: number | undefined): void {
    if (removed.length === 0) return;
    this.#profiles = this.#profiles.filter((profile) => removed.indexOf(profile) < 0);
    for (let i = 0; i < removed.length; i++) {
      if (removed[i].id !== keptId) this.#forget(profileKey(removed[i].id));
    }
  }

  #insert(profile: InstalledProfile): void {
    this.#profiles.push(profile);
    this.#profiles.sort((a, b) => b.stackLevel - a.stackLevel || b.seq - a.seq);
  }

  /** Tells the loop; with a ChargePointMaxProfile shared, one connector's change moves the others' shares too. */
  #notify(connectorId: number): void {
    if (!this.#onLimitChanged) return;
    let affected = connectorId;
    for (let i = 0; i < this.#profiles.length && affected !== 0; i++) {
      if (this.#profiles[i].purpose === "ChargePointMaxProfile") affected = 0;
    }
    this.#onLimitChanged(affected);
  }

  /** Reads the stored profiles at boot, dropping unreadable and superseded records. */
  #load(): void {
    const { records, broken } = this.#store.readAll();
    for (let i = 0; i < broken.length; i++) {
      this.#log?.warn(`dropping unreadable charging profile record ${broken[i]}`);
      this.#forget(broken[i]);
    }
    records.sort((a, b) => a.record.seq - b.record.seq);
    for (let i = 0; i < records.length; i++) {
      const { key, record } = records[i];
      const compiled = compileProfile(record.connectorId, record.profile, record.installedAtMs, record.seq);
      if (record.seq >= this.#nextSeq) this.#nextSeq = record.seq + 1;
      if (typeof compiled === "string" || record.connectorId < 0 || record.connectorId > this.numberOfConnectors) {
        this.#log?.warn(`dropping stored charging profile ${key}: ${typeof compiled === "string" ? compiled : "bad connector"}`);
        this.#forget(key);
        continue;
      }
      if (key[0] === "r") {
        if (compiled.connectorId > 0 && key === pendingKey(compiled.connectorId)) this.#pending[compiled.connectorId] = compiled;
        else this.#forget(key);
        continue;
      }
      if (key !== profileKey(compiled.id)) {
        this.#forget(key);
        continue;
      }
      // Records come oldest first: a newer one replaces what it conflicts with (a cut mid-replacement).
      this.#removeProfiles(this.#replacedBy(compiled), compiled.id);
      this.#insert(compiled);
    }
  }
}

function rejected(reason: string): SetProfileResult {
  return { status: "Rejected", reason };
}
