/**
 * NTC thermistor on an ESP32 ADC1 pin (`embedded:io/analog`) in a voltage
 * divider with a series resistor, e.g. a 10 kΩ B3950 NTC at the socket
 * terminals or on the contactor. Datasheet model: the beta equation
 * 1/T = 1/T0 + ln(R/R0)/B (T in K; R0 at T0, usually 25 °C).
 *
 * Divider: with `ntcToGround` (default) the NTC sits between the ADC pin and
 * GND and the series resistor goes to the divider supply, so the raw value
 * rises as it gets colder; otherwise the NTC is the upper leg. The divider
 * is read ratiometrically against `rawAtSupply`, the raw value the divider
 * supply would read (the ESP32 ADC at 11 dB saturates near 3.1 V, so for a
 * 3.3 V divider this is above full scale: calibrate per board).
 *
 * Every `intervalMs` a poll averages `samples` reads. A reading stuck at a
 * rail (open or shorted sensor), an ADC that throws, or a temperature outside
 * `minC..maxC` gives `ok` false with its error: never a plausible number.
 */
import type { TemperatureError, TemperatureSample, TemperatureSensor } from "hal/temperature";
import type { AnalogClass, AnalogPort } from "./io";

const KELVIN = 273.15;
/** Raw readings within this fraction of a rail count as that rail (open / short). */
const RAIL_FRACTION = 0.005;

/** The thermistor and its divider, as a board describes them (hal/esp32/boards/types NtcDescription). */
export interface NtcDivider {
  /** Series (fixed) resistor of the divider (Ω). */
  readonly seriesOhm: number;
  /** NTC resistance at `nominalC` (Ω), e.g. 10 000. */
  readonly nominalOhm: number;
  /** Temperature of `nominalOhm` (°C); default 25. */
  readonly nominalC?: number;
  /** Beta constant of the NTC (K), e.g. 3950. */
  readonly beta: number;
  /** NTC between the ADC pin and GND (default true); false: between the supply and the ADC pin. */
  readonly ntcToGround?: boolean;
  /** Raw value the divider supply reads (default: full scale). */
  readonly rawAtSupply?: number;
  /** Calibration offset added to the result (°C); default 0. */
  readonly offsetC?: number;
}

export interface Esp32NtcOptions extends NtcDivider {
  readonly adc: {
    readonly io: AnalogClass;
    /** ADC1 input (GPIO 32..39). */
    readonly pin: number;
    readonly resolution?: number;
  };
  /** Reads averaged per poll; default 4. */
  readonly samples?: number;
  /** Minimum time between two polls (ms); default 100. */
  readonly intervalMs?: number;
  /** Plausible range (°C); outside it the reading is "range". Default -40..150. */
  readonly minC?: number;
  readonly maxC?: number;
}

export class Esp32NtcSensor implements TemperatureSensor {
  #adc: AnalogPort;
  #fullScale: number;
  #rawAtSupply: number;
  #seriesOhm: number;
  #nominalOhm: number;
  #invT0: number;
  #invBeta: number;
  #ntcToGround: boolean;
  #offsetC: number;
  #samples: number;
  #intervalMs: number;
  #minC: number;
  #maxC: number;

  #lastPollMs = -Infinity;
  #celsius = NaN;
  #ok = false;
  #error: TemperatureError = "none";
  #atMs = 0;

  constructor(options: Esp32NtcOptions) {
    if (!(options.seriesOhm > 0 && options.nominalOhm > 0 && options.beta > 0)) {
      throw new RangeError("ntc: seriesOhm, nominalOhm and beta must be positive");
    }
    const Analog = options.adc.io;
    this.#adc = new Analog({ pin: options.adc.pin, resolution: options.adc.resolution });
    this.#fullScale = (1 << this.#adc.resolution) - 1;
    this.#rawAtSupply = options.rawAtSupply ?? this.#fullScale;
    if (!(this.#rawAtSupply > 0)) throw new RangeError("ntc: rawAtSupply must be positive");
    this.#seriesOhm = options.seriesOhm;
    this.#nominalOhm = options.nominalOhm;
    this.#invT0 = 1 / ((options.nominalC ?? 25) + KELVIN);
    this.#invBeta = 1 / options.beta;
    this.#ntcToGround = options.ntcToGround ?? true;
    this.#offsetC = options.offsetC ?? 0;
    this.#samples = options.samples !== undefined && options.samples >= 1 ? Math.floor(options.samples) : 4;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#minC = options.minC ?? -40;
    this.#maxC = options.maxC ?? 150;
  }

  poll(nowMs: number): void {
    if (nowMs - this.#lastPollMs < this.#intervalMs) return;
    this.#lastPollMs = nowMs;
    this.#atMs = nowMs;
    let sum = 0;
    try {
      for (let i = 0; i < this.#samples; i++) sum += this.#adc.read();
    } catch {
      this.#fail("adc-fault");
      return;
    }
    this.#convert(sum / this.#samples);
  }

  read(into: TemperatureSample): void {
    into.celsius = this.#celsius;
    into.ok = this.#ok;
    into.error = this.#error;
    into.atMs = this.#atMs;
  }

  close(): void {
    if (this.#adc.close) this.#adc.close();
  }

  #convert(raw: number): void {
    const top = this.#rawAtSupply < this.#fullScale ? this.#rawAtSupply : this.#fullScale;
    // At a rail the NTC (or its wiring) is open or shorted; which is which depends on the divider.
    if (raw <= this.#fullScale * RAIL_FRACTION) return this.#fail(this.#ntcToGround ? "short" : "open");
    if (raw >= top - this.#fullScale * RAIL_FRACTION) return this.#fail(this.#ntcToGround ? "open" : "short");
    const ratio = raw / this.#rawAtSupply;
    const ohms = this.#ntcToGround ? (this.#seriesOhm * ratio) / (1 - ratio) : (this.#seriesOhm * (1 - ratio)) / ratio;
    const celsius = 1 / (this.#invT0 + Math.log(ohms / this.#nominalOhm) * this.#invBeta) - KELVIN + this.#offsetC;
    if (!(celsius >= this.#minC && celsius <= this.#maxC)) return this.#fail("range");
    this.#celsius = celsius;
    this.#ok = true;
    this.#error = "none";
  }

  #fail(error: TemperatureError): void {
    this.#celsius = NaN;
    this.#ok = false;
    this.#error = error;
  }
}

/** NTC resistance (Ω) at `celsius` by the beta equation: for calibration tables and tests. */
export function ntcOhmsAt(celsius: number, nominalOhm: number, beta: number, nominalC = 25): number {
  return nominalOhm * Math.exp(beta * (1 / (celsius + KELVIN) - 1 / (nominalC + KELVIN)));
}
