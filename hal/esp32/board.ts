/**
 * Builds the control loop's `Board` from a plain board description
 * (hal/esp32/boards/*) and the ECMA-419 IO classes: one pilot, contactor,
 * RCD, optional lock, meter and optional NTC temperature sensor per connector, buses opened once and shared
 * where the hardware allows (SPI devices by chip select, I2C by address).
 * Throws a clear error for a pin used twice, a missing or wrong bus, or two
 * Modbus meters on one serial port (each ModbusMeter polls on its own).
 */
import type { Board, ConnectorDescription } from "hal/board-description";
import type { ConnectorHal } from "hal/board";
import type { I2cBus, SerialBus, SpiBus } from "hal/bus";
import type { EnergyMeter, MeterErrorHandler } from "hal/meter";
import { createAbbB23 } from "hal/meters/abb-b23";
import { Ade7953 } from "hal/meters/ade7953";
import { Atm90e32 } from "hal/meters/atm90e32";
import { Hlw8032 } from "hal/meters/hlw8032";
import { createSdm120 } from "hal/meters/sdm120";
import { createSdm630 } from "hal/meters/sdm630";
import type { KeyValueStore } from "ports/kv";
import type { BusDescription, Esp32BoardDescription, Esp32ConnectorDescription, MeterDescription, PinDescription } from "./boards/types";
import { Esp32I2cBus, Esp32SerialBus, Esp32SpiController } from "./buses";
import { Esp32Contactor } from "./contactor";
import type { DigitalClass, DigitalInputOptions, Esp32IoClasses } from "./io";
import { Esp32Lock } from "./lock";
import { Esp32NtcSensor } from "./ntc";
import { Esp32ControlPilot } from "./pilot";
import { Esp32Rcd } from "./rcd";

export interface Esp32BoardEnv {
  /** Persistence of the meters' import registers. */
  readonly kv: KeyValueStore;
  readonly onMeterError?: MeterErrorHandler;
}

export interface Esp32Board {
  /** What `new ControlLoop(board, ...)` takes. */
  readonly board: Board;
  /** The HAL parts per connector (index = connector id - 1), e.g. for a bench or diagnostics. */
  readonly connectors: readonly ConnectorHal[];
  /** Closes meters (persisting their registers) and releases every pin. */
  close(): void;
}

/** Throws when a GPIO is claimed twice. */
export class PinRegistry {
  #owners = new Map<number, string>();
  readonly #board: string;
  constructor(board: string) {
    this.#board = board;
  }
  claim(pin: number, owner: string): void {
    if (!Number.isInteger(pin) || pin < 0 || pin > 48) throw new RangeError(`board ${this.#board}: ${owner}: invalid GPIO ${pin}`);
    const previous = this.#owners.get(pin);
    if (previous !== undefined) throw new Error(`board ${this.#board}: GPIO ${pin} used by ${previous} and ${owner}`);
    this.#owners.set(pin, owner);
  }
}

function pinOptions(io: DigitalClass, pins: PinRegistry, d: PinDescription, owner: string): DigitalInputOptions {
  pins.claim(d.pin, owner);
  return { io, pin: d.pin, activeLow: d.activeLow, pull: d.pull };
}

