/**
 * A DC model of the control pilot line: the charger's generator (a steady
 * level, one phase of its ±12 V PWM, through its 1 kΩ source resistor), the
 * EV network behind the plug relay (diode, resistors, shorts; ev-network.ts)
 * and the emulator's own measuring divider, which loads CP too. The line
 * voltage is the one where the currents balance (Kirchhoff's current law at
 * the CP node), found by bisection: every load draws more current as the
 * voltage rises and the generator gives less, so there is exactly one root.
 *
 * The simulated line (sim-line.ts) and the tests take their voltages from
 * here, so a level follows from the parts, not from a table.
 */
import { networkOhm, type SwitchSet } from "./ev-network";

/** Shockley diode: i = saturation × (exp(v / (ideality × thermal)) − 1). */
export interface DiodeModel {
  saturationA: number;
  ideality: number;
  thermalV: number;
}

/**
 * A small-signal silicon diode (1N4148 class) at 25 °C: about 0.65 V at 3 mA
 * and 0.70 V at 9 mA, the drop the spec's nominal 9 / 6 / 3 V levels assume.
 */
export const PILOT_DIODE: DiodeModel = Object.freeze({ saturationA: 2.7e-9, ideality: 1.8, thermalV: 0.02585 });

/** On-resistance of a closed relay of the rig (PhotoMOS class, about 1 Ω). */
export const SWITCH_ON_OHM = 1;

/** The measuring divider as CP sees it: a Thévenin source (docs/hil-bench.md, adc-front-end.ts). */
export interface ProbeLoad {
  theveninOhm: number;
  theveninV: number;
}

/** The charger's output for one phase: `sourceV` through `sourceOhm`; null: the generator is off (CP floats). */
export interface ChargerOutput {
  sourceV: number | null;
  sourceOhm: number;
}

export interface LineSolution {
  /** CP against the charger's PE: what the charger measures. */
  chargerCpV: number;
  /** CP against the EV's PE (the emulator's ground): what the emulator measures. */
  evCpV: number;
  /** Into the EV network (A). */
  evCurrentA: number;
  /** Into the measuring divider (A). */
  probeCurrentA: number;
  /** Out of the charger's generator (A). */
  sourceCurrentA: number;
}

const BISECTION_STEPS = 80;

/** Current (A) through a diode in series with `seriesOhm` with `voltsAcross` across both. */
export function diodeBranchCurrentA(voltsAcross: number, seriesOhm: number, diode: DiodeModel): number {
  // The diode's own drop lies between 0 and the voltage across the branch, with the same sign.
  let lo = voltsAcross < 0 ? voltsAcross : 0;
  let hi = voltsAcross < 0 ? 0 : voltsAcross;
  const scaleV = diode.ideality * diode.thermalV;
  for (let i = 0; i < BISECTION_STEPS; i++) {
    const dropV = (lo + hi) / 2;
    const excess = diode.saturationA * (Math.exp(dropV / scaleV) - 1) - (voltsAcross - dropV) / seriesOhm;
    if (excess > 0) hi = dropV;
    else lo = dropV;
  }
  return (voltsAcross - (lo + hi) / 2) / seriesOhm;
}

/** Current (A) into the EV side of the plug at `cpV` (against the EV's PE). */
export function evCurrentA(cpV: number, switches: Readonly<SwitchSet>, diode: DiodeModel = PILOT_DIODE): number {
  if (!switches.plug) return 0;
  let amperes = 0;
  if (switches.cpShort) amperes += cpV / SWITCH_ON_OHM;
  const ohm = networkOhm(switches, SWITCH_ON_OHM);
  amperes += switches.diodeShort ? cpV / (ohm + SWITCH_ON_OHM) : diodeBranchCurrentA(cpV, ohm, diode);
  return amperes;
}

function probeCurrentA(cpV: number, probe: ProbeLoad): number {
  return (cpV - probe.theveninV) / probe.theveninOhm;
}

/** The voltage between min and max (V) where `surplusA` (falling with the voltage) crosses zero. */
function balance(surplusA: (volts: number) => number, minV: number, maxV: number): number {
  let lo = minV;
  let hi = maxV;
  for (let i = 0; i < BISECTION_STEPS; i++) {
    const mid = (lo + hi) / 2;
    if (surplusA(mid) > 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Solves the line for one phase of the charger's output. */
export function solvePilotLine(
  output: Readonly<ChargerOutput>,
  switches: Readonly<SwitchSet>,
  probe: Readonly<ProbeLoad>,
  diode: DiodeModel = PILOT_DIODE,
): LineSolution {
  const sourceV = output.sourceV;
  const spanV = Math.max(Math.abs(sourceV ?? 0), Math.abs(probe.theveninV)) + 1;
  if (switches.peBreak) {
    // No return path between the two PEs: the charger's generator drives an open CP, and the
    // emulator's divider and EV network float together with no current through them but their own.
    const evCpV = balance((v) => -probeCurrentA(v, probe) - evCurrentA(v, switches, diode), -spanV, spanV);
    return {
      chargerCpV: sourceV ?? 0,
      evCpV,
      evCurrentA: evCurrentA(evCpV, switches, diode),
      probeCurrentA: probeCurrentA(evCpV, probe),
      sourceCurrentA: 0,
    };
  }
  const fromSourceA = (v: number): number => (sourceV === null ? 0 : (sourceV - v) / output.sourceOhm);
  const cpV = balance((v) => fromSourceA(v) - probeCurrentA(v, probe) - evCurrentA(v, switches, diode), -spanV, spanV);
  return {
    chargerCpV: cpV,
    evCpV: cpV,
    evCurrentA: evCurrentA(cpV, switches, diode),
    probeCurrentA: probeCurrentA(cpV, probe),
    sourceCurrentA: fromSourceA(cpV),
  };
}
