/**
 * Plain-data description of an ESP32 charger board: pins per connector,
 * buses, meters, phases, ratings and the circuit limit. No IO classes and
 * no code: `createEsp32Board(description, io, env)` (hal/esp32/board) turns
 * it into the `Board` the control loop runs. See docs/boards.md.
 */
import type { LoopTiming, PhaseRotation } from "hal/board-description";
import type { RcdTrip } from "hal/rcd";
import type { NtcDivider } from "hal/esp32/ntc";
import type { SpiControllerPins } from "hal/esp32/buses";

/** A digital pin and its polarity. */
export interface PinDescription {
  readonly pin: number;
  /** Asserted = electrical 0 (open-collector optocouplers, chip selects). */
  readonly activeLow?: boolean;
  /** Inputs only; GPIO 34..39 have no internal pulls. */
  readonly pull?: "up" | "down" | "none";
}

export interface PilotDescription {
  /** PWM output to the ±12 V stage (high = +12 V unless `inverted`). */
  readonly pwmPin: number;
  /** LEDC channel (one per connector). */
  readonly ledcChannel: number;
  readonly inverted?: boolean;
  /** ADC1 input (GPIO 32..39; ADC2 is unusable while Wi-Fi runs). */
  readonly adcPin: number;
  /** Raw readings at +12 V and -12 V on CP (calibrate per board). */
  readonly rawAtPlus12V: number;
  readonly rawAtMinus12V: number;
  /** The PWM output looped back to an input: synchronised sampling. */
  readonly sync?: PinDescription;
  /** CP stage enable output. */
  readonly enable?: PinDescription;
}

export interface ContactorDescription {
  readonly coil: PinDescription;
  readonly feedback: PinDescription;
  /** Pulsed AC-sense feedback: hold time (ms); 0 for a mirror contact. */
  readonly feedbackHoldMs?: number;
  readonly settleMs?: number;
}

export interface RcdDescription {
  readonly faults: readonly (PinDescription & { readonly kind?: RcdTrip })[];
  readonly test: PinDescription;
  readonly reset?: PinDescription;
  readonly status?: PinDescription;
  readonly selfTestTimeoutMs?: number;
}

export interface LockDescription {
  readonly lockOutput: PinDescription;
  readonly unlockOutput: PinDescription;
  readonly feedback: PinDescription;
  readonly pulseMs?: number;
  readonly timeoutMs?: number;
}

/** NTC thermistor in a divider on an ADC1 pin (hal/esp32/ntc); calibrate `rawAtSupply` / `offsetC` per board. */
export interface NtcDescription extends NtcDivider {
  /** ADC1 input (GPIO 32..39). */
  readonly adcPin: number;
}

export interface SerialBusDescription {
  readonly kind: "serial";
  readonly receive: number;
  readonly transmit?: number;
  /** UART 1 or 2. */
  readonly port: number;
  readonly baud: number;
}

export interface SpiBusDescription extends SpiControllerPins {
  readonly kind: "spi";
}

export interface I2cBusDescription {
  readonly kind: "i2c";
  readonly data: number;
  readonly clock: number;
  readonly hz: number;
  readonly port?: number;
}

export type BusDescription = SerialBusDescription | SpiBusDescription | I2cBusDescription;

/** The meter of one connector; `bus` names an entry of the board's `buses`. */
export type MeterDescription =
  | { readonly kind: "sdm630" | "sdm120" | "abb-b23"; readonly bus: string; readonly address: number }
  | { readonly kind: "hlw8032"; readonly bus: string }
  | { readonly kind: "atm90e32"; readonly bus: string; readonly select: PinDescription; readonly lineFrequencyHz?: 50 | 60 }
  | { readonly kind: "ade7953"; readonly bus: string; readonly select?: PinDescription; readonly channel?: "A" | "B" };

export interface Esp32ConnectorDescription {
  readonly pilot: PilotDescription;
  readonly contactor: ContactorDescription;
  readonly rcd: RcdDescription;
  /** null: tethered cable, no lock. */
  readonly lock: LockDescription | null;
  readonly meter: MeterDescription;
  /** Temperature sensor at the socket / contactor (optional: without it there is no derating). */
  readonly temperature?: NtcDescription;
  readonly phases: 1 | 3;
  readonly rotation: PhaseRotation;
  /** Cable ampacity or socket rating (A). */
  readonly cableMaxA: number;
  /** Contactor and wiring rating (A). */
  readonly ratingA: number;
}

export interface Esp32BoardDescription {
  readonly name: string;
  readonly supplyPhases: 1 | 3;
  /** Circuit breaker limit per phase shared by all connectors (A). */
  readonly circuitLimitA: number;
  /** Board rating per connector (A). */
  readonly ratingA: number;
  readonly buses: Readonly<Record<string, BusDescription>>;
  readonly connectors: readonly Esp32ConnectorDescription[];
  readonly timing?: Partial<LoopTiming>;
}