export function createEsp32Board(description: Esp32BoardDescription, io: Esp32IoClasses, env: Esp32BoardEnv): Esp32Board {
  const name = description.name;
  const pins = new PinRegistry(name);
  const closers: (() => void)[] = [];
  const serials = new Map<string, SerialBus>();
  const serialUsers = new Set<string>();
  const spis = new Map<string, Esp32SpiController>();
  const i2cBusPinsClaimed = new Set<string>();

  function bus(busName: string, owner: string): BusDescription {
    const b = description.buses[busName];
    if (b === undefined) throw new Error(`board ${name}: ${owner} names bus "${busName}" which the board does not describe`);
    return b;
  }

  function serialBus(busName: string, owner: string): SerialBus {
    const b = bus(busName, owner);
    if (b.kind !== "serial") throw new Error(`board ${name}: ${owner} needs a serial bus, "${busName}" is ${b.kind}`);
    if (serialUsers.has(busName))
      throw new Error(`board ${name}: ${owner}: serial bus "${busName}" already has a meter (one meter per UART)`);
    serialUsers.add(busName);
    let s = serials.get(busName);
    if (s === undefined) {
      pins.claim(b.receive, `${busName}.receive`);
      if (b.transmit !== undefined) pins.claim(b.transmit, `${busName}.transmit`);
      s = new Esp32SerialBus({ io: io.serial, receive: b.receive, transmit: b.transmit, port: b.port, baud: b.baud });
      serials.set(busName, s);
    }
    return s;
  }

  function spiDevice(busName: string, select: PinDescription, owner: string): SpiBus {
    const b = bus(busName, owner);
    if (b.kind !== "spi") throw new Error(`board ${name}: ${owner} needs an SPI bus, "${busName}" is ${b.kind}`);
    let c = spis.get(busName);
    if (c === undefined) {
      pins.claim(b.clock, `${busName}.clock`);
      pins.claim(b.out, `${busName}.out`);
      pins.claim(b.in, `${busName}.in`);
      c = new Esp32SpiController({ io: io.spi, out: b.out, in: b.in, clock: b.clock, hz: b.hz, mode: b.mode, port: b.port });
      spis.set(busName, c);
    }
    pins.claim(select.pin, `${owner}.select`);
    return c.device({ io: io.digital, pin: select.pin, activeLow: select.activeLow });
  }

  function i2cDevice(busName: string, address: number, owner: string): I2cBus {
    const b = bus(busName, owner);
    if (b.kind !== "i2c") throw new Error(`board ${name}: ${owner} needs an I2C bus, "${busName}" is ${b.kind}`);
    if (!i2cBusPinsClaimed.has(busName)) {
      pins.claim(b.data, `${busName}.data`);
      pins.claim(b.clock, `${busName}.clock`);
      i2cBusPinsClaimed.add(busName);
    }
    return new Esp32I2cBus({ io: io.i2c, data: b.data, clock: b.clock, hz: b.hz, address, port: b.port });
  }

  function meter(m: MeterDescription, id: number, phases: 1 | 3): EnergyMeter {
    const owner = `connector ${id} meter`;
    // NVS key per connector and kind (1..13 characters).
    const key = `c${id}${m.kind.replace("-", "")}`.slice(0, 13);
    const kv = env.kv;
    const onError = env.onMeterError;
    switch (m.kind) {
      case "sdm630":
      case "sdm120":
      case "abb-b23": {
        const serial = serialBus(m.bus, owner);
        const create = m.kind === "sdm630" ? createSdm630 : m.kind === "sdm120" ? createSdm120 : createAbbB23;
        return create({ serial, address: m.address, kv, key, onError });
      }
      case "hlw8032":
        return new Hlw8032({ serial: serialBus(m.bus, owner), kv, key, onError });
      case "atm90e32":
        return new Atm90e32({ spi: spiDevice(m.bus, m.select, owner), phases, lineFrequencyHz: m.lineFrequencyHz, kv, key, onError });
      case "ade7953": {
        const kind = bus(m.bus, owner).kind;
        if (kind === "spi") {
          if (m.select === undefined) throw new Error(`board ${name}: ${owner}: ADE7953 on SPI needs a select pin`);
          return new Ade7953({ spi: spiDevice(m.bus, m.select, owner), channel: m.channel, kv, key, onError });
        }
        return new Ade7953({ i2c: i2cDevice(m.bus, 0x38, owner), channel: m.channel, kv, key, onError });
      }
    }
  }

  function connector(c: Esp32ConnectorDescription, id: number): ConnectorHal {
    const d = io.digital;
    const p = c.pilot;
    pins.claim(p.pwmPin, `connector ${id} pilot.pwm`);
    pins.claim(p.adcPin, `connector ${id} pilot.adc`);
    const pilot = new Esp32ControlPilot({
      pwm: { io: io.pwm, pin: p.pwmPin, port: p.ledcChannel, inverted: p.inverted },
      adc: { io: io.analog, pin: p.adcPin, rawAtPlus12V: p.rawAtPlus12V, rawAtMinus12V: p.rawAtMinus12V },
      sync: p.sync ? pinOptions(d, pins, p.sync, `connector ${id} pilot.sync`) : undefined,
      enable: p.enable ? pinOptions(d, pins, p.enable, `connector ${id} pilot.enable`) : undefined,
    });
    closers.push(() => pilot.close());
    const k = c.contactor;
    const contactor = new Esp32Contactor({
      output: pinOptions(d, pins, k.coil, `connector ${id} contactor.coil`),
      feedback: { ...pinOptions(d, pins, k.feedback, `connector ${id} contactor.feedback`), holdMs: k.feedbackHoldMs },
      settleMs: k.settleMs,
    });
    closers.push(() => contactor.close());
    const r = c.rcd;
    const faults = [];
    for (let i = 0; i < r.faults.length; i++) {
      faults.push({ ...pinOptions(d, pins, r.faults[i], `connector ${id} rcd.fault${i}`), kind: r.faults[i].kind });
    }
    const rcd = new Esp32Rcd({
      faults,
      test: pinOptions(d, pins, r.test, `connector ${id} rcd.test`),
      reset: r.reset ? pinOptions(d, pins, r.reset, `connector ${id} rcd.reset`) : undefined,
      status: r.status ? pinOptions(d, pins, r.status, `connector ${id} rcd.status`) : undefined,
      selfTestTimeoutMs: r.selfTestTimeoutMs,
    });
    closers.push(() => rcd.close());
    let lock: Esp32Lock | null = null;
    if (c.lock !== null) {
      const l = c.lock;
      const made = new Esp32Lock({
        lockOutput: pinOptions(d, pins, l.lockOutput, `connector ${id} lock.lock`),
        unlockOutput: pinOptions(d, pins, l.unlockOutput, `connector ${id} lock.unlock`),
        feedback: pinOptions(d, pins, l.feedback, `connector ${id} lock.feedback`),
        pulseMs: l.pulseMs,
        timeoutMs: l.timeoutMs,
      });
      closers.push(() => made.close());
      lock = made;
    }
    let temperature: Esp32NtcSensor | null = null;
    if (c.temperature !== undefined) {
      const t = c.temperature;
      pins.claim(t.adcPin, `connector ${id} temperature.adc`);
      const made = new Esp32NtcSensor({
        adc: { io: io.analog, pin: t.adcPin },
        seriesOhm: t.seriesOhm,
        nominalOhm: t.nominalOhm,
        nominalC: t.nominalC,
        beta: t.beta,
        ntcToGround: t.ntcToGround,
        rawAtSupply: t.rawAtSupply,
        offsetC: t.offsetC,
      });
      closers.push(() => made.close());
      temperature = made;
    }
    const m = meter(c.meter, id, c.phases);
    closers.push(() => m.close());
    return { pilot, contactor, rcd, lock, meter: m, temperature };
  }

  if (description.connectors.length < 1) throw new Error(`board ${name}: no connectors`);
  const hals: ConnectorHal[] = [];
  const connectors: ConnectorDescription[] = [];
  try {
    for (let i = 0; i < description.connectors.length; i++) {
      const c = description.connectors[i];
      if (c.phases > description.supplyPhases)
        throw new Error(`board ${name}: connector ${i + 1} has ${c.phases} phases, the supply ${description.supplyPhases}`);
      const hal = connector(c, i + 1);
      hals.push(hal);
      connectors.push({ hal, phases: c.phases, rotation: c.rotation, cableMaxA: c.cableMaxA, ratingA: c.ratingA });
    }
  } catch (e) {
    closeAll(closers);
    throw e;
  }
  const board: Board = {
    connectors,
    supplyPhases: description.supplyPhases,
    circuitLimitA: description.circuitLimitA,
    ratingA: description.ratingA,
    timing: description.timing,
  };
  return { board, connectors: hals, close: () => closeAll(closers) };
}

/** Runs closers newest first; one failing does not stop the others. */
function closeAll(closers: (() => void)[]): void {
  while (closers.length > 0) {
    const close = closers.pop() as () => void;
    try {
      close();
    } catch {}
  }
}
