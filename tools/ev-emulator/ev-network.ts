/**
 * The vehicle side of the control pilot as the EV emulator switches it
 * (IEC 61851-1 Annex A, the EV's pilot circuit): a diode from CP into the
 * vehicle, 2.74 kΩ to PE for state B, 1.3 kΩ switched in parallel for C
 * (882 Ω in all), 270 Ω in parallel instead for D (246 Ω in all); and what a
 * tester adds: the diode shorted (diode fault), CP shorted to PE (state E),
 * PE broken between vehicle and charger, and the cable's proximity resistor
 * between PP and PE (1.5 kΩ / 680 Ω / 220 Ω / 100 Ω = 13 / 20 / 32 / 63 A,
 * IEC 61851-1 Annex B; the nominal values of EVerest's bring-up table,
 * everest-core docs/source/how-to-guides/bringup/basic.rst).
 *
 * Every switch is a relay of the rig (docs/hil-bench.md); this file only
 * says which are closed for what the emulator presents.
 */

/** The states the EV asks for with its resistors (E comes from the `short` fault). */
export const EV_STATES = Object.freeze(["A", "B", "C", "D"] as const);
export type EvState = (typeof EV_STATES)[number];

/** Faults the rig can switch in on top of a state. */
export const EV_FAULT_KINDS = Object.freeze(["diode", "short", "pe-break"] as const);
export type EvFaultKind = (typeof EV_FAULT_KINDS)[number];

/** Cable ratings the proximity resistor can code. */
export const CABLE_RATINGS_A = Object.freeze([13, 20, 32, 63] as const);
export type CableRatingA = (typeof CABLE_RATINGS_A)[number];

/** The EV network's resistors (Ω). */
export const EV_RESISTOR_OHM = Object.freeze({
  /** Always present behind the diode once plugged (state B, +9 V). */
  stateB: 2740,
  /** In parallel for state C: 2740 ∥ 1300 = 882 Ω (+6 V). */
  stateC: 1300,
  /** In parallel for state D: 2740 ∥ 270 = 246 Ω (+3 V). */
  stateD: 270,
});

/** Proximity resistor between PP and PE per cable rating (Ω). */
export const PP_RESISTOR_OHM: Readonly<Record<CableRatingA, number>> = Object.freeze({ 13: 1500, 20: 680, 32: 220, 63: 100 });

/** What the emulator presents: the state it asks for, the faults switched in, the cable. */
export interface EvSetup {
  state: EvState;
  diodeShorted: boolean;
  cpShorted: boolean;
  peBroken: boolean;
  /** The cable's rating coded on PP; null: no proximity resistor (PP open). */
  cableA: CableRatingA | null;
}

/** Every relay of the rig; true = energised: its contact closes (`peBreak`'s normally closed contact opens PE). */
export interface SwitchSet {
  /** CP reaches the EV network (the plug is in). */
  plug: boolean;
  /** 1.3 kΩ in parallel with 2.74 kΩ. */
  stateC: boolean;
  /** 270 Ω in parallel with 2.74 kΩ. */
  stateD: boolean;
  /** Shorts the EV's diode. */
  diodeShort: boolean;
  /** Shorts CP to PE on the EV side of the plug. */
  cpShort: boolean;
  /** Opens PE between the charger and the EV. */
  peBreak: boolean;
  pp13: boolean;
  pp20: boolean;
  pp32: boolean;
  pp63: boolean;
}

/** The switch names, in the order a board applies them. */
export const SWITCH_NAMES = Object.freeze([
  "plug",
  "stateC",
  "stateD",
  "diodeShort",
  "cpShort",
  "peBreak",
  "pp13",
  "pp20",
  "pp32",
  "pp63",
] as const);
export type SwitchName = (typeof SWITCH_NAMES)[number];

/** Unplugged, no fault, no cable resistor. */
export function initialSetup(): EvSetup {
  return { state: "A", diodeShorted: false, cpShorted: false, peBroken: false, cableA: null };
}

/** All relays open. */
export function openSwitches(): SwitchSet {
  return {
    plug: false,
    stateC: false,
    stateD: false,
    diodeShort: false,
    cpShort: false,
    peBreak: false,
    pp13: false,
    pp20: false,
    pp32: false,
    pp63: false,
  };
}

/**
 * The relays for `setup`. C and D are never closed together (D replaces C).
 * The diode and CP shorts sit behind the plug relay: unplugged, they change
 * nothing on CP, as with a real vehicle.
 */
export function switchesFor(setup: Readonly<EvSetup>): SwitchSet {
  const plugged = setup.state !== "A";
  return {
    plug: plugged,
    stateC: plugged && setup.state === "C",
    stateD: plugged && setup.state === "D",
    diodeShort: plugged && setup.diodeShorted,
    cpShort: plugged && setup.cpShorted,
    peBreak: setup.peBroken,
    pp13: setup.cableA === 13,
    pp20: setup.cableA === 20,
    pp32: setup.cableA === 32,
    pp63: setup.cableA === 63,
  };
}

/** Parallel resistance (Ω) of two resistors. */
export function parallelOhm(a: number, b: number): number {
  return (a * b) / (a + b);
}

/** The resistance behind the diode (Ω) with the given relays, `switchOnOhm` per closed relay in series with its resistor. */
export function networkOhm(switches: Readonly<SwitchSet>, switchOnOhm: number): number {
  let ohm: number = EV_RESISTOR_OHM.stateB;
  if (switches.stateC) ohm = parallelOhm(ohm, EV_RESISTOR_OHM.stateC + switchOnOhm);
  if (switches.stateD) ohm = parallelOhm(ohm, EV_RESISTOR_OHM.stateD + switchOnOhm);
  return ohm;
}

/**
 * The pilot state a charger should detect for `setup`: A while unplugged or
 * with PE broken (no return path: CP stays at +12 V), E with CP shorted,
 * else the state asked for. A shorted diode keeps the state's high level; the
 * charger finds it by the missing -12 V low level.
 */
export function chargerStateFor(setup: Readonly<EvSetup>): EvState | "E" {
  if (setup.state === "A" || setup.peBroken) return "A";
  if (setup.cpShorted) return "E";
  return setup.state;
}
