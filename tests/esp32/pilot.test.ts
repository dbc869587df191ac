import assert from "node:assert/strict";
import { Esp32ControlPilot, type Esp32PilotOptions } from "hal/esp32/pilot";
import { createPilotSample, dutyToAmperes } from "hal/pilot";
import { CpLine, FakeEsp32Io, RAW_MINUS_12, RAW_PLUS_12 } from "./fakes.ts";

const PWM_PIN = 26;
const ADC_PIN = 36;
const SYNC_PIN = 39;

function setup(withSync: boolean, extra: Partial<Esp32PilotOptions> = {}) {
  const hw = new FakeEsp32Io();
  const io = hw.io();
  const line = new CpLine(hw, PWM_PIN);
  line.attach(ADC_PIN, withSync ? SYNC_PIN : null);
  const pilot = new Esp32ControlPilot({
    pwm: { io: io.pwm, pin: PWM_PIN },
    adc: { io: io.analog, pin: ADC_PIN, rawAtPlus12V: RAW_PLUS_12, rawAtMinus12V: RAW_MINUS_12 },
    sync: withSync ? { io: io.digital, pin: SYNC_PIN } : undefined,
    ...extra,
  });
  const sample = createPilotSample();
  let now = 0;
  /** Polls every 10 ms for `ms` and reads the sample. */
  const run = (ms: number) => {
    const end = now + ms;
    while (now < end) {
      now += 10;
      line.tUs += 10_000;
      pilot.poll(now);
    }
    pilot.read(sample);
    return sample;
  };
  return { hw, io, line, pilot, sample, run };
}

describe("esp32 control pilot", () => {
  it("drives 1 kHz PWM with the duty of the offered current, 100 % for x1 and 0 % for F", () => {
    const { hw, pilot } = setup(false);
    assert.equal(hw.pwmOptions.get(PWM_PIN)?.hz, 1000);
    assert.equal(hw.pwmValue.get(PWM_PIN), 1023, "x1 at start: steady +12 V");
    pilot.setPwm(16);
    const value = hw.pwmValue.get(PWM_PIN) as number;
    assert.ok(Math.abs(dutyToAmperes((value / 1023) * 100) - 16) < 0.05, `16 A offer, got value ${value}`);
    pilot.setPwm(63);
    assert.ok(Math.abs(dutyToAmperes(((hw.pwmValue.get(PWM_PIN) as number) / 1023) * 100) - 63) < 0.2);
    pilot.setPwm(4); // below 6 A: offer nothing
    assert.equal(hw.pwmValue.get(PWM_PIN), 1023);
    pilot.setStateF();
    assert.equal(hw.pwmValue.get(PWM_PIN), 0);
  });

  it("inverts the duty for an inverting CP stage", () => {
    const { hw, pilot } = setup(false, {});
    const hw2 = new FakeEsp32Io();
    const io2 = hw2.io();
    const inverted = new Esp32ControlPilot({
      pwm: { io: io2.pwm, pin: 5, inverted: true },
      adc: { io: io2.analog, pin: 34, rawAtPlus12V: RAW_PLUS_12, rawAtMinus12V: RAW_MINUS_12 },
    });
    assert.equal(hw2.pwmValue.get(5), 0, "x1 on an inverting stage is PWM pin low");
    inverted.setStateF();
    assert.equal(hw2.pwmValue.get(5), 1023);
    pilot.setPwm(32);
    inverted.setPwm(32);
    assert.equal((hw.pwmValue.get(PWM_PIN) as number) + (hw2.pwmValue.get(5) as number), 1023);
  });

  for (const withSync of [false, true]) {
    const mode = withSync ? "synchronised" : "bulk";
    it(`${mode}: classifies A, B, C, D and E from the high phase and checks the diode on the low phase`, () => {
      const { line, pilot, run } = setup(withSync);
      assert.equal(run(50).state, "A");
      line.evHighV = 9;
      let s = run(50);
      assert.equal(s.state, "B");
      assert.equal(s.diode, "unknown", "no diode verdict without PWM");
      pilot.setPwm(6); // 10 % duty: the shortest high phase
      line.evHighV = 6;
      s = run(50);
      assert.equal(s.state, "C");
      assert.equal(s.drive, "pwm");
      assert.ok(Math.abs(s.highV - 6) < 0.1, `highV ${s.highV}`);
      assert.ok(Math.abs(s.lowV + 12) < 0.1, `lowV ${s.lowV}`);
      assert.equal(s.diode, "ok");
      line.evHighV = 3;
      assert.equal(run(50).state, "D");
      line.diode = false;
      line.evHighV = 6;
      s = run(50);
      assert.equal(s.state, "C");
      assert.equal(s.diode, "missing");
      line.shorted = true;
      assert.equal(run(50).state, "E");
      assert.equal(s.error, "none");
    });
  }

  it("synchronised: separates the phases at 96 % duty (80 A) too", () => {
    const { line, pilot, run } = setup(true);
    line.evHighV = 6;
    pilot.setPwm(80);
    const s = run(50);
    assert.equal(s.state, "C");
    assert.ok(Math.abs(s.highV - 6) < 0.1);
  });

  it("reports state F while driving -12 V", () => {
    const { pilot, run } = setup(true);
    pilot.setStateF();
    const s = run(50);
    assert.equal(s.drive, "F");
    assert.equal(s.state, "F");
    assert.equal(s.error, "none");
  });

  it("does not carry a steady-level window into the diode check after PWM starts", () => {
    const { line, pilot, run, sample } = setup(false);
    line.evHighV = 9;
    run(50);
    pilot.setPwm(16);
    pilot.read(sample);
    assert.equal(sample.diode, "unknown", "the x1 window had no low phase");
  });

  it("reports invalid until the first window completes", () => {
    const { pilot, sample } = setup(false);
    pilot.read(sample);
    assert.equal(sample.state, "invalid");
  });

  it("reports pwm-fault when the loop-back never toggles (bounded wait) and adc-fault when the ADC throws", () => {
    const { hw, line, pilot, run } = setup(true, { spinLimit: 500 });
    pilot.setPwm(16);
    hw.digitalHook.set(SYNC_PIN, () => {
      line.tUs += 3;
      return 0;
    });
    assert.equal(run(50).error, "pwm-fault");
    assert.equal(run(50).state, "invalid");
    line.attach(ADC_PIN, SYNC_PIN);
    assert.equal(run(50).error, "none");
    hw.broken.add(ADC_PIN);
    const s = run(50);
    assert.equal(s.error, "adc-fault");
    assert.equal(s.state, "invalid");
  });

  it("reports pwm-fault when writing the PWM throws", () => {
    const { hw, pilot, sample } = setup(false);
    hw.broken.add(PWM_PIN);
    pilot.setPwm(16);
    pilot.read(sample);
    assert.equal(sample.error, "pwm-fault");
  });

  it("rejects equal calibration points", () => {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    assert.throws(
      () => new Esp32ControlPilot({ pwm: { io: io.pwm, pin: 1 }, adc: { io: io.analog, pin: 2, rawAtPlus12V: 5, rawAtMinus12V: 5 } }),
      /calibration/,
    );
  });
});
