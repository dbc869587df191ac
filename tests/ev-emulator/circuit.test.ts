// The EV network and the DC model of the pilot line: the levels follow from the parts (and
// obey Kirchhoff's and Shockley's laws), land in the IEC bands, and every fault does what it does
// to a real line.
import assert from "node:assert/strict";
import { probeLoad } from "../../tools/ev-emulator/adc-front-end.ts";
import {
  chargerStateFor,
  EV_RESISTOR_OHM,
  networkOhm,
  openSwitches,
  PP_RESISTOR_OHM,
  SWITCH_NAMES,
  switchesFor,
  type EvState,
  type SwitchSet,
} from "../../tools/ev-emulator/ev-network.ts";
import { HIGH_LEVEL_BANDS_V, LOW_LEVEL_BAND_V } from "../../tools/ev-emulator/iec-limits.ts";
import { PILOT_DIODE, solvePilotLine, SWITCH_ON_OHM, type LineSolution } from "../../tools/ev-emulator/pilot-circuit.ts";
import { setup } from "./helpers.ts";

const LOAD = probeLoad();

function solve(sourceV: number | null, switches: SwitchSet, sourceOhm = 1000): LineSolution {
  return solvePilotLine({ sourceV, sourceOhm }, switches, LOAD);
}

function closed(switches: SwitchSet): string[] {
  return SWITCH_NAMES.filter((name) => switches[name]);
}

describe("EV emulator: the EV network", () => {
  it("closes the relays of each state: the plug for B, C and D, C's or D's resistor, never both", () => {
    assert.deepEqual(closed(switchesFor(setup({ state: "A" }))), []);
    assert.deepEqual(closed(switchesFor(setup({ state: "B" }))), ["plug"]);
    assert.deepEqual(closed(switchesFor(setup({ state: "C" }))), ["plug", "stateC"]);
    assert.deepEqual(closed(switchesFor(setup({ state: "D" }))), ["plug", "stateD"]);
  });

  it("keeps the diode and CP shorts behind the plug; PE break and the PP resistor act unplugged too", () => {
    assert.deepEqual(closed(switchesFor(setup({ state: "A", diodeShorted: true, cpShorted: true }))), []);
    assert.deepEqual(closed(switchesFor(setup({ state: "C", diodeShorted: true, cpShorted: true }))), [
      "plug",
      "stateC",
      "diodeShort",
      "cpShort",
    ]);
    assert.deepEqual(closed(switchesFor(setup({ state: "A", peBroken: true, cableA: 32 }))), ["peBreak", "pp32"]);
    for (const ratingA of [13, 20, 32, 63] as const) {
      assert.deepEqual(closed(switchesFor(setup({ cableA: ratingA }))), [`pp${ratingA}`]);
    }
    assert.deepEqual(PP_RESISTOR_OHM, { 13: 1500, 20: 680, 32: 220, 63: 100 });
  });

  it("gives 2.74 kΩ for B, 882 Ω for C and 246 Ω for D behind the diode", () => {
    assert.equal(networkOhm(switchesFor(setup({ state: "B" })), 0), EV_RESISTOR_OHM.stateB);
    assert.ok(Math.abs(networkOhm(switchesFor(setup({ state: "C" })), 0) - 882) < 0.5);
    assert.ok(Math.abs(networkOhm(switchesFor(setup({ state: "D" })), 0) - 246) < 0.5);
  });

  it("names the state a charger should detect: A unplugged or with PE broken, E with CP shorted", () => {
    assert.equal(chargerStateFor(setup({ state: "A", cpShorted: true })), "A");
    assert.equal(chargerStateFor(setup({ state: "C" })), "C");
    assert.equal(chargerStateFor(setup({ state: "C", cpShorted: true })), "E");
    assert.equal(chargerStateFor(setup({ state: "D", peBroken: true })), "A");
    assert.equal(chargerStateFor(setup({ state: "B", diodeShorted: true })), "B");
  });
});

