/**
 * The EV emulator board: an ESP32-DevKitC with the relays, the measuring
 * front end and the serial link of docs/hil-bench.md. Plain data; the
 * ESP32 drivers (esp32-*.ts) take it.
 *
 * Pins avoided: 6..11 (flash), 1 / 3 (UART0, the console and xsbug), the
 * strapping pins 0, 2, 5, 12, 15, and 14 (it toggles during boot, which would
 * pulse a relay). GPIO 34..39 are inputs only and have no pull resistors.
 */
import { SWITCH_NAMES, type SwitchName } from "./ev-network";

export interface RelayPin {
  pin: number;
  /** The relay is energised by electrical 0. */
  activeLow?: boolean;
}

export interface EvEmulatorBoard {
  /** One GPIO per relay (each drives the LED of a PhotoMOS relay through 330 Ω). */
  relays: Readonly<Record<SwitchName, RelayPin>>;
  /** ADC1 channel on the divider node (ADC2 is unusable while the radio runs). */
  adcPin: number;
  /** Comparator output into the MCPWM capture unit (pulse times). */
  capturePin: number;
  /** The same comparator output on a second GPIO, read as a digital input to sample each phase. */
  syncPin: number;
  /** The line protocol's UART (UART0 is the console and xsbug). */
  uart: { port: number; receive: number; transmit: number; baud: number };
}

export const DEVKITC_EV_BOARD: EvEmulatorBoard = Object.freeze({
  relays: Object.freeze({
    plug: Object.freeze({ pin: 25 }),
    stateC: Object.freeze({ pin: 26 }),
    stateD: Object.freeze({ pin: 27 }),
    diodeShort: Object.freeze({ pin: 32 }),
    cpShort: Object.freeze({ pin: 33 }),
    peBreak: Object.freeze({ pin: 4 }), // a normally closed (form B) relay: energised = PE open
    pp13: Object.freeze({ pin: 18 }),
    pp20: Object.freeze({ pin: 19 }),
    pp32: Object.freeze({ pin: 21 }),
    pp63: Object.freeze({ pin: 22 }),
  }),
  adcPin: 36,
  capturePin: 34,
  syncPin: 35,
  uart: Object.freeze({ port: 2, receive: 16, transmit: 17, baud: 115200 }),
});

const FLASH_PINS: readonly number[] = Object.freeze([6, 7, 8, 9, 10, 11]);
const STRAPPING_PINS: readonly number[] = Object.freeze([0, 2, 5, 12, 15]);
const INPUT_ONLY_MIN = 34;
const ADC1_PINS: readonly number[] = Object.freeze([32, 33, 34, 35, 36, 37, 38, 39]);

/** What is wrong with a board description (empty: usable). */
export function boardProblems(board: Readonly<EvEmulatorBoard>): string[] {
  const problems: string[] = [];
  const users = new Map<number, string>();
  const use = (pin: number, what: string): void => {
    const other = users.get(pin);
    if (other !== undefined) problems.push(`GPIO ${pin} is used for both ${other} and ${what}`);
    else users.set(pin, what);
    if (FLASH_PINS.includes(pin)) problems.push(`GPIO ${pin} (${what}) belongs to the flash`);
    if (STRAPPING_PINS.includes(pin)) problems.push(`GPIO ${pin} (${what}) is a strapping pin`);
  };
  for (let i = 0; i < SWITCH_NAMES.length; i++) {
    const name = SWITCH_NAMES[i];
    const pin = board.relays[name].pin;
    use(pin, `relay ${name}`);
    if (pin >= INPUT_ONLY_MIN) problems.push(`GPIO ${pin} (relay ${name}) is an input-only pin`);
  }
  use(board.adcPin, "the ADC");
  if (!ADC1_PINS.includes(board.adcPin)) problems.push(`GPIO ${board.adcPin} is not an ADC1 pin`);
  use(board.capturePin, "the pulse capture");
  use(board.syncPin, "the phase sync input");
  use(board.uart.receive, "the UART receive line");
  use(board.uart.transmit, "the UART transmit line");
  if (board.uart.transmit >= INPUT_ONLY_MIN) problems.push(`GPIO ${board.uart.transmit} (UART transmit) is an input-only pin`);
  if (board.uart.port !== 1 && board.uart.port !== 2) problems.push("the UART must be 1 or 2 (0 is the console)");
  return problems;
}
