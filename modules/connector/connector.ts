/**
 * One connector of the control loop: the IEC 61851-1 state machine with
 * X1/X2, debounce, Table A.6 timings, RCD self-test and trip policy, weld
 * supervision, lock, and the OCPP status it implies. `ControlLoop` owns the
 * instances and calls `sense`, then `actuate`, once per tick.
 *
 * Fixed allocation: every object is built in the constructor; the tick
 * methods only assign numbers, booleans and string constants.
 *
 * Safety rules (act in the tick the condition is first seen, no debounce):
 * - the raw pilot state leaves C/D (C->B, A, E, F, invalid) -> open;
 * - a blocking fault (RCD trip or failed self-test, weld, failed close,
 *   diode missing, pilot E/invalid, lock, HAL error) -> open, PWM off;
 * - PWM switched off while closed (permission withdrawn, unavailable,
 *   limit below 6 A) -> open when the EV goes to B, at the latest after
 *   `pwmOffOpenMs` (6 s).
 *
 * RCD policy (docs/control-loop.md, "RCD policy", says why): a self-test
 * runs before the first close of every session (plug-in to unplug), and
 * the RCD module is reset once at power-on. A trip or failed self-test
 * latches a fault (Faulted, GroundFailure). While the EV stays plugged,
 * after `rcdRetryDelayMs` the module is reset and, if it no longer trips,
 * the fault clears and a new self-test is required; at most
 * `rcdMaxRetries` times per session, then the fault stays until unplug.
 * Unplug resets the module at once: with the vehicle gone a cleared module
 * clears the fault; one that still trips (a fault in the charger itself)
 * stays Faulted and is retried every `rcdRetryDelayMs`, with no limit
 * since no energy can flow without an EV. `clearFaults()` resets at once.
 *
 * Weld: the contactor driver reports "welded" when power remains after an
 * open; it is permanent until `clearFaults()`. A failed close latches until
 * unplug or `clearFaults()`. A missing diode latches until unplug.
 *
 * Lock: commanded while a permitted session is plugged in (and while
 * closed); the status stays Preparing until the feedback confirms it
 * ("locked" event), and the contactor never closes before. A lock that
 * does not lock in its rated time (half-inserted plug) latches Fault.Lock
 * (Faulted, ConnectorLockFailure) until unplug and emits "lockFailed".
 * When the EV side disconnects with the lock engaged, the lock stays engaged
 * (OCPP UnlockConnectorOnEVSideDisconnect false, or a transaction that goes
 * on with StopTransactionOnEVSideDisconnect false [SPEC 4.10]) until
 * UnlockConnector, the next plug-in (whose session rules then apply), or -
 * with the key true - the end of the transaction.
 *
 * Temperature (optional sensor): above `tempDerateStartC` the offer is
 * capped linearly from the connector's maximum down to 6 A at
 * `tempDerateEndC` (a decrease applies at once); at `tempTripC`, or when
 * the sensor reads invalid values while charging (closed, or EV ready with
 * PWM on), the contactor opens in that tick and Fault.Temperature latches
 * (Faulted, HighTemperature) until a valid reading is below `tempResetC`.
 */
import type { ConnectorHal } from "hal/board";
import { createContactorSample, type ContactorSample } from "hal/contactor";
import { createLockSample, type LockSample } from "hal/lock";
import { createMeterSample, type MeterSample } from "hal/meter";
import { createPilotSample, PILOT_MIN_AMPERES, type PilotSample, type PilotState } from "hal/pilot";
import { createRcdSample, type RcdSample } from "hal/rcd";
import { createTemperatureSample, type TemperatureSample } from "hal/temperature";
import type { LoopTiming } from "hal/board-description";
import { BLOCKING_FAULTS, Fault, type ConnectorEvent, type ConnectorEventHandler, type ConnectorSnapshot } from "connector/types";
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";

/** The in-place snapshot (mutable inside the loop, read-only outside). */
class Snapshot implements ConnectorSnapshot {
  readonly connectorId: number;
  pilotState: PilotState = "A";
  plugged = false;
  relayClosed = false;
  offeredA = 0;
  drawnA = 0;
  energyWh = 0;
  readonly meter: MeterSample = createMeterSample();
  status: ConnectorStatus = "Available";
  errorCode: ConnectorErrorCode = "NoError";
  faults = 0;
  selfTested = false;
  limitA = 0;
  temperatureC = NaN;
  temperatureCapA = Infinity;
  constructor(connectorId: number) {
    this.connectorId = connectorId;
  }
}

