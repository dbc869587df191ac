/**
 * A protocol monitor: watches every OCPP-J 1.6 frame between one charger and
 * a CSMS (as the CSMS sees them) and reports breaches of rules that span
 * several messages, which no JSON schema can check: answers, boot gate,
 * transaction delivery (once, in order, consistent meter values), the status
 * transition table and its consistency with transactions, timestamps.
 * The rules and their spec sections are listed in docs/protocol-rules.md.
 *
 * Plain TypeScript, no I/O: the test CSMS and the development CSMS feed it
 * frames; tests fail on its violations (tests/support/monitor-hooks.ts), the
 * development CSMS logs them.
 */

export const MONITOR_RULES = {
  "answer-once": "every CALL answered exactly once, answers only to CALLs of this connection [J 4.1.1, 4.2]",
  "boot-first": "nothing but BootNotification (and triggered messages) before BootNotification Accepted [SPEC 4.2]",
  "tx-duplicate": "a transaction message the CSMS answered is never delivered again [SPEC 3.7, 4.6 of the reference]",
  "tx-order": "transaction messages are delivered in the order they happened [SPEC 3.7]",
  "tx-unknown-id": "MeterValues/StopTransaction carry a transactionId the CSMS handed out (or -1) [SPEC 4.7, ERR 3.18]",
  "tx-stop-once": "each transaction is stopped once [SPEC 4.8]",
  "tx-overlap": "a connector has one transaction at a time: no StartTransaction while one is open on it [SPEC 4.4]",
  "meter-stop-below-start": "meterStop is not below meterStart [SPEC 6.49, ERR 3.9]",
  "meter-decreasing": "the energy register never decreases within a transaction [SPEC 3.16.2 Energy.*.Register]",
  "status-transition": "connector status changes follow the transition table [SPEC 4.9, ERR 3.20]",
  "status-connector0": "connector 0 is only Available, Unavailable or Faulted [SPEC 4.9]",
  "status-charging-without-tx": "no Charging on a connector before its StartTransaction was delivered [SPEC 4.9, 4.4 step 3]",
  "status-available-with-tx": "no Available on a connector while its transaction is open (StopTransaction not delivered) [SPEC 4.9, 4.8]",
  "frame-after-close": "no frame from the charger after the CSMS asked to close the connection [RFC 6455 1.4]",
  "timestamp-before-2020": "once the CSMS set the clock, timestamps the charger sends are real (after 2020) [SPEC 4.2.1, 3.15]",
  "bad-frame": "every frame is an OCPP-J CALL, CALLRESULT or CALLERROR [J 4.1]",
} as const;

export type MonitorRule = keyof typeof MONITOR_RULES;

export type MonitorDirection = "cp-to-csms" | "csms-to-cp";

export interface MonitorViolation {
  rule: MonitorRule;
  /** Who: the label of the monitor (charger identity). */
  charger: string;
  message: string;
  /** The frame that revealed it (truncated). */
  frame?: string;
  /** Marked expected by the test (`expect`). */
  expected: boolean;
}

