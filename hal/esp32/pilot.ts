/**
 * Control pilot on ESP32 (IEC 61851-1 / SAE J1772): a 1 kHz PWM output
 * (`embedded:io/pwm`) drives the ±12 V CP stage; an ADC input
 * (`embedded:io/analog`) reads the CP voltage through the board's divider.
 *
 * Steady levels are duty 100 % (+12 V, state x1) and 0 % (-12 V, state F),
 * so the PWM pin's high level must mean +12 V (`inverted` for boards whose
 * stage inverts). Sampling has two modes:
 * - synchronised (`sync` given: the PWM output looped back to a GPIO):
 *   per cycle the driver waits (bounded spin) for the rising edge, reads the
 *   ADC at once and keeps the reading only if the loop-back is still high
 *   afterwards; then the same on the falling edge for the diode check
 *   (charger-hardware.md: "the rising edge starts a timer, the ADC reads
 *   about 50 µs later").
 * - bulk (no `sync`): `readsPerPoll` unsynchronised reads per poll; the
 *   maximum is the high level, the minimum the low level.
 * A window of `windowMs` (default 25 ms, ~25 periods) collects max/min;
 * at its end the sample is published. Nothing is allocated after construction.
 */
import {
  amperesToDuty,
  classifyDiode,
  classifyPilotVoltage,
  type ControlPilot,
  type PilotDrive,
  type PilotError,
  type PilotSample,
} from "hal/pilot";
import {
  openInput,
  openOutput,
  type AnalogClass,
  type AnalogPort,
  type DigitalInputOptions,
  type DigitalPinOptions,
  type DigitalPort,
  type PwmClass,
  type PwmPort,
} from "./io";

export interface Esp32PilotOptions {
  readonly pwm: {
    readonly io: PwmClass;
    readonly pin: number;
    /** Default 1000 Hz. */
    readonly hz?: number;
    /** Duty resolution in bits; default 10. */
    readonly resolution?: number;
    /** LEDC channel. */
    readonly port?: number;
    /** The CP stage inverts: PWM pin low gives +12 V. */
    readonly inverted?: boolean;
  };
  readonly adc: {
    readonly io: AnalogClass;
    readonly pin: number;
    /** Raw ADC reading with +12 V on CP (board calibration). */
    readonly rawAtPlus12V: number;
    /** Raw ADC reading with -12 V on CP (board calibration). */
    readonly rawAtMinus12V: number;
  };
  /** The PWM output looped back to an input (asserted = high phase); enables synchronised sampling. */
  readonly sync?: DigitalInputOptions;
  /** CP driver enable output, asserted while the driver is open. */
  readonly enable?: DigitalPinOptions;
  /** Publication window; default 25 ms. */
  readonly windowMs?: number;
  /** Bulk mode and steady levels: ADC reads per poll; default 16. */
  readonly readsPerPoll?: number;
  /** Synchronised mode: PWM periods sampled per poll; default 2. */
  readonly cyclesPerPoll?: number;
  /** Synchronised mode: loop-back reads before an edge counts as missing; default 4000. */
  readonly spinLimit?: number;
}

export class Esp32ControlPilot implements ControlPilot {
  #pwm: PwmPort;
  #adc: AnalogPort;
  #sync: DigitalPort | null;
  #syncActive: number;
  #enable: DigitalPort | null;
  #enableActive: 0 | 1;
  #inverted: boolean;
  #maxDuty: number;
  #voltsPerRaw: number;
  #rawAtMinus12V: number;
  #windowMs: number;
  #readsPerPoll: number;
  #cyclesPerPoll: number;
  #spinLimit: number;

  #drive: PilotDrive = "x1";
  #dutyPercent = 100;
  #pwmFailed = false;

  // Window being collected.
  #windowStartMs = -1;
  #highMax = -Infinity;
  #lowMin = Infinity;
  #highCount = 0;
  #lowCount = 0;
  #phaseMismatch = false;
  #adcFailed = false;

  // Published.
  #highV = 0;
  #lowV = 0;
  #lowValid = false;
  #published = false;
  #error: PilotError = "none";
  #atMs = 0;