function isReadyState(state: PilotState): boolean {
  return state === "C" || state === "D";
}
function isPluggedState(state: PilotState): boolean {
  return state === "B" || state === "C" || state === "D";
}

export class Connector {
  /** OCPP connector id (1-based). */
  readonly id: number;
  /** Read-only view, updated in place every tick. */
  readonly snapshot: ConnectorSnapshot;
  /** Maximum by cable and ratings (A). */
  readonly hardwareMaxA: number;

  private readonly hal: ConnectorHal;
  private readonly timing: LoopTiming;
  private readonly onEvent: ConnectorEventHandler;
  private readonly snap: Snapshot;
  private readonly pilotSample: PilotSample = createPilotSample();
  private readonly contactorSample: ContactorSample = createContactorSample();
  private readonly rcdSample: RcdSample = createRcdSample();
  private readonly lockSample: LockSample = createLockSample();
  private readonly temperatureSample: TemperatureSample = createTemperatureSample();

  // Inputs from the OCPP side.
  private permitted = false;
  /** The session reached Charging/Suspended*: an unplug now is the EV side leaving it, not id-first waiting. */
  private pluggedWhilePermitted = false;
  private available = true;
  private reserved = false;
  private ocppLimitA = Infinity;
  /** The transaction goes on without energy (id invalidated, StopTransactionOnInvalidId false: OCTT TC_037_2). */
  private withheld = false;
  private unlockRequested = false;
  /** OCPP UnlockConnectorOnEVSideDisconnect (set when the key changes, never read from OCPP in the tick). */
  private unlockOnEvDisconnect = true;

  // Pilot debounce.
  private rawState: PilotState = "A";
  private candidate: PilotState = "A";
  private candidateSinceMs = 0;
  private stable: PilotState = "A";

  // Session and fault state.
  private latched = 0;
  private transient = 0;
  private rcdRetryAtMs = 0;
  private rcdRetries = 0;
  private selfTestRunning = false;
  private finishing = false;
  private closed = false;
  private pwmOn = false;
  private pwmOffSinceMs = -1;
  private offeredA = 0;
  private lastIncreaseMs = -Infinity;
  private activeSinceMs = 0;
  private demandCapA = Infinity;
  private underDrawSinceMs = -1;
  private lockWanted = false;
  private lockReported = false;
  /** "locked" was emitted since the permission began: a new session waiting for the lock gets its own. */
  private lockAnnounced = false;
  private lockFailReported = false;
  /** The lock stays engaged after the EV side disconnected (see the header). */
  private lockHeld = false;
  /** The RCD module was reset at the first sense (power-on: a trip latched before a reboot is judged anew). */
  private poweredOn = false;
  /** The running self-test verifies a reset after an RCD fault (see `verifyRcd`). */
  private rcdVerifying = false;
  /** The newest temperature reading is valid and below the trip (true without a sensor). */
  private temperaturePermits = true;

  constructor(id: number, hal: ConnectorHal, hardwareMaxA: number, timing: LoopTiming, onEvent: ConnectorEventHandler) {
    this.id = id;
    this.hal = hal;
    this.hardwareMaxA = hardwareMaxA;
    this.timing = timing;
    this.onEvent = onEvent;
    this.snap = new Snapshot(id);
    this.snapshot = this.snap;
    // The register as the meter restored it (chip or NVS), before the first tick: OCPP builds the
    // StopTransaction of a transaction cut by a power loss from it at boot (OCTT TC_032_2).
    if (hal.meter.sample(this.snap.meter)) this.snap.energyWh = this.snap.meter.energyImportWh;
  }

  // ---- OCPP-side state, read-only (monitors such as tools/safety/interlock.ts read it) ----

  /** The OCPP side permits charging (a transaction runs) and does not withhold energy. */
  get permissionGiven(): boolean {
    return this.permitted && !this.withheld;
  }
  /** ChangeAvailability's state: Operative. */
  get operative(): boolean {
    return this.available;
  }

  // ---- inputs (OCPP side; may be called any time outside the tick) ----

