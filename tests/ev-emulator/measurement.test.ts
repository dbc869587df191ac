// From the line to a reading: the ADC front end and its calibration, duty to amperes (IEC 61851-1
// Annex A), the tolerance checks, and whole readings of the simulated line.
import assert from "node:assert/strict";
import {
  cpVoltsFromRaw,
  FRONT_END,
  nodeVoltsAt,
  nominalCalibration,
  rawAt,
  validCalibration,
} from "../../tools/ev-emulator/adc-front-end.ts";
import { offerForDuty } from "../../tools/ev-emulator/duty.ts";
import { bandOf, checkFrequency, checkHighLevel, checkLowLevel } from "../../tools/ev-emulator/iec-limits.ts";
import { median, MIN_PERIODS, readingFromCapture } from "../../tools/ev-emulator/measurement.ts";
import { readLine, setup } from "./helpers.ts";

describe("EV emulator: the ADC front end", () => {
  it("maps ±15 V on CP into the ESP32 ADC's 0.15..2.45 V at 12 dB attenuation", () => {
    assert.ok(nodeVoltsAt(-15) > FRONT_END.adcFloorV, `${nodeVoltsAt(-15)}`);
    assert.ok(nodeVoltsAt(15) < FRONT_END.adcFullScaleV, `${nodeVoltsAt(15)}`);
    assert.ok(Math.abs(nodeVoltsAt(0) - 1.287) < 0.001, `${nodeVoltsAt(0)}`);
    assert.deepEqual(nominalCalibration(), { rawAtPlus12V: 3558, rawAtMinus12V: 743 });
  });

  it("reads CP back within one ADC step (about 8.5 mV) from -14 V to +14 V", () => {
    const calibration = nominalCalibration();
    for (let cpV = -14; cpV <= 14; cpV += 0.37) {
      const readV = cpVoltsFromRaw(rawAt(cpV), calibration);
      assert.ok(Math.abs(readV - cpV) <= 24 / (3558 - 743), `${cpV} V read as ${readV} V`);
    }
  });

  it("clamps what the ADC cannot read", () => {
    assert.equal(rawAt(-40), Math.round((FRONT_END.adcFloorV / FRONT_END.adcFullScaleV) * FRONT_END.adcMaxRaw));
    assert.equal(rawAt(40), FRONT_END.adcMaxRaw);
  });

  it("needs its calibration: a 3.3 V rail 1 % high misreads +6 V by over 0.1 V until calibrated", () => {
    const board = { ...FRONT_END, biasV: 3.333 };
    const nominalV = cpVoltsFromRaw(rawAt(6, board), nominalCalibration());
    assert.ok(Math.abs(nominalV - 6) > 0.1, `uncalibrated: ${nominalV}`);
    const calibrated = { rawAtPlus12V: rawAt(12, board), rawAtMinus12V: rawAt(-12, board) };
    assert.ok(validCalibration(calibrated));
    assert.ok(Math.abs(cpVoltsFromRaw(rawAt(6, board), calibrated) - 6) < 0.01);
  });

  it("refuses calibrations that cannot be right", () => {
    assert.equal(validCalibration({ rawAtPlus12V: 743, rawAtMinus12V: 3558 }), false, "swapped");
    assert.equal(validCalibration({ rawAtPlus12V: 5000, rawAtMinus12V: 743 }), false, "out of range");
    assert.equal(validCalibration({ rawAtPlus12V: 1000, rawAtMinus12V: 900 }), false, "no span");
    assert.equal(validCalibration({ rawAtPlus12V: Number.NaN, rawAtMinus12V: 743 }), false);
  });
});

describe("EV emulator: duty to amperes (IEC 61851-1 Annex A)", () => {
  const cases: [number, string, number | null][] = [
    [2.9, "not-allowed", null],
    [3, "digital", null],
    [5, "digital", null],
    [7, "digital", null],
    [7.5, "not-allowed", null],
    [8, "ac", 6],
    [9.99, "ac", 6],
    [10, "ac", 6],
    [16.67, "ac", 10.002],
    [53.33, "ac", 31.998],
    [85, "ac", 51],
    [86, "ac", 55],
    [90, "ac", 65],
    [96, "ac", 80],
    [96.5, "not-allowed", null],
    [100, "not-allowed", null],
    [Number.NaN, "not-allowed", null],
  ];
  for (const [duty, kind, amperes] of cases) {
    it(`${duty} % -> ${kind}${amperes === null ? "" : ` ${amperes} A`}`, () => {
      const offer = offerForDuty(duty);
      assert.equal(offer.kind, kind);
      if (amperes === null) assert.equal(offer.amperes, null);
      else assert.ok(Math.abs(offer.amperes! - amperes) < 1e-9, `${offer.amperes}`);
    });
  }
});

