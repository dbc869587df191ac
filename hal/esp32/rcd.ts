/**
 * Residual current module (RDC-DD, IEC 62955) on ESP32: fault input(s),
 * a test output and an optional reset output, all `embedded:io/digital`.
 *
 * Self-test (before every session): the test output is asserted; the
 * fault input must assert within `selfTestTimeoutMs` ("passed"), else the
 * test is "failed". Then the test output is released, the reset output (if
 * any) is pulsed for `resetPulseMs`, and the fault input is ignored for
 * `recoverMs` more while the module clears its own latch. A fault that is
 * still asserted after that is a real trip. While a test runs, its trip is
 * never reported as `tripped` (hal/rcd.ts). The test reports "passed" only
 * once that masked window is over: the contactor may close on "passed", and
 * it must never close while a real residual current would go unseen.
 *
 * A real trip is latched here until `reset()`; `reset` pulses the reset
 * output the same way, so a residual current that persists trips again.
 * `status` (optional): a module "ready/OK" input; de-asserted = error "no-response".
 */
import type { RcdSample, RcdSelfTest, RcdTrip, ResidualCurrentMonitor } from "hal/rcd";
import { openInput, openOutput, type DigitalInputOptions, type DigitalPinOptions, type DigitalPort } from "./io";

export interface RcdFaultInput extends DigitalInputOptions {
  /** Which trip this input signals; "unknown" for a module with one fault pin (default). */
  readonly kind?: RcdTrip;
}

export interface Esp32RcdOptions {
  /** One or two fault inputs (asserted = tripped), e.g. DC 6 mA and AC 30 mA. */
  readonly faults: readonly RcdFaultInput[];
  /** Test input of the module. */
  readonly test: DigitalPinOptions;
  /** Reset input of the module, if it has one. */
  readonly reset?: DigitalPinOptions;
  /** Module OK output, if it has one. */
  readonly status?: DigitalInputOptions;
  /** Rated time the module has to trip on its test input; default 1000 ms (SmartEVSE: 1 s pulse). */
  readonly selfTestTimeoutMs?: number;
  /** Reset pulse length; default 100 ms. */
  readonly resetPulseMs?: number;
  /** Fault input ignored this long after test/reset pulses end; default 500 ms. */
  readonly recoverMs?: number;
}

const MAX_FAULT_INPUTS = 2;

export class Esp32Rcd implements ResidualCurrentMonitor {
  readonly selfTestTimeoutMs: number;
  #faults: DigitalPort[] = [];
  #faultActive: number[] = [];
  #faultKind: RcdTrip[] = [];
  #test: DigitalPort;
  #testActive: 0 | 1;
  #reset: DigitalPort | null;
  #resetActive: 0 | 1;
  #status: DigitalPort | null;
  #statusActive: number;
  #resetPulseMs: number;
  #recoverMs: number;

  #trip: RcdTrip = "none";
  #selfTest: RcdSelfTest = "idle";
  #testStartMs = 0;
  #testing = false;
  /** The module tripped on its test input; "passed" waits for the end of the masked window. */
  #passPending = false;
  #resetUntilMs = -1;
  #maskUntilMs = -1;
  #statusOk = true;
  #atMs = 0;

  constructor(options: Esp32RcdOptions) {
    const faults = options.faults;
    if (faults.length < 1 || faults.length > MAX_FAULT_INPUTS) throw new RangeError("rcd: give one or two fault inputs");
    for (let i = 0; i < faults.length; i++) {
      this.#faults.push(openInput(faults[i]));
      this.#faultActive.push(faults[i].activeLow ? 0 : 1);
      this.#faultKind.push(faults[i].kind ?? "unknown");
    }
    this.#test = openOutput(options.test);
    this.#testActive = options.test.activeLow ? 0 : 1;
    this.#reset = options.reset ? openOutput(options.reset) : null;
    this.#resetActive = options.reset?.activeLow ? 0 : 1;
    this.#status = options.status ? openInput(options.status) : null;
    this.#statusActive = options.status?.activeLow ? 0 : 1;
    this.selfTestTimeoutMs = options.selfTestTimeoutMs ?? 1000;
    this.#resetPulseMs = options.resetPulseMs ?? 100;
    this.#recoverMs = options.recoverMs ?? 500;
  }

  startSelfTest(nowMs: number): void {
    this.#selfTest = "running";
    this.#testStartMs = nowMs;
    this.#testing = true;
    this.#write(this.#test, this.#testActive, true);
  }

  reset(nowMs: number): void {
    this.#trip = "none";
    this.#passPending = false;
    if (this.#selfTest === "running") this.#selfTest = "idle";
    if (this.#testing) this.#endTest(nowMs);
    else this.#pulseReset(nowMs);
    this.#atMs = nowMs;
  }

  poll(nowMs: number): void {
    this.#atMs = nowMs;
    if (this.#status !== null) this.#statusOk = this.#readSafe(this.#status) === this.#statusActive;
    if (this.#reset !== null && this.#resetUntilMs >= 0 && nowMs >= this.#resetUntilMs) {
      this.#resetUntilMs = -1;
      this.#write(this.#reset, this.#resetActive, false);
    }
    const kind = this.#asserted();
    if (this.#testing) {
      if (kind !== "none") {
        this.#passPending = true;
        this.#endTest(nowMs);
      } else if (nowMs - this.#testStartMs >= this.selfTestTimeoutMs) {
        this.#selfTest = "failed";
        this.#endTest(nowMs);
      }
      return;
    }
    if (nowMs < this.#maskUntilMs) return;
    if (kind !== "none" && this.#trip === "none") this.#trip = kind;
    // The input is watched again: a real trip (latched just above) is seen in the same poll as the pass.
    if (this.#passPending) {
      this.#passPending = false;
      this.#selfTest = "passed";
    }
  }

  read(into: RcdSample): void {
    into.tripped = this.#trip !== "none";
    into.trip = this.#trip;
    into.selfTest = this.#selfTest;
    into.error = this.#statusOk ? "none" : "no-response";
    into.atMs = this.#atMs;
  }

  /** Releases the test/reset outputs and the pins. */
  close(): void {
    this.#write(this.#test, this.#testActive, false);
    this.#test.close();
    if (this.#reset) this.#reset.close();
    if (this.#status) this.#status.close();
    for (let i = 0; i < this.#faults.length; i++) this.#faults[i].close();
  }

  /** The kind of the first asserted fault input, or "none". An unreadable input counts as a trip. */
  #asserted(): RcdTrip {
    const faults = this.#faults;
    for (let i = 0; i < faults.length; i++) {
      const level = this.#readSafe(faults[i]);
      if (level < 0 || level === this.#faultActive[i]) return this.#faultKind[i];
    }
    return "none";
  }

  #endTest(nowMs: number): void {
    this.#testing = false;
    this.#write(this.#test, this.#testActive, false);
    this.#pulseReset(nowMs);
  }

  #pulseReset(nowMs: number): void {
    if (this.#reset !== null) {
      this.#write(this.#reset, this.#resetActive, true);
      this.#resetUntilMs = nowMs + this.#resetPulseMs;
      this.#maskUntilMs = nowMs + this.#resetPulseMs + this.#recoverMs;
    } else this.#maskUntilMs = nowMs + this.#recoverMs;
  }

  #write(port: DigitalPort, active: 0 | 1, asserted: boolean): void {
    try {
      port.write(asserted ? active : ((1 - active) as 0 | 1));
    } catch {}
  }

  #readSafe(port: DigitalPort): number {
    try {
      return port.read();
    } catch {
      return -1;
    }
  }
}