describe("EV emulator: the pilot line model", () => {
  const nominal: Record<EvState, number> = { A: 12, B: 9, C: 6, D: 3 };

  for (const state of ["A", "B", "C", "D"] as const) {
    it(`state ${state}: +12 V through 1 kΩ gives about ${nominal[state]} V, inside the IEC band`, () => {
      const high = solve(12, switchesFor(setup({ state })));
      assert.ok(Math.abs(high.chargerCpV - nominal[state]) < 0.15, `${state}: ${high.chargerCpV} V`);
      const band = HIGH_LEVEL_BANDS_V[state];
      assert.ok(high.chargerCpV >= band.minV && high.chargerCpV <= band.maxV, `${state}: ${high.chargerCpV} V`);
      assert.equal(high.evCpV, high.chargerCpV, "one node while PE is whole");
    });
  }

  it("balances the currents at CP and follows Shockley's law across the diode (state C)", () => {
    const switches = switchesFor(setup({ state: "C" }));
    const s = solve(12, switches);
    assert.ok(Math.abs(s.sourceCurrentA - s.evCurrentA - s.probeCurrentA) < 1e-9, "Kirchhoff at CP");
    assert.ok(Math.abs(s.sourceCurrentA - (12 - s.chargerCpV) / 1000) < 1e-12);
    const dropV = s.evCpV - s.evCurrentA * networkOhm(switches, SWITCH_ON_OHM);
    const shockleyA = PILOT_DIODE.saturationA * (Math.exp(dropV / (PILOT_DIODE.ideality * PILOT_DIODE.thermalV)) - 1);
    assert.ok(
      Math.abs(shockleyA - s.evCurrentA) / s.evCurrentA < 1e-6,
      `diode ${dropV} V carries ${shockleyA} A, branch ${s.evCurrentA} A`,
    );
    assert.ok(dropV > 0.6 && dropV < 0.75, `a silicon diode's drop: ${dropV} V`);
    assert.ok(s.evCurrentA > 5.9e-3 && s.evCurrentA < 6.1e-3, `about 6 mA: ${s.evCurrentA}`);
  });

  it("the measuring divider loads CP a little: state A reads below the open-circuit 12 V", () => {
    const s = solve(12, openSwitches());
    assert.ok(s.chargerCpV < 11.95 && s.chargerCpV > 11.85, `${s.chargerCpV}`);
    assert.ok(Math.abs(s.probeCurrentA - (s.chargerCpV - LOAD.theveninV) / LOAD.theveninOhm) < 1e-15);
  });

  it("the diode blocks the low phase: about -12 V and no current into the EV", () => {
    const s = solve(-12, switchesFor(setup({ state: "C" })));
    assert.ok(s.chargerCpV >= LOW_LEVEL_BAND_V.minV && s.chargerCpV <= LOW_LEVEL_BAND_V.maxV, `${s.chargerCpV}`);
    assert.ok(Math.abs(s.evCurrentA) < 1e-8, `reverse leakage only: ${s.evCurrentA}`);
  });

  it("a shorted diode makes the low phase the mirror of the high one (the charger's diode check)", () => {
    const switches = switchesFor(setup({ state: "C", diodeShorted: true }));
    const high = solve(12, switches);
    const low = solve(-12, switches);
    assert.ok(Math.abs(high.chargerCpV + low.chargerCpV) < 0.05, `${high.chargerCpV} / ${low.chargerCpV}`);
    assert.ok(low.chargerCpV > -6 && low.chargerCpV < -5.2, `${low.chargerCpV}`);
    // Without the diode's drop the high level is the plain divider 882 / 1882 of 12 V.
    assert.ok(Math.abs(high.chargerCpV - (12 * 882) / 1882) < 0.1, `${high.chargerCpV}`);
  });

  it("CP shorted to PE (state E) pulls both phases to about 0 V", () => {
    const switches = switchesFor(setup({ state: "B", cpShorted: true }));
    assert.ok(Math.abs(solve(12, switches).chargerCpV) < 0.02);
    assert.ok(Math.abs(solve(-12, switches).chargerCpV) < 0.02);
  });

  it("PE broken: the charger sees an open CP (+12 V), the emulator no pilot and no current", () => {
    const s = solve(12, switchesFor(setup({ state: "C", peBroken: true })));
    assert.equal(s.chargerCpV, 12);
    assert.equal(s.sourceCurrentA, 0);
    assert.ok(Math.abs(s.evCpV) < 1, `${s.evCpV}`);
    assert.ok(Math.abs(s.evCurrentA + s.probeCurrentA) < 1e-9, "no current leaves the floating network");
  });

  it("the generator off leaves CP floating at the divider's own level", () => {
    const s = solve(null, switchesFor(setup({ state: "B" })));
    assert.equal(s.sourceCurrentA, 0);
    assert.ok(Math.abs(s.chargerCpV) < 1, `${s.chargerCpV}`);
  });

  it("the state bands hold the generator's whole ±5 % (11.4 V .. 12.6 V)", () => {
    for (const state of ["B", "C", "D"] as const) {
      const band = HIGH_LEVEL_BANDS_V[state];
      for (const sourceV of [11.4, 12.6]) {
        const v = solve(sourceV, switchesFor(setup({ state }))).chargerCpV;
        assert.ok(v >= band.minV && v <= band.maxV, `${state} at ${sourceV} V: ${v} V outside ${band.minV}..${band.maxV}`);
      }
    }
  });

  it("a source resistance off by 10 % moves state C out of its band (so the check can fail)", () => {
    const v = solve(12, switchesFor(setup({ state: "C" })), 1200).chargerCpV;
    assert.ok(v < HIGH_LEVEL_BANDS_V.C.minV, `${v}`);
  });
});