describe("EV emulator: the IEC checks", () => {
  it("frequency: 980..1020 Hz", () => {
    assert.equal(checkFrequency(979.9), "low");
    assert.equal(checkFrequency(980), "ok");
    assert.equal(checkFrequency(1020), "ok");
    assert.equal(checkFrequency(1020.1), "high");
    assert.equal(checkFrequency(null), "n/a");
  });

  it("levels: the state's high band, the -12 V ± 5 % low band", () => {
    assert.equal(checkHighLevel("B", 9), "ok");
    assert.equal(checkHighLevel("B", 9.6), "high");
    assert.equal(checkHighLevel("C", 5.4), "low");
    assert.equal(checkHighLevel(null, 6), "n/a");
    assert.equal(checkLowLevel(-12), "ok");
    assert.equal(checkLowLevel(-11.3), "high");
    assert.equal(checkLowLevel(-12.7), "low");
    assert.equal(bandOf(11.9), "A");
    assert.equal(bandOf(2.9), "D");
    assert.equal(bandOf(7.5), null);
  });
});

describe("EV emulator: readings of the simulated line", () => {
  it("C with a 53.33 % PWM: 1 kHz, 32 A, +6 V and -12 V, all checks ok", () => {
    const r = readLine({ mode: "pwm", dutyPercent: 53.33 }, setup({ state: "C" }));
    assert.equal(r.signal, "pwm");
    assert.equal(r.frequencyHz, 1000);
    assert.equal(r.dutyPercent, 53.33);
    assert.equal(r.offer, "ac");
    assert.equal(r.offeredA, 32);
    assert.ok(Math.abs(r.highV! - 5.97) < 0.02, `${r.highV}`);
    assert.ok(Math.abs(r.lowV! + 11.88) < 0.02, `${r.lowV}`);
    assert.deepEqual(r.checks, { frequency: "ok", highLevel: "ok", lowLevel: "ok" });
  });

  it("B with 5 %: digital communication, no amperes, the +9 V level", () => {
    const r = readLine({ mode: "pwm", dutyPercent: 5 }, setup({ state: "B" }));
    assert.equal(r.offer, "digital");
    assert.equal(r.offeredA, null);
    assert.ok(Math.abs(r.highV! - 8.91) < 0.02, `${r.highV}`);
    assert.equal(r.checks.highLevel, "ok");
  });

  it("a charger at 1030 Hz and 13 V fails the frequency and level checks", () => {
    const r = readLine({ mode: "pwm", dutyPercent: 25, frequencyHz: 1030, highV: 13.4 }, setup({ state: "A" }));
    assert.equal(r.frequencyHz, 1030);
    assert.equal(r.offeredA, 15);
    assert.equal(r.checks.frequency, "high");
    assert.equal(r.checks.highLevel, "high");
  });

  it("the shorted diode shows in the low level: about -5.6 V, the low check fails", () => {
    const r = readLine({ mode: "pwm", dutyPercent: 30 }, setup({ state: "C", diodeShorted: true }));
    assert.ok(Math.abs(r.lowV! + 5.6) < 0.05, `${r.lowV}`);
    assert.equal(r.checks.lowLevel, "high");
  });

  it("steady +12 V unplugged is x1 (no offer), state A's band", () => {
    const r = readLine({ mode: "x1" }, setup({ state: "A" }));
    assert.equal(r.signal, "x1");
    assert.equal(r.offer, "none");
    assert.equal(r.dutyPercent, 100);
    assert.ok(Math.abs(r.highV! - 11.9) < 0.02, `${r.highV}`);
    assert.equal(r.checks.highLevel, "ok");
  });

  it("steady -12 V is F", () => {
    const r = readLine({ mode: "F" }, setup({ state: "B" }));
    assert.equal(r.signal, "F");
    assert.ok(Math.abs(r.lowV! + 11.88) < 0.02, `${r.lowV}`);
    assert.equal(r.checks.lowLevel, "ok");
    assert.equal(r.highV, null);
  });

  it("CP shorted: no PWM reaches the comparator, about 0 V (none)", () => {
    const r = readLine({ mode: "pwm", dutyPercent: 50 }, setup({ state: "C", cpShorted: true }), null);
    assert.equal(r.signal, "none");
    assert.ok(Math.abs(r.levelV!) < 0.05, `${r.levelV}`);
    assert.deepEqual(r.checks, { frequency: "n/a", highLevel: "n/a", lowLevel: "n/a" });
  });

  it("PE broken: the emulator sees no pilot although the charger drives it", () => {
    const r = readLine({ mode: "pwm", dutyPercent: 50 }, setup({ state: "C", peBroken: true }), null);
    assert.equal(r.signal, "none");
  });

  it("fewer than three periods are no PWM; the median ignores a stray sample", () => {
    const calibration = nominalCalibration();
    const capture = { periodsUs: [1000, 1000], highsUs: [500, 500], highRaw: [], lowRaw: [], steadyRaw: [rawAt(6), rawAt(6), rawAt(-12)] };
    assert.equal(MIN_PERIODS, 3);
    const r = readingFromCapture(capture, calibration, "C");
    assert.equal(r.signal, "x1");
    assert.ok(Math.abs(r.highV! - 6) < 0.01);
    assert.equal(median([3, 1, 2, 100]), 2.5);
    assert.equal(median([]), null);
  });
});