  /** An authorized transaction is active (or not): the EV may be charged. */
  setPermission(permitted: boolean): void {
    if (this.permitted && !permitted && this.snap.plugged && this.available) this.finishing = true;
    // The transaction that kept the lock after the EV left has ended (e.g. the user presented the id).
    if (this.permitted && !permitted && !this.snap.plugged && this.unlockOnEvDisconnect) this.lockHeld = false;
    // A new session (permission) waits for a "locked" of its own, also when the lock is still held (chaos seed 74).
    if (permitted && !this.permitted) this.lockAnnounced = false;
    if (permitted) {
      this.finishing = false;
      this.unlockRequested = false;
    }
    // A new permission (transaction) or its end clears a withheld transaction.
    if (permitted !== this.permitted) this.withheld = false;
    this.permitted = permitted;
    if (!permitted) this.pluggedWhilePermitted = false;
  }
  /**
   * Energy withheld while the transaction (permission) goes on: PWM off, the
   * contactor opens, status SuspendedEVSE, not Finishing [ERR 3.5; OCTT TC_037_2].
   */
  setEnergyWithheld(withheld: boolean): void {
    this.withheld = withheld;
  }
  /** ChangeAvailability: Operative (true) or Inoperative (false). */
  setAvailable(available: boolean): void {
    // The session that ended before going Inoperative is over: Operative again with the EV still
    // plugged is Preparing (Unavailable → Finishing is not in the table; chaos seed 1354).
    if (!available && !this.permitted) this.finishing = false;
    this.available = available;
  }
  /** A reservation is active on this connector. */
  setReserved(reserved: boolean): void {
    this.reserved = reserved;
  }
  /** Limit from OCPP smart charging in A (Infinity = none). */
  setOcppLimitA(limitA: number): void {
    this.ocppLimitA = limitA >= 0 ? limitA : 0;
  }
  /** OCPP UnlockConnectorOnEVSideDisconnect: false keeps the lock engaged when the EV side unplugs. */
  setUnlockOnEvSideDisconnect(unlock: boolean): void {
    this.unlockOnEvDisconnect = unlock;
    if (unlock && !this.permitted) this.lockHeld = false;
  }
  /** The lock is kept engaged after the EV side disconnected (UnlockConnectorOnEVSideDisconnect false). */
  lockHeldAfterEvDisconnect(): boolean {
    return this.lockHeld;
  }
  /** UnlockConnector: PWM off and open at once, then release the lock. False when there is no lock. */
  unlock(): boolean {
    if (!this.hal.lock) return false;
    this.lockHeld = false;
    // Without an EV the release needs no session state (a lingering request would block the next plug-in).
    if (this.snap.plugged) this.unlockRequested = true;
    return true;
  }
  /**
   * Maintenance: clears latched faults (weld, failed close, RCD, diode) and resets the RCD.
   * An over-temperature fault stays: it clears itself once the sensor reads below `tempResetC`.
   */
  clearFaults(nowMs: number): void {
    if ((this.latched & (Fault.RcdTrip | Fault.RcdSelfTest)) !== 0) {
      // The contactor is open while an RCD fault is latched: require a new self-test.
      this.selfTestRunning = false;
      this.rcdVerifying = false;
      this.snap.selfTested = false;
      this.hal.rcd.reset(nowMs);
    }
    this.latched &= Fault.Temperature;
    this.lockFailReported = false;
    this.rcdRetries = 0;
    this.hal.contactor.clearError();
  }

  // ---- used by ControlLoop ----

  /** Cap for the balancer (A): 0 when this connector does not want current. */
  demandA(): number {
    if (!this.wantsPower()) return 0;
    let cap = this.hardwareMaxA;
    if (this.ocppLimitA < cap) cap = this.ocppLimitA;
    if (this.demandCapA < cap) cap = this.demandCapA;
    if (this.snap.temperatureCapA < cap) cap = this.snap.temperatureCapA;
    return cap;
  }
  /** Balancer priority: connectors with a closed contactor first, then by activation time. */
  priority(): number {
    return (this.closed ? 0 : 1e12) + this.activeSinceMs;
  }