  constructor(options: Esp32PilotOptions) {
    const p = options.pwm;
    const a = options.adc;
    if (a.rawAtPlus12V === a.rawAtMinus12V) throw new RangeError("pilot: adc calibration points must differ");
    this.#inverted = p.inverted ?? false;
    this.#voltsPerRaw = 24 / (a.rawAtPlus12V - a.rawAtMinus12V);
    this.#rawAtMinus12V = a.rawAtMinus12V;
    this.#windowMs = options.windowMs ?? 25;
    this.#readsPerPoll = options.readsPerPoll ?? 16;
    this.#cyclesPerPoll = options.cyclesPerPoll ?? 2;
    this.#spinLimit = options.spinLimit ?? 4000;
    const Pwm = p.io;
    this.#pwm = new Pwm({ pin: p.pin, hz: p.hz ?? 1000, resolution: p.resolution ?? 10, port: p.port });
    this.#maxDuty = (1 << this.#pwm.resolution) - 1;
    const Adc = a.io;
    this.#adc = new Adc({ pin: a.pin });
    this.#sync = options.sync ? openInput(options.sync) : null;
    this.#syncActive = options.sync?.activeLow ? 0 : 1;
    this.#enable = options.enable ? openOutput(options.enable) : null;
    this.#enableActive = options.enable?.activeLow ? 0 : 1;
    this.#writeDuty(100);
    if (this.#enable) this.#enable.write(this.#enableActive);
  }

  setPwm(amperes: number): void {
    const duty = amperesToDuty(amperes);
    if (duty <= 0) {
      this.setSteady();
      return;
    }
    if (this.#drive === "pwm" && duty === this.#dutyPercent) return;
    this.#set("pwm", duty);
  }

  setSteady(): void {
    if (this.#drive !== "x1") this.#set("x1", 100);
  }

  setStateF(): void {
    if (this.#drive !== "F") this.#set("F", 0);
  }

  poll(nowMs: number): void {
    if (this.#windowStartMs < 0) this.#windowStartMs = nowMs;
    if (this.#sync !== null && this.#drive === "pwm") this.#sampleSynchronised();
    else this.#sampleBulk();
    if (nowMs - this.#windowStartMs >= this.#windowMs) this.#publish(nowMs);
  }

  read(into: PilotSample): void {
    const pwmOn = this.#drive === "pwm";
    into.highV = this.#highV;
    into.lowV = this.#lowV;
    into.state = this.#published && this.#error === "none" ? classifyPilotVoltage(this.#highV) : "invalid";
    into.diode = this.#lowValid && this.#error === "none" ? classifyDiode(this.#lowV, pwmOn) : "unknown";
    into.drive = this.#drive;
    into.dutyPercent = this.#dutyPercent;
    into.error = this.#pwmFailed ? "pwm-fault" : this.#error;
    into.atMs = this.#atMs;
  }

  /** Leaves CP at steady +12 V, then releases the pins (the CP stage's own default applies). */
  close(): void {
    this.#writeDuty(100);
    if (this.#enable) this.#enable.close();
    if (this.#sync) this.#sync.close();
    if (this.#adc.close) this.#adc.close();
    if (this.#pwm.close) this.#pwm.close();
  }

  #set(drive: PilotDrive, duty: number): void {
    this.#drive = drive;
    this.#dutyPercent = duty;
    this.#writeDuty(duty);
    // Samples taken under the old drive must not be classified under the new one,
    // and a steady level is no low phase: no diode verdict until a PWM window completes.
    this.#lowValid = false;
    this.#restartWindow(-1);
  }

  #writeDuty(dutyPercent: number): void {
    const max = this.#maxDuty;
    let value = Math.round((dutyPercent * max) / 100);
    if (value > max) value = max;
    if (this.#inverted) value = max - value;
    try {
      this.#pwm.write(value);
      this.#pwmFailed = false;
    } catch {
      this.#pwmFailed = true;
    }
  }

  #volts(raw: number): number {
    return (raw - this.#rawAtMinus12V) * this.#voltsPerRaw - 12;
  }

  #readAdc(): number {
    try {
      return this.#volts(this.#adc.read());
    } catch {
      this.#adcFailed = true;
      return NaN;
    }
  }

  /** Unsynchronised reads; on steady drives the loop-back (if any) must show the steady level. */
  #sampleBulk(): void {
    const sync = this.#sync;
    const expect = this.#drive === "F" ? 1 - this.#syncActive : this.#syncActive;
    for (let i = 0; i < this.#readsPerPoll; i++) {
      const v = this.#readAdc();
      if (this.#adcFailed) return;
      if (sync !== null && sync.read() !== expect) this.#phaseMismatch = true;
      if (v > this.#highMax) this.#highMax = v;
      if (v < this.#lowMin) this.#lowMin = v;
      this.#highCount++;
      this.#lowCount++;
    }
  }

  /** Edge-triggered reads while PWM runs; each loop is bounded by spinLimit. */
  #sampleSynchronised(): void {
    const sync = this.#sync as DigitalPort;
    const active = this.#syncActive;
    const limit = this.#spinLimit;
    for (let c = 0; c < this.#cyclesPerPoll; c++) {
      // Rising edge: wait out the current high phase, then the low phase.
      let n = 0;
      while (n < limit && sync.read() === active) n++;
      while (n < limit && sync.read() !== active) n++;
      if (n >= limit) return;
      let v = this.#readAdc();
      if (this.#adcFailed) return;
      if (sync.read() === active) {
        if (v > this.#highMax) this.#highMax = v;
        this.#highCount++;
      }
      // Falling edge: the low phase for the diode check.
      n = 0;
      while (n < limit && sync.read() === active) n++;
      if (n >= limit) return;
      v = this.#readAdc();
      if (this.#adcFailed) return;
      if (sync.read() !== active) {
        if (v < this.#lowMin) this.#lowMin = v;
        this.#lowCount++;
      }
    }
  }

  #publish(nowMs: number): void {
    this.#atMs = nowMs;
    this.#published = true;
    if (this.#adcFailed) this.#error = "adc-fault";
    else if (this.#phaseMismatch || this.#highCount === 0) this.#error = "pwm-fault";
    else {
      this.#error = "none";
      this.#highV = this.#highMax;
      this.#lowValid = this.#lowCount > 0 && this.#drive === "pwm";
      if (this.#lowValid) this.#lowV = this.#lowMin;
      // A steady -12 V is the level itself, not a low phase.
      if (this.#drive === "F") this.#highV = this.#lowMin;
    }
    this.#restartWindow(nowMs);
  }

  #restartWindow(nowMs: number): void {
    this.#windowStartMs = nowMs;
    this.#highMax = -Infinity;
    this.#lowMin = Infinity;
    this.#highCount = 0;
    this.#lowCount = 0;
    this.#phaseMismatch = false;
    this.#adcFailed = false;
  }
}
