import { strict as assert } from "node:assert";
import { VirtualTime } from "platform/common/virtual-timers";
import { LimitTimer, SMART_RECHECK_MAX_MS, type LimitSchedule } from "ocpp/smartcharging/limit-timer";

/** A schedule of one step: `before` A until `changeAtMs`, `after` A from then on (Infinity: no limit). */
function stepSchedule(changeAtMs: number, before: number, after: number): LimitSchedule {
  return {
    currentLimitA: (_connectorId, now) => (now < changeAtMs ? before : after),
    nextChangeUtcMs: (_connectorId, now) => (now < changeAtMs ? changeAtMs : Infinity),
  };
}

describe("smart-charging LimitTimer", function () {
  let time: VirtualTime;
  let applied: (number | undefined)[][];
  let timer: LimitTimer;

  beforeEach(function () {
    time = new VirtualTime(1_000_000);
    applied = [[], []];
    const connectors = [1, 2].map((id) => ({ id, setOcppLimitA: (limitA: number | undefined) => applied[id - 1].push(limitA) }));
    timer = new LimitTimer({ connectors, timers: time, clock: { utcMs: () => time.nowMs() } });
  });

  it("applies nothing before start, then each connector's limit (Infinity as none)", function () {
    const schedule = stepSchedule(1_005_000, 16, Infinity);
    timer.apply();
    assert.deepEqual(applied, [[], []]);
    timer.start(schedule);
    assert.deepEqual(applied, [[16], [16]]);
  });

  it("re-evaluates at the schedule's next change", function () {
    timer.start(stepSchedule(1_005_000, 16, 10));
    time.advance(4_999);
    assert.deepEqual(applied[0], [16]);
    time.advance(1);
    assert.deepEqual(applied[0], [16, 10]);
  });

  it("re-evaluates at most SMART_RECHECK_MAX_MS later when nothing changes", function () {
    timer.start(stepSchedule(Infinity, 8, 8));
    time.advance(SMART_RECHECK_MAX_MS - 1);
    assert.equal(applied[0].length, 1);
    time.advance(1);
    assert.equal(applied[0].length, 2);
  });

  it("keeps one timer when apply() is called again (a limit changed)", function () {
    timer.start(stepSchedule(Infinity, 8, 8));
    timer.apply();
    timer.apply();
    time.advance(SMART_RECHECK_MAX_MS);
    assert.equal(applied[0].length, 4, "three applies, then one re-evaluation");
  });

  it("applies nothing after stop, even when its timer fires", function () {
    timer.start(stepSchedule(1_005_000, 16, 10));
    timer.stop();
    timer.apply();
    time.advance(SMART_RECHECK_MAX_MS);
    assert.deepEqual(applied, [[16], [16]]);
  });
});