  /** Reads every part, updates faults and the debounced state, opens at once on a safety condition. */
  sense(nowMs: number): void {
    const hal = this.hal;
    const snap = this.snap;
    if (!this.poweredOn) {
      this.poweredOn = true;
      hal.rcd.reset(nowMs);
    }
    hal.pilot.poll(nowMs);
    hal.contactor.poll(nowMs);
    hal.rcd.poll(nowMs);
    hal.meter.poll(nowMs);
    if (hal.lock) {
      hal.lock.poll(nowMs);
      hal.lock.read(this.lockSample);
    }
    hal.pilot.read(this.pilotSample);
    hal.contactor.read(this.contactorSample);
    hal.rcd.read(this.rcdSample);

    // Meter (a failure is reported, it does not stop charging).
    if (hal.meter.sample(snap.meter)) {
      snap.energyWh = snap.meter.energyImportWh;
      const c = snap.meter.currentA;
      let drawn = c[0];
      if (c[1] > drawn) drawn = c[1];
      if (c[2] > drawn) drawn = c[2];
      snap.drawnA = drawn;
      this.transient &= ~Fault.Meter;
    } else {
      snap.drawnA = 0;
      this.transient |= Fault.Meter;
    }

    // Pilot: raw state unless we drive F ourselves (then nothing can be measured).
    const pilot = this.pilotSample;
    const wasPlugged = snap.plugged;
    if (pilot.drive !== "F") this.rawState = pilot.state;
    const raw = this.rawState;
    if (raw !== this.candidate) {
      this.candidate = raw;
      this.candidateSinceMs = nowMs;
    }
    if (this.stable !== this.candidate && nowMs - this.candidateSinceMs >= this.timing.debounceMs) {
      const before = this.stable;
      this.stable = this.candidate;
      if (isReadyState(this.stable) && !isReadyState(before) && isPluggedState(before)) this.emit("evReady");
      if (this.stable === "B" && isReadyState(before)) this.emit("evNotReady");
    }
    snap.pilotState = this.stable;

    let transient = this.transient & Fault.Meter;
    // E and out-of-range readings: open now, report once it persists.
    if (this.stable === "E" || this.stable === "invalid" || this.stable === "F") transient |= Fault.Pilot;
    if (pilot.error !== "none" || this.rcdSample.error !== "none") transient |= Fault.Hardware;
    if (hal.lock) {
      const lockSample = this.lockSample;
      // A failed lock (half-inserted plug, jam) latches until unplug: no power on this plug-in (OCTT TC_024).
      if (lockSample.error === "lock-failed") {
        this.latched |= Fault.Lock;
        if (!this.lockFailReported) {
          this.lockFailReported = true;
          this.emit("lockFailed");
        }
      } else if (lockSample.error !== "none") transient |= Fault.Lock;
      // Confirmed for the session that wants it: a lock found locked (still commanded by an earlier
      // boot's parts) before anyone wanted it does not count, or the session that asks later would
      // never see its "locked" (and no StartTransaction) while the contactor closes (chaos seed 6).
      const lockedNow = lockSample.locked && lockSample.commandedLocked && this.lockWanted;
      if (lockedNow && (!this.lockReported || !this.lockAnnounced)) {
        this.emit("locked");
        this.lockAnnounced = true;
      }
      if (!lockedNow) this.lockAnnounced = false;
      this.lockReported = lockedNow;
    }
    this.transient = transient;

    // Diode: latched until unplug (only judged while PWM runs and the EV is plugged).
    if (pilot.diode === "missing" && isPluggedState(raw)) this.latched |= Fault.Diode;

    // Contactor supervision.
    const contactorError = this.contactorSample.error;
    if (contactorError === "welded") this.latched |= Fault.Welded;
    else if (contactorError === "failed-to-close") this.latched |= Fault.ContactorFailedToClose;

    // RCD: a trip or a failed self-test latches.
    const rcd = this.rcdSample;
    if (this.selfTestRunning) {
      if (rcd.selfTest === "passed" && !rcd.tripped) {
        this.selfTestRunning = false;
        // A verification after a reset passed: the module no longer trips, the fault is gone.
        if (this.rcdVerifying) this.latched &= ~(Fault.RcdTrip | Fault.RcdSelfTest);
        this.rcdVerifying = false;
        snap.selfTested = true;
        this.emit("selfTestPassed");
      } else if (rcd.selfTest === "passed") {
        // The test passed but the module trips once it watches again: the residual current is still there.
        this.latchRcd(Fault.RcdTrip, nowMs);
      } else if (rcd.selfTest === "failed") this.latchRcd(Fault.RcdSelfTest, nowMs);
    }
    if (rcd.tripped && (this.latched & Fault.RcdTrip) === 0) this.latchRcd(Fault.RcdTrip, nowMs);
    // Retry policy: reset the module and verify it with a self-test; the fault clears only when that
    // test passes without a trip, so a fault that persists stays Faulted (no Available/Faulted flapping).
    // Without an EV no energy can flow: a module that still trips is retried without a limit.
    if ((this.latched & (Fault.RcdTrip | Fault.RcdSelfTest)) !== 0 && !this.rcdVerifying && nowMs >= this.rcdRetryAtMs) {
      if (!snap.plugged || this.rcdRetries < this.timing.rcdMaxRetries) {
        if (snap.plugged) this.rcdRetries++;
        this.verifyRcd(nowMs);
      }
    }

    // Temperature: derate, trip and latch with hysteresis (before the safety check below).
    const sensor = hal.temperature;
    if (sensor) {
      sensor.poll(nowMs);
      sensor.read(this.temperatureSample);
      this.judgeTemperature(raw);
    }

    // Plug / unplug (debounced; unplug also opens at once below through the raw state).
    const plugged = isPluggedState(this.stable);
    if (plugged && !wasPlugged) {
      snap.plugged = true;
      this.startSession(nowMs);
      this.emit("plugged");
    } else if (!plugged && wasPlugged && this.stable === "A") {
      snap.plugged = false;
      // EV side disconnect with the lock engaged: keep it per UnlockConnectorOnEVSideDisconnect [SPEC 4.10].
      if (this.lockWanted && !this.unlockRequested && (!this.unlockOnEvDisconnect || this.permitted)) this.lockHeld = true;
      this.endSession(nowMs);
      this.emit("unplugged");
    }

    // Safety: open in this very tick.
    if (this.closed) {
      if (!isReadyState(raw) || ((this.latched | this.transient) & BLOCKING_FAULTS) !== 0 || rcd.tripped) {
        this.open(nowMs);
      }
    }
    snap.faults = this.latched | this.transient;
  }

