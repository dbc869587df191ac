/**
 * What a bench does to the simulated board: the EV's pilot state and the
 * hardware faults. Shared by the Node simulator (tools/sim) and the lin
 * build's bench link, so both inject exactly the same way.
 */
import type { SimConnector } from "hal/sim/board";

/** IEC 61851-1 control-pilot states a simulated EV can be asked for. */
export const SIM_PILOT_STATES = Object.freeze(["A", "B", "C", "D", "E", "F"] as const);
export type SimPilotState = (typeof SIM_PILOT_STATES)[number];

/** Faults the bench can inject into the simulated hardware. */
export const SIM_FAULT_KINDS = Object.freeze([
  "rcd-dc",
  "rcd-ac",
  "weld",
  "diode",
  "pilot-short",
  "meter-offline",
  "lock-jam",
  "over-temp",
] as const);
export type SimFaultKind = (typeof SIM_FAULT_KINDS)[number];

/** Maps one bench fault kind to the simulated hardware. */
export function applySimFault(sim: SimConnector, kind: SimFaultKind, active: boolean): void {
  const faults = sim.faults;
  switch (kind) {
    case "rcd-dc":
      faults.residual = active ? "dc" : faults.residual === "dc" ? "none" : faults.residual;
      break;
    case "rcd-ac":
      faults.residual = active ? "ac" : faults.residual === "ac" ? "none" : faults.residual;
      break;
    case "weld":
      faults.welded = active;
      break;
    case "diode":
      sim.ev.diode = !active;
      break;
    case "pilot-short":
      faults.pilotShort = active;
      break;
    case "meter-offline":
      faults.meterOffline = active;
      break;
    case "lock-jam":
      // The lock motor stalls: the feedback no longer follows the command (lock or unlock fails).
      faults.lockJammed = active;
      break;
    case "over-temp":
      // A loose terminal: it reads 95 °C at once (above the 85 °C trip) and keeps heating; cleared,
      // the heat source goes and the terminals cool toward ambient (the fault resets below 60 °C).
      faults.overTemperature = active;
      if (active && sim.temperatureC < 95) sim.temperatureC = 95;
      break;
  }
}

/**
 * Makes the simulated EV present `state`; returns an error text for a state it
 * cannot present (F: inject the 'diode' fault instead). `pilotShortFault`: the
 * 'pilot-short' fault is injected (it keeps CP shorted after leaving E).
 */
export function presentSimEvState(sim: SimConnector, state: SimPilotState, pilotShortFault: boolean): string | undefined {
  const ev = sim.ev;
  if (state === "F") return "a simulated EV cannot present state F (-12 V); inject the 'diode' fault instead";
  if (state === "A") ev.unplug();
  else {
    if (!ev.plugged) ev.plug();
    ev.ready = state === "C" || state === "D" || state === "E";
    ev.ventilation = state === "D";
  }
  // State E: the EV shorts CP to PE; the injected pilot-short fault does the same.
  sim.faults.pilotShort = state === "E" || pilotShortFault;
  return undefined;
}
