import assert from "node:assert/strict";
import { Esp32Contactor } from "hal/esp32/contactor";
import { Esp32Lock } from "hal/esp32/lock";
import { Esp32Rcd } from "hal/esp32/rcd";
import { createContactorSample } from "hal/contactor";
import { createLockSample } from "hal/lock";
import { createRcdSample } from "hal/rcd";
import { FakeEsp32Io, MODE } from "./fakes.ts";

describe("esp32 contactor", () => {
  function setup(holdMs = 0) {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    hw.level.set(35, 1); // opto open collector with pull-up: 1 = no power
    const c = new Esp32Contactor({
      output: { io: io.digital, pin: 27 },
      feedback: { io: io.digital, pin: 35, activeLow: true, holdMs },
      settleMs: 1000,
    });
    return { hw, c, s: createContactorSample() };
  }

  it("drives the coil and follows a healthy feedback without error", () => {
    const { hw, c, s } = setup();
    assert.equal(hw.level.get(27), 0);
    c.setClosed(true, 0);
    assert.equal(hw.level.get(27), 1);
    hw.level.set(35, 0);
    c.poll(50);
    c.read(s);
    assert.deepEqual([s.commandedClosed, s.feedbackClosed, s.error], [true, true, "none"]);
    c.setClosed(false, 100);
    hw.level.set(35, 1);
    c.poll(2000);
    c.read(s);
    assert.deepEqual([s.commandedClosed, s.feedbackClosed, s.error], [false, false, "none"]);
  });

  it("reports welded when power stays after opening, latched until clearError", () => {
    const { hw, c, s } = setup();
    c.setClosed(true, 0);
    hw.level.set(35, 0);
    c.poll(10);
    c.setClosed(false, 100);
    c.poll(1099);
    c.read(s);
    assert.equal(s.error, "none", "within settleMs");
    c.poll(1100);
    c.read(s);
    assert.equal(s.error, "welded");
    hw.level.set(35, 1);
    c.poll(1200);
    c.read(s);
    assert.equal(s.error, "welded", "latched");
    c.clearError();
    c.poll(1300);
    c.read(s);
    assert.equal(s.error, "none");
  });

  it("reports failed-to-close when the feedback never comes", () => {
    const { c, s } = setup();
    c.setClosed(true, 0);
    c.poll(1000);
    c.read(s);
    assert.equal(s.error, "failed-to-close");
  });

  it("holds a pulsed AC-sense feedback as closed for holdMs", () => {
    const { hw, c, s } = setup(30);
    c.setClosed(true, 0);
    for (let t = 10; t <= 3000; t += 10) {
      // Half-wave opto: asserted every other tick only.
      hw.level.set(35, (t / 10) % 2 === 1 ? 0 : 1);
      c.poll(t);
      c.read(s);
      assert.equal(s.feedbackClosed, true, `at ${t} ms`);
    }
    assert.equal(s.error, "none");
  });

  it("treats an unreadable feedback as power present (fails safe to welded)", () => {
    const { hw, c, s } = setup();
    hw.broken.add(35);
    c.poll(0);
    c.poll(1000);
    c.read(s);
    assert.equal(s.feedbackClosed, true);
    assert.equal(s.error, "welded");
  });
});