/** Allowed status transitions for connectorId > 0: [from][to] [SPEC 4.9 + ERR 3.20]. */
const ALLOWED_TRANSITIONS: Readonly<Record<string, readonly string[]>> = {
  Available: ["Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Reserved", "Unavailable", "Faulted"],
  Preparing: ["Available", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing", "Faulted"],
  Charging: ["Available", "SuspendedEV", "SuspendedEVSE", "Finishing", "Unavailable", "Faulted"],
  SuspendedEV: ["Available", "Charging", "SuspendedEVSE", "Finishing", "Unavailable", "Faulted"],
  SuspendedEVSE: ["Available", "Charging", "SuspendedEV", "Finishing", "Unavailable", "Faulted"],
  Finishing: ["Available", "Preparing", "Unavailable", "Faulted"],
  Reserved: ["Available", "Preparing", "Unavailable", "Faulted"],
  Unavailable: ["Available", "Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Faulted"],
  Faulted: ["Available", "Preparing", "Charging", "SuspendedEV", "SuspendedEVSE", "Finishing", "Reserved", "Unavailable"],
};

const CONNECTOR0_STATUSES = ["Available", "Unavailable", "Faulted"];

/** 2020-01-01T00:00:00Z: a timestamp before it is not a real time. */
export const REAL_TIME_FLOOR_MS = Date.UTC(2020, 0, 1);

/** Register readings may differ by rounding (meterStart is whole Wh). */
const REGISTER_TOLERANCE_WH = 1;

/** A clock set that moves the charger back by more than this forgets the MeterValues contents seen (ms). */
const CLOCK_BACK_TOLERANCE_MS = 1000;

/** Answered transaction MeterValues remembered for the duplicate check. */
const REMEMBERED_METER_VALUES = 2000;

interface OpenCall {
  action: string;
  payload: Record<string, unknown>;
}

interface TxView {
  key: string;
  connectorId: number;
  meterStartWh: number;
  transactionId?: number;
  /** Highest register reading so far (Wh). */
  registerWh: number;
  /** StartTransaction answered with a CALLRESULT. */
  answered: boolean;
  stopped: boolean;
}

/** An OCPP-J frame as the monitor reads it: a payload that is not an object reads as {}. */
export type MonitorFrame =
  | { kind: "call"; id: string; action: string; payload: Record<string, unknown> }
  | { kind: "result"; id: string; payload: Record<string, unknown> }
  | { kind: "error"; id: string }
  | { kind: "bad"; why: string };

/** Reads a frame without judging it (the chaos CSMS reads the charger's frames with it too). */
export function readFrame(text: string): MonitorFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "bad", why: "not JSON" };
  }
  if (!Array.isArray(value) || typeof value[1] !== "string") return { kind: "bad", why: "not an OCPP-J array with a message id" };
  const payloadOf = (p: unknown): Record<string, unknown> =>
    p !== null && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  switch (value[0]) {
    case 2:
      if (typeof value[2] !== "string") return { kind: "bad", why: "CALL without action" };
      return { kind: "call", id: value[1], action: value[2], payload: payloadOf(value[3]) };
    case 3:
      return { kind: "result", id: value[1], payload: payloadOf(value[2]) };
    case 4:
      return { kind: "error", id: value[1] };
    default:
      return { kind: "bad", why: `unknown message type ${String(value[0])}` };
  }
}