  /** Applies the balancer's share, drives PWM, lock and contactor, and updates the status. */
  actuate(nowMs: number, shareA: number): void {
    const hal = this.hal;
    const snap = this.snap;
    const faults = this.latched | this.transient;
    const blocked = (faults & BLOCKING_FAULTS) !== 0;
    snap.limitA = shareA;

    // Offered current: decreases at once, increases at most every limitIncreaseHoldMs.
    const wantsPower = this.wantsPower();
    let offer = wantsPower && shareA >= PILOT_MIN_AMPERES ? shareA : 0;
    if (offer > this.offeredA && this.offeredA > 0 && nowMs - this.lastIncreaseMs < this.timing.limitIncreaseHoldMs) {
      offer = this.offeredA;
    }
    if (offer !== this.offeredA) {
      if (offer > this.offeredA) this.lastIncreaseMs = nowMs;
      this.offeredA = offer;
      snap.offeredA = offer;
      if (offer > 0) hal.pilot.setPwm(offer);
      this.emit("limitChanged");
    }
    if (offer > 0) {
      this.pwmOn = true;
      this.pwmOffSinceMs = -1;
    } else {
      if (this.pwmOn) hal.pilot.setSteady();
      this.pwmOn = false;
      if (this.closed && this.pwmOffSinceMs < 0) this.pwmOffSinceMs = nowMs;
    }

    // Demand tracking: an EV taking clearly less than offered (or nothing, in B) gives the rest back.
    const margin = this.timing.reclaimMarginA;
    if (offer > 0 && snap.drawnA < offer - margin) {
      if (this.underDrawSinceMs < 0) this.underDrawSinceMs = nowMs;
      else if (nowMs - this.underDrawSinceMs >= this.timing.reclaimHoldMs) {
        const cap = snap.drawnA + margin;
        this.demandCapA = cap > PILOT_MIN_AMPERES ? cap : PILOT_MIN_AMPERES;
      }
    } else {
      this.underDrawSinceMs = -1;
      if (snap.drawnA >= this.demandCapA - margin / 2) this.demandCapA = Infinity;
    }

    // X2 -> C1: the EV should stop within 3 s; open at the latest after pwmOffOpenMs.
    if (this.closed && !this.pwmOn && nowMs - this.pwmOffSinceMs >= this.timing.pwmOffOpenMs) this.open(nowMs);

    // Lock: locked while a session may deliver power; released on request once open.
    const lock = hal.lock;
    let lockOk = true;
    if (lock) {
      const wantLock = this.closed || (snap.plugged && this.permitted && !this.unlockRequested) || this.lockHeld;
      if (wantLock !== this.lockWanted) {
        this.lockWanted = wantLock;
        lock.setLocked(wantLock, nowMs);
      }
      lockOk = this.lockReported; // confirmed ("locked" emitted) in a tick before
    }

    // Close: EV ready (debounced and raw), PWM on, permitted, healthy, self-tested, locked, and a
    // valid temperature below the trip. The last is judged on this tick's reading: sense() latches
    // an invalid reading only once PWM was on, and PWM may have come on in this very tick.
    const ready = isReadyState(this.stable) && isReadyState(this.rawState);
    const healthy = !blocked && lockOk && !this.rcdSample.tripped && this.temperaturePermits;
    if (!this.closed && ready && this.pwmOn && wantsPower && healthy) {
      if (snap.selfTested) this.close(nowMs);
      else if (!this.selfTestRunning) {
        this.selfTestRunning = true;
        hal.rcd.startSelfTest(nowMs);
      }
    }
    // UnlockConnector is forced: open now so the lock never releases under power.
    if (this.closed && (blocked || !ready || this.unlockRequested)) this.open(nowMs);

    this.updateStatus(blocked);
  }

