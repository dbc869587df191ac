import { strict as assert } from "node:assert";
import { OffsetClock } from "platform/common/offset-clock";
import { TimersLoopDriver, VirtualTime } from "platform/common/virtual-timers";
import { HostTimers } from "platform/host/timers";
import { createHostClock } from "platform/host/clock";

describe("clock and timers", function () {
  it("keeps the wall clock as an offset that setting does not disturb monotonic time", function () {
    const time = new VirtualTime(1000);
    const clock = new OffsetClock(() => time.nowMs(), 0, false);
    assert.equal(clock.isSynced(), false);
    assert.equal(clock.utcMs(), 0);
    clock.setUtc(1_700_000_000_000, "ocpp");
    time.advance(1500);
    assert.equal(clock.isSynced(), true);
    assert.equal(clock.utcMs(), 1_700_000_001_500);
    assert.equal(clock.monotonicMs(), 2500);
    clock.setUtc(Number.NaN, "ocpp");
    assert.equal(clock.utcMs(), 1_700_000_001_500, "a bad time is ignored");
  });

  it("starts the host clock unsynced unless the system clock is trusted", function () {
    assert.equal(createHostClock().isSynced(), false);
    assert.equal(createHostClock(true).isSynced(), true);
  });

  it("fires virtual timers in due order, periodic ones repeatedly, cleared ones never", function () {
    const time = new VirtualTime();
    const fired: string[] = [];
    time.once(() => fired.push("b@" + time.nowMs()), 30);
    time.once(() => fired.push("a@" + time.nowMs()), 10);
    const periodic = time.every(() => fired.push("p@" + time.nowMs()), 25);
    const cancelled = time.once(() => fired.push("never"), 5);
    time.clear(cancelled);
    time.advance(60);
    time.clear(periodic);
    time.advance(100);
    assert.deepEqual(fired, ["a@10", "p@25", "b@30", "p@50"]);
    assert.equal(time.pending, 0);
  });

  it("drives the control loop at its period and stops", function () {
    const time = new VirtualTime();
    const driver = new TimersLoopDriver(time, () => time.nowMs());
    const ticks: number[] = [];
    driver.start((nowMs) => ticks.push(nowMs), 10);
    assert.equal(driver.running, true);
    time.advance(35);
    driver.stop();
    time.advance(100);
    assert.deepEqual(ticks, [10, 20, 30]);
    assert.equal(driver.running, false);
  });

  it("runs host timers and clears them all", async function () {
    const timers = new HostTimers();
    let fired = 0;
    timers.once(() => fired++, 1);
    const never = timers.once(() => (fired += 100), 5);
    timers.clear(never);
    await new Promise((resolve) => setTimeout(resolve, 20));
    timers.every(() => (fired += 1000), 1);
    timers.clearAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(fired, 1);
  });
});