/** Same connector, timestamp and meterStart: the same StartTransaction. */
function startKey(payload: Record<string, unknown>): string {
  return `${Number(payload.connectorId)}|${String(payload.timestamp)}|${Number(payload.meterStart)}`;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Energy.Active.Import.Register readings (Wh) of a meterValue list, in order. */
function registerReadings(meterValues: unknown): number[] {
  const out: number[] = [];
  if (!Array.isArray(meterValues)) return out;
  for (const mv of meterValues as Array<{ sampledValue?: unknown }>) {
    if (!Array.isArray(mv?.sampledValue)) continue;
    for (const sv of mv.sampledValue as Array<Record<string, unknown>>) {
      const measurand = sv.measurand ?? "Energy.Active.Import.Register";
      if (measurand !== "Energy.Active.Import.Register" || sv.phase !== undefined) continue;
      if (sv.location !== undefined && sv.location !== "Outlet") continue;
      const value = Number(sv.value);
      if (!Number.isFinite(value)) continue;
      out.push(sv.unit === "kWh" ? value * 1000 : value);
    }
  }
  return out;
}

function earliestTimestamp(meterValues: unknown): number | undefined {
  if (!Array.isArray(meterValues)) return undefined;
  let earliest: number | undefined;
  for (const mv of meterValues as Array<{ timestamp?: unknown }>) {
    const t = timeOf(mv?.timestamp);
    if (t !== undefined && (earliest === undefined || t < earliest)) earliest = t;
  }
  return earliest;
}

/** Messages a TriggerMessage / ExtendedTriggerMessage may ask for (sent also while Pending). */
const TRIGGER_NAMES: Readonly<Record<string, string>> = {
  SignChargePointCertificate: "SignCertificate",
};

export type ViolationListener = (violation: MonitorViolation) => void;

/**
 * Monitors created while a registry listens (tests): see `watchMonitors`.
 */
const creationListeners: Array<(monitor: ProtocolMonitor) => void> = [];

/** Calls `listener` with every monitor created from now on; returns a function that stops it. */
export function watchMonitors(listener: (monitor: ProtocolMonitor) => void): () => void {
  creationListeners.push(listener);
  return () => {
    const index = creationListeners.indexOf(listener);
    if (index >= 0) creationListeners.splice(index, 1);
  };
}

export class ProtocolMonitor {
  readonly label: string;
  readonly violations: MonitorViolation[] = [];
  readonly #listeners: ViolationListener[] = [];
  readonly #expected = new Map<MonitorRule, number>();
  // connection
  #connection = 0;
  #closeRequested = false;
  readonly #fromCharger = new Map<string, OpenCall>();
  readonly #fromCsms = new Map<string, OpenCall>();
  readonly #answered = new Set<string>();
  // registration
  #bootAccepted = false;
  #clockSet = false;
  readonly #triggered = new Set<string>();
  // transactions
  readonly #starts = new Map<string, TxView>();
  readonly #byId = new Map<number, TxView>();
  readonly #open = new Map<number, TxView>(); // by connector
  readonly #answeredMeterValues = new Set<string>();
  #lastTxMessageMs: number | undefined;
  readonly #now: () => number;
  /** How far ahead of the CSMS's clock the charger's was in its latest timestamp (ms). */
  #chargerLeadMs = 0;
  /** How far a clock set moved the charger's clock back: messages queued before carry the old clock. */
  #orderSlackMs = 0;
  // statuses
  readonly #status = new Map<number, string>();

  /**
   * `unwatched`: not announced to `watchMonitors` (the monitor's own unit tests provoke violations).
   * `now`: the CSMS's clock (ms), to tell how far the charger's clock is off.
   */
  constructor(label: string, options: { unwatched?: boolean; now?: () => number } = {}) {
    this.label = label;
    this.#now = options.now ?? Date.now;
    if (!options.unwatched) for (const listener of creationListeners) listener(this);
  }

  /** Calls `listener` on every violation (the development CSMS logs them). */
  onViolation(listener: ViolationListener): void {
    this.#listeners.push(listener);
  }

  /**
   * A test that provokes this on purpose (e.g. a CSMS that drops answers):
   * the next `count` violations of `rule` are recorded as expected.
   */
  expect(rule: MonitorRule, count = 1): void {
    this.#expected.set(rule, (this.#expected.get(rule) ?? 0) + count);
  }

  /** Its CSMS closed: no more frames (a test registry may stop watching it). */
  retired = false;

  retire(): void {
    this.retired = true;
  }

  /** Violations not marked expected. */
  unexpected(): MonitorViolation[] {
    return this.violations.filter((v) => !v.expected);
  }

  /**
   * The CSMS's own clock was stepped by `deltaMs` (an NTP correction, an operator): the charger's
   * clock, unchanged, is now `-deltaMs` further ahead of it, and a clock set that follows moves
   * the charger's clock back by that much (`tx-order` allows it then).
   */
  csmsClockMoved(deltaMs: number): void {
    this.#chargerLeadMs -= deltaMs;
  }

  /** A new WebSocket connection of this charger; returns its number for `closeRequested`/`disconnected`. */
  connected(): number {
    this.#connection++;
    this.#closeRequested = false;
    this.#fromCharger.clear();
    this.#fromCsms.clear();
    this.#answered.clear();
    // Statuses of an offline period are not replayed [SPEC 4.9]: the first one of a connection starts afresh.
    this.#status.clear();
    return this.#connection;
  }

  /** The CSMS asked to close the connection (an older, replaced one: ignored). */
  closeRequested(connection = this.#connection): void {
    if (connection === this.#connection) this.#closeRequested = true;
  }

  /** The connection is gone: CALLs still open will never be answered on it. */
  disconnected(connection = this.#connection): void {
    if (connection !== this.#connection) return;
    // A StartTransaction the CSMS never answered opened no transaction there: its resend is no duplicate.
    for (const call of this.#fromCharger.values()) {
      if (call.action !== "StartTransaction") continue;
      const key = startKey(call.payload);
      const tx = this.#starts.get(key);
      if (!tx || tx.answered) continue;
      this.#starts.delete(key);
      if (this.#open.get(tx.connectorId) === tx) this.#open.delete(tx.connectorId);
    }
    this.#fromCharger.clear();
    this.#fromCsms.clear();
  }

  /** One frame on the wire. */
  frame(direction: MonitorDirection, text: string): void {
    if (direction === "cp-to-csms" && this.#closeRequested) {
      this.#report("frame-after-close", "frame after the CSMS asked to close", text);
    }
    const frame = readFrame(text);
    if (frame.kind === "bad") {
      this.#report("bad-frame", frame.why, text);
      return;
    }
    const [mine, theirs] = direction === "cp-to-csms" ? [this.#fromCharger, this.#fromCsms] : [this.#fromCsms, this.#fromCharger];
    if (frame.kind === "call") {
      if (mine.has(frame.id)) this.#report("answer-once", `message id ${frame.id} reused while its CALL is open`, text);
      if (direction === "cp-to-csms") this.#chargerCall(frame.action, frame.payload, text);
      mine.set(frame.id, { action: frame.action, payload: frame.payload });
      return;
    }
    const call = theirs.get(frame.id);
    if (!call) {
      const why = this.#answered.has(`${direction}|${frame.id}`) ? "answered twice" : "answers no open CALL of this connection";
      this.#report("answer-once", `${frame.kind === "result" ? "CALLRESULT" : "CALLERROR"} ${frame.id} ${why}`, text);
      return;
    }
    theirs.delete(frame.id);
    this.#answered.add(`${direction}|${frame.id}`);
    if (direction === "csms-to-cp") this.#csmsAnswered(call, frame.kind === "result" ? frame.payload : undefined);
    else if (frame.kind === "result") this.#chargerAnswered(call, frame.payload);
  }

  // ---- charger → CSMS ----

  /** Checked before the CALL joins the open ones: `#fromCharger` holds the earlier CALLs only. */
  #chargerCall(action: string, payload: Record<string, unknown>, text: string): void {
    if (action === "BootNotification") {
      // A (re)boot: the gate closes, the clock is unknown, statuses start afresh.
      this.#bootAccepted = false;
      this.#clockSet = false;
      this.#triggered.clear();
      this.#status.clear();
      return;
    }
    if (!this.#bootAccepted && !this.#triggered.has(action)) {
      this.#report("boot-first", `${action} before BootNotification was Accepted`, text);
    }
    this.#checkTimestamps(action, payload, text);
    switch (action) {
      case "StartTransaction":
        this.#start(payload, text);
        return;
      case "StopTransaction":
        this.#stop(payload, text);
        return;
      case "MeterValues":
        this.#meterValues(payload, text);
        return;
      case "StatusNotification":
        this.#statusNotification(payload, text);
        return;
      default:
        return;
    }
  }

  #checkTimestamps(action: string, payload: Record<string, unknown>, text: string): void {
    const stamps: number[] = [];
    const top = timeOf(payload.timestamp);
    if (top !== undefined) stamps.push(top);
    for (const list of [payload.meterValue, payload.transactionData]) {
      if (!Array.isArray(list)) continue;
      for (const mv of list as Array<{ timestamp?: unknown }>) {
        const t = timeOf(mv?.timestamp);
        if (t !== undefined) stamps.push(t);
      }
    }
    if (stamps.length > 0) this.#chargerLeadMs = Math.max(...stamps) - this.#now();
    if (!this.#clockSet) return;
    for (const t of stamps) {
      if (t < REAL_TIME_FLOOR_MS) {
        this.#report("timestamp-before-2020", `${action} timestamp ${new Date(t).toISOString()} after the clock was set`, text);
        return;
      }
    }
  }

  /** Transaction messages in the order they happened (by their timestamps, real ones only). */
  #inOrder(action: string, atMs: number | undefined, text: string): void {
    if (atMs === undefined || atMs < REAL_TIME_FLOOR_MS) return;
    const last = this.#lastTxMessageMs;
    if (last !== undefined && atMs + this.#orderSlackMs < last) {
      this.#report(
        "tx-order",
        `${action} of ${new Date(atMs).toISOString()} delivered after a transaction message of ${new Date(last).toISOString()}`,
        text,
      );
    }
    if (last === undefined || atMs > last) this.#lastTxMessageMs = atMs;
  }

  #start(payload: Record<string, unknown>, text: string): void {
    const connectorId = Number(payload.connectorId);
    const meterStartWh = Number(payload.meterStart);
    const key = startKey(payload);
    const earlier = this.#starts.get(key);
    // Answered, or still unanswered on this connection (the CSMS holds it and will answer): a duplicate.
    if (earlier?.answered || this.#openStart(key)) {
      this.#report(
        "tx-duplicate",
        `StartTransaction of connector ${connectorId} at ${String(payload.timestamp)} meterStart ${meterStartWh} delivered again (${earlier?.answered ? `transactionId ${String(earlier.transactionId)}` : "its first sending still unanswered"})`,
        text,
      );
      return; // the same transaction: keep the first view
    }
    this.#inOrder("StartTransaction", timeOf(payload.timestamp), text);
    const open = this.#open.get(connectorId);
    if (open && open !== earlier) {
      this.#report(
        "tx-overlap",
        `StartTransaction on connector ${connectorId} while transaction ${String(open.transactionId)} is open there`,
        text,
      );
    }
    const tx: TxView = earlier ?? { key, connectorId, meterStartWh, registerWh: meterStartWh, answered: false, stopped: false };
    this.#starts.set(key, tx);
    this.#open.set(connectorId, tx);
  }

  #openStart(key: string): boolean {
    for (const call of this.#fromCharger.values()) if (call.action === "StartTransaction" && startKey(call.payload) === key) return true;
    return false;
  }

  /** The transaction of a MeterValues/StopTransaction; undefined (and reported) when unknown. */
  #transaction(action: string, transactionId: number, text: string): TxView | undefined {
    if (transactionId === -1) return undefined; // start never delivered [ERR 3.18]
    const tx = this.#byId.get(transactionId);
    if (!tx) this.#report("tx-unknown-id", `${action} for transactionId ${transactionId}, which the CSMS never handed out`, text);
    return tx;
  }

  #register(tx: TxView, readingsWh: number[], what: string, text: string): void {
    for (const wh of readingsWh) {
      if (wh + REGISTER_TOLERANCE_WH < tx.registerWh) {
        this.#report(
          "meter-decreasing",
          `${what}: register ${wh} Wh below ${tx.registerWh} Wh earlier in transaction ${String(tx.transactionId)}`,
          text,
        );
      }
      if (wh > tx.registerWh) tx.registerWh = wh;
    }
  }

  #stop(payload: Record<string, unknown>, text: string): void {
    const transactionId = Number(payload.transactionId);
    const meterStopWh = Number(payload.meterStop);
    this.#inOrder("StopTransaction", timeOf(payload.timestamp), text);
    const tx = this.#transaction("StopTransaction", transactionId, text);
    if (!tx) return;
    if (tx.stopped) {
      this.#report("tx-stop-once", `transaction ${transactionId} stopped again`, text);
      return;
    }
    if (meterStopWh < tx.meterStartWh) {
      this.#report(
        "meter-stop-below-start",
        `transaction ${transactionId}: meterStop ${meterStopWh} Wh below meterStart ${tx.meterStartWh} Wh`,
        text,
      );
    }
    this.#register(tx, registerReadings(payload.transactionData), `StopTransaction.transactionData of ${transactionId}`, text);
    this.#register(tx, [meterStopWh], `meterStop of ${transactionId}`, text);
    tx.stopped = true;
    if (this.#open.get(tx.connectorId) === tx) this.#open.delete(tx.connectorId);
  }

  #meterValues(payload: Record<string, unknown>, text: string): void {
    if (payload.transactionId === undefined) return; // not a transaction message
    const transactionId = Number(payload.transactionId);
    const key = `${String(payload.connectorId)}|${transactionId}|${JSON.stringify(payload.meterValue)}`;
    if (this.#answeredMeterValues.has(key)) {
      this.#report("tx-duplicate", `MeterValues of transaction ${transactionId} delivered again`, text);
      return;
    }
    this.#inOrder("MeterValues", earliestTimestamp(payload.meterValue), text);
    const tx = this.#transaction("MeterValues", transactionId, text);
    if (!tx) return;
    if (tx.stopped) this.#report("tx-order", `MeterValues of transaction ${transactionId} after its StopTransaction`, text);
    this.#register(tx, registerReadings(payload.meterValue), `MeterValues of ${transactionId}`, text);
  }

  #statusNotification(payload: Record<string, unknown>, text: string): void {
    const connectorId = Number(payload.connectorId);
    const status = String(payload.status);
    if (connectorId === 0) {
      if (CONNECTOR0_STATUSES.indexOf(status) < 0) this.#report("status-connector0", `connector 0 reported ${status}`, text);
      return;
    }
    const previous = this.#status.get(connectorId);
    if (previous !== undefined && previous !== status && (ALLOWED_TRANSITIONS[previous] ?? []).indexOf(status) < 0) {
      this.#report("status-transition", `connector ${connectorId}: ${previous} → ${status} is not in the transition table`, text);
    }
    this.#status.set(connectorId, status);
    const open = this.#open.get(connectorId);
    if (status === "Charging" && !open) {
      this.#report("status-charging-without-tx", `connector ${connectorId} Charging before its StartTransaction was delivered`, text);
    }
    if (status === "Available" && open) {
      this.#report(
        "status-available-with-tx",
        `connector ${connectorId} Available while transaction ${String(open.transactionId)} is open`,
        text,
      );
    }
  }

  #chargerAnswered(call: OpenCall, payload: Record<string, unknown>): void {
    // A TriggerMessage the charger accepted lets that message through before Accepted (Pending) [SPEC 5.17].
    if ((call.action === "TriggerMessage" || call.action === "ExtendedTriggerMessage") && payload.status === "Accepted") {
      const requested = String(call.payload.requestedMessage);
      this.#triggered.add(TRIGGER_NAMES[requested] ?? requested);
    }
  }

  // ---- CSMS → charger ----

  #csmsAnswered(call: OpenCall, payload: Record<string, unknown> | undefined): void {
    switch (call.action) {
      case "BootNotification":
        if (payload?.status === "Accepted") this.#bootAccepted = true;
        this.#clockFrom(payload);
        return;
      case "Heartbeat":
        this.#clockFrom(payload);
        return;
      case "StartTransaction": {
        const key = startKey(call.payload);
        const tx = this.#starts.get(key);
        if (!tx) return;
        if (!payload) {
          // CALLERROR: the CSMS opened nothing; a retry is not a duplicate.
          this.#starts.delete(key);
          if (this.#open.get(tx.connectorId) === tx) this.#open.delete(tx.connectorId);
          return;
        }
        const transactionId = Number(payload.transactionId);
        tx.answered = true;
        tx.transactionId = transactionId;
        this.#byId.set(transactionId, tx);
        return;
      }
      case "MeterValues": {
        if (!payload || call.payload.transactionId === undefined) return;
        const key = `${String(call.payload.connectorId)}|${Number(call.payload.transactionId)}|${JSON.stringify(call.payload.meterValue)}`;
        this.#answeredMeterValues.add(key);
        if (this.#answeredMeterValues.size > REMEMBERED_METER_VALUES) {
          const oldest = this.#answeredMeterValues.values().next().value;
          if (oldest !== undefined) this.#answeredMeterValues.delete(oldest);
        }
        return;
      }
      default:
        return;
    }
  }

  #clockFrom(payload: Record<string, unknown> | undefined): void {
    const t = timeOf(payload?.currentTime);
    if (t === undefined || t < REAL_TIME_FLOOR_MS) return;
    this.#clockSet = true;
    // A clock set back by Δ (the charger ran Δ ahead): events after it may carry times up to Δ
    // earlier than messages queued before it.
    const aheadMs = this.#chargerLeadMs - (t - this.#now());
    // Set-backs add up: after two of an hour each, a new message may be two hours earlier than one
    // delivered before the first (chaos seed 30004). Small corrections only widen to the largest.
    if (aheadMs > CLOCK_BACK_TOLERANCE_MS) this.#orderSlackMs += aheadMs;
    else if (aheadMs > this.#orderSlackMs) this.#orderSlackMs = aheadMs;
    this.#chargerLeadMs = t - this.#now(); // the charger's clock follows the set
    // Moved back: a new sample may now carry the time and value of an earlier one (the same
    // content, not the same message), so content no longer tells a resend (chaos seed 2773).
    if (aheadMs > CLOCK_BACK_TOLERANCE_MS) this.#answeredMeterValues.clear();
  }

  #report(rule: MonitorRule, message: string, frame?: string): void {
    const left = this.#expected.get(rule) ?? 0;
    if (left > 0) this.#expected.set(rule, left - 1);
    const violation: MonitorViolation = { rule, charger: this.label, message, expected: left > 0 };
    if (frame !== undefined) violation.frame = frame.length > 400 ? `${frame.slice(0, 400)}…` : frame;
    this.violations.push(violation);
    for (const listener of this.#listeners) listener(violation);
  }
}

/** One line per violation, for an assertion message or a log. */
export function formatViolations(violations: readonly MonitorViolation[]): string {
  return violations.map((v) => `[${v.rule}] ${v.charger}: ${v.message}${v.frame ? `\n    ${v.frame}` : ""}`).join("\n");
}