  // ---- internals ----

  private wantsPower(): boolean {
    return (
      this.permitted &&
      !this.withheld &&
      this.available &&
      !this.unlockRequested &&
      this.snap.plugged &&
      ((this.latched | this.transient) & BLOCKING_FAULTS) === 0
    );
  }

  /** Derating cap, trip and reset from the newest temperature reading; allocates nothing. */
  private judgeTemperature(raw: PilotState): void {
    const t = this.temperatureSample;
    const timing = this.timing;
    const snap = this.snap;
    if (!t.ok) {
      snap.temperatureC = NaN;
      this.temperaturePermits = false;
      // Charging (or about to close) without a usable reading is not allowed: latch like a trip.
      if (this.closed || (snap.plugged && this.permitted && this.pwmOn && isReadyState(raw))) {
        this.latched |= Fault.Temperature;
      }
      return;
    }
    const celsius = t.celsius;
    snap.temperatureC = celsius;
    this.temperaturePermits = celsius < timing.tempTripC;
    if (celsius >= timing.tempTripC) this.latched |= Fault.Temperature;
    else if ((this.latched & Fault.Temperature) !== 0 && celsius < timing.tempResetC) this.latched &= ~Fault.Temperature;
    // Linear derating, whole amperes rounded down (the PWM cannot express much finer anyway).
    const start = timing.tempDerateStartC;
    const end = timing.tempDerateEndC;
    let cap = Infinity;
    if (celsius >= end) cap = PILOT_MIN_AMPERES;
    else if (celsius > start) {
      const max = this.hardwareMaxA;
      cap = Math.floor(max - ((max - PILOT_MIN_AMPERES) * (celsius - start)) / (end - start));
      if (cap < PILOT_MIN_AMPERES) cap = PILOT_MIN_AMPERES;
    }
    snap.temperatureCapA = cap;
  }

  private latchRcd(bit: number, nowMs: number): void {
    this.latched |= bit;
    this.rcdRetryAtMs = nowMs + this.timing.rcdRetryDelayMs;
    this.snap.selfTested = false;
    this.selfTestRunning = false;
    this.rcdVerifying = false;
  }

  /** Resets the RCD module and self-tests it; a pass without a trip clears the latched RCD fault. */
  private verifyRcd(nowMs: number): void {
    this.rcdRetryAtMs = nowMs + this.timing.rcdRetryDelayMs;
    this.hal.rcd.reset(nowMs);
    this.hal.rcd.startSelfTest(nowMs);
    this.selfTestRunning = true;
    this.rcdVerifying = true;
  }

  private startSession(nowMs: number): void {
    this.activeSinceMs = nowMs;
    // The next plug-in hands a held lock back to the session rules (locked while permitted).
    this.lockHeld = false;
    this.snap.selfTested = false;
    this.demandCapA = Infinity;
    this.underDrawSinceMs = -1;
  }