describe("esp32 RCD", () => {
  function setup(withReset = true) {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    const rcd = new Esp32Rcd({
      faults: [
        { io: io.digital, pin: 34, kind: "dc" },
        { io: io.digital, pin: 32, kind: "ac" },
      ],
      test: { io: io.digital, pin: 14 },
      reset: withReset ? { io: io.digital, pin: 13 } : undefined,
      selfTestTimeoutMs: 1000,
      resetPulseMs: 100,
      recoverMs: 200,
    });
    return { hw, rcd, s: createRcdSample() };
  }

  it("passes a self-test when the module trips on its test input, without reporting a trip", () => {
    const { hw, rcd, s } = setup();
    rcd.startSelfTest(0);
    assert.equal(hw.level.get(14), 1, "test output asserted");
    rcd.poll(10);
    rcd.read(s);
    assert.equal(s.selfTest, "running");
    hw.level.set(34, 1); // the module trips on the test current
    rcd.poll(40);
    rcd.read(s);
    // Not "passed" yet: the fault input is masked while the module recovers, and the contactor closes on "passed".
    assert.equal(s.selfTest, "running");
    assert.equal(s.tripped, false);
    assert.equal(hw.level.get(14), 0, "test output released");
    assert.equal(hw.level.get(13), 1, "reset pulse started");
    rcd.poll(140);
    assert.equal(hw.level.get(13), 0, "reset pulse ended");
    hw.level.set(34, 0); // the reset cleared the module's latch
    rcd.poll(330);
    rcd.read(s);
    assert.equal(s.selfTest, "running", "still inside the 100 ms pulse + 200 ms recovery");
    rcd.poll(400);
    rcd.read(s);
    assert.equal(s.selfTest, "passed");
    assert.equal(s.tripped, false);
  });

  it("reports a residual current that persists through the masked window as a trip in the poll that passes the test", () => {
    const { hw, rcd, s } = setup();
    rcd.startSelfTest(0);
    hw.level.set(34, 1);
    rcd.poll(40);
    rcd.poll(340);
    rcd.read(s);
    assert.deepEqual([s.selfTest, s.tripped], ["passed", true], "the pass never comes without the trip it hid");
  });

  it("fails the self-test when the module does not trip within its rated time", () => {
    const { hw, rcd, s } = setup();
    rcd.startSelfTest(0);
    rcd.poll(999);
    rcd.read(s);
    assert.equal(s.selfTest, "running");
    rcd.poll(1000);
    rcd.read(s);
    assert.equal(s.selfTest, "failed");
    assert.equal(hw.level.get(14), 0);
  });

  it("reports a trip that persists after the self-test's recovery as a real trip", () => {
    const { hw, rcd, s } = setup();
    rcd.startSelfTest(0);
    hw.level.set(34, 1);
    rcd.poll(10);
    rcd.poll(250);
    rcd.read(s);
    assert.equal(s.tripped, false, "still masked");
    rcd.poll(320);
    rcd.read(s);
    assert.equal(s.tripped, true);
    assert.equal(s.trip, "dc");
  });

  it("latches a real trip with its kind; reset clears it and a persisting residual trips again", () => {
    const { hw, rcd, s } = setup();
    hw.level.set(32, 1);
    rcd.poll(0);
    hw.level.set(32, 0);
    rcd.poll(10);
    rcd.read(s);
    assert.deepEqual([s.tripped, s.trip], [true, "ac"]);
    rcd.reset(20);
    rcd.read(s);
    assert.equal(s.tripped, false);
    hw.level.set(32, 1);
    rcd.poll(100);
    rcd.read(s);
    assert.equal(s.tripped, false, "masked during the reset pulse");
    rcd.poll(400);
    rcd.read(s);
    assert.deepEqual([s.tripped, s.trip], [true, "ac"]);
  });

  it("treats an unreadable fault input as a trip and a de-asserted status as no-response", () => {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    hw.level.set(33, 1);
    const rcd = new Esp32Rcd({
      faults: [{ io: io.digital, pin: 34 }],
      test: { io: io.digital, pin: 14 },
      status: { io: io.digital, pin: 33 },
    });
    const s = createRcdSample();
    rcd.poll(0);
    rcd.read(s);
    assert.deepEqual([s.tripped, s.error], [false, "none"]);
    hw.broken.add(34);
    hw.level.set(33, 0);
    rcd.poll(10);
    rcd.read(s);
    assert.deepEqual([s.tripped, s.trip, s.error], [true, "unknown", "no-response"]);
  });

  it("opens its inputs with the requested pulls", () => {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    new Esp32Rcd({ faults: [{ io: io.digital, pin: 34, pull: "down" }], test: { io: io.digital, pin: 14, activeLow: true } });
    assert.equal(hw.mode.get(34), MODE.InputPullDown);
    assert.equal(hw.level.get(14), 1, "active-low test output starts de-asserted");
    assert.throws(() => new Esp32Rcd({ faults: [], test: { io: io.digital, pin: 15 } }), /fault inputs/);
  });
});

describe("esp32 lock", () => {
  function setup() {
    const hw = new FakeEsp32Io();
    const io = hw.io();
    hw.level.set(17, 1); // switch to ground with pull-up: 1 = unlocked
    const lock = new Esp32Lock({
      lockOutput: { io: io.digital, pin: 4 },
      unlockOutput: { io: io.digital, pin: 16 },
      feedback: { io: io.digital, pin: 17, activeLow: true, pull: "up" },
      pulseMs: 300,
      timeoutMs: 600,
    });
    return { hw, lock, s: createLockSample() };
  }

  it("pulses the lock direction, never both bridge inputs, and reports locked from the feedback", () => {
    const { hw, lock, s } = setup();
    lock.setLocked(true, 0);
    assert.deepEqual([hw.level.get(4), hw.level.get(16)], [1, 0]);
    hw.level.set(17, 0);
    lock.poll(100);
    assert.equal(hw.level.get(4), 1, "still driving");
    lock.poll(300);
    assert.deepEqual([hw.level.get(4), hw.level.get(16)], [0, 0], "pulse over");
    lock.read(s);
    assert.deepEqual([s.commandedLocked, s.locked, s.error], [true, true, "none"]);
    lock.setLocked(false, 1000);
    assert.deepEqual([hw.level.get(4), hw.level.get(16)], [0, 1]);
    // Replay every write: the two bridge inputs are never asserted together.
    const levels = new Map<number, number>([
      [4, 0],
      [16, 0],
    ]);
    for (let i = 0; i < hw.writes.length; i++) {
      levels.set(hw.writes[i].pin, hw.writes[i].value);
      assert.ok(!(levels.get(4) === 1 && levels.get(16) === 1), `write ${i}`);
    }
  });

  it("reports lock-failed when jammed, and the next command clears it", () => {
    const { hw, lock, s } = setup();
    lock.setLocked(true, 0);
    lock.poll(599);
    lock.read(s);
    assert.equal(s.error, "none");
    lock.poll(600);
    lock.read(s);
    assert.equal(s.error, "lock-failed");
    lock.setLocked(false, 700);
    lock.read(s);
    assert.equal(s.error, "none");
    hw.level.set(17, 0); // stuck locked
    lock.poll(1300);
    lock.read(s);
    assert.equal(s.error, "unlock-failed");
  });
});