  private endSession(nowMs: number): void {
    this.finishing = false;
    this.unlockRequested = false;
    this.snap.selfTested = false;
    this.selfTestRunning = false;
    this.rcdVerifying = false;
    this.latched &= ~(Fault.Diode | Fault.ContactorFailedToClose | Fault.Lock);
    this.lockFailReported = false;
    // A new session gets a new retry budget. The vehicle is gone: verify a latched RCD fault now; a
    // module that still trips stays Faulted (a fault of the charger, not of the EV).
    this.rcdRetries = 0;
    if ((this.latched & (Fault.RcdTrip | Fault.RcdSelfTest)) !== 0) this.verifyRcd(nowMs);
    this.demandCapA = Infinity;
    this.underDrawSinceMs = -1;
    if (this.contactorSample.error === "failed-to-close") this.hal.contactor.clearError();
  }

  private close(nowMs: number): void {
    this.closed = true;
    this.snap.relayClosed = true;
    this.hal.contactor.setClosed(true, nowMs);
    this.emit("relayClosed");
  }

  private open(nowMs: number): void {
    this.closed = false;
    this.snap.relayClosed = false;
    this.hal.contactor.setClosed(false, nowMs);
    if (this.pwmOffSinceMs >= 0 && !this.pwmOn) this.pwmOffSinceMs = -1;
    this.emit("relayOpened");
  }

  private updateStatus(blocked: boolean): void {
    const snap = this.snap;
    const faults = snap.faults;
    let status: ConnectorStatus;
    if (blocked) status = "Faulted";
    else if (!this.available) status = "Unavailable";
    else if (!snap.plugged) {
      // EV side unplugged in a session that goes on: SuspendedEV, not Preparing (C→B is not in the
      // transition table [SPEC 4.9]; reference 4.1, OCTT TC_005_3).
      if (this.permitted) status = this.pluggedWhilePermitted ? "SuspendedEV" : "Preparing";
      else status = this.reserved ? "Reserved" : "Available";
    } else if (this.finishing || this.unlockRequested) status = "Finishing";
    else if (!this.permitted) status = "Preparing";
    else if (this.lockWanted && !this.lockReported)
      status = "Preparing"; // waiting for the lock feedback
    else if (!this.pwmOn) status = "SuspendedEVSE";
    else if (isReadyState(this.stable)) status = "Charging";
    else status = "SuspendedEV";
    // A new transaction on a connector still Finishing goes through Preparing for one tick:
    // Finishing → Charging/Suspended* is not in the transition table [SPEC 4.9, ERR 3.20].
    if (snap.status === "Finishing" && (status === "Charging" || status === "SuspendedEV" || status === "SuspendedEVSE"))
      status = "Preparing";
    // Inoperative while Preparing goes through Available for one tick: Preparing → Unavailable is not in the table either.
    else if (snap.status === "Preparing" && status === "Unavailable") status = "Available";
    if (snap.plugged && (status === "Charging" || status === "SuspendedEV" || status === "SuspendedEVSE"))
      this.pluggedWhilePermitted = true;

    let code: ConnectorErrorCode = "NoError";
    if ((faults & (Fault.Welded | Fault.ContactorFailedToClose)) !== 0) code = "PowerSwitchFailure";
    else if ((faults & (Fault.RcdTrip | Fault.RcdSelfTest)) !== 0) code = "GroundFailure";
    else if ((faults & Fault.Temperature) !== 0) code = "HighTemperature";
    else if ((faults & (Fault.Diode | Fault.Pilot)) !== 0) code = "EVCommunicationError";
    else if ((faults & Fault.Lock) !== 0) code = "ConnectorLockFailure";
    else if ((faults & Fault.Hardware) !== 0) code = "InternalError";
    else if ((faults & Fault.Meter) !== 0) code = "PowerMeterFailure";

    const wasFaulted = snap.status === "Faulted";
    if (status === snap.status && code === snap.errorCode) return;
    const statusChanged = status !== snap.status;
    snap.status = status;
    snap.errorCode = code;
    this.emit("statusChanged");
    if (!statusChanged) return;
    if (status === "Faulted") this.emit("faulted");
    else if (wasFaulted) this.emit("faultCleared");
    if (status === "Charging") this.emit("charging");
    else if (status === "SuspendedEV") this.emit("suspendedEV");
    else if (status === "SuspendedEVSE") this.emit("suspendedEVSE");
  }

  private emit(event: ConnectorEvent): void {
    this.onEvent(this.id, event);
  }
}
