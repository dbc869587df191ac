import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createSimulatedBoardLoop } from "../../tools/sim/simulated-board-loop.ts";
import { InterlockMonitor, PATH_NAMES } from "../../tools/safety/interlock.ts";
import { runWalk, v1Board, ACTION_KINDS, type ActionKind, type WalkAction } from "../../tools/safety/walk.ts";
import { shrinkWalk } from "../../tools/safety/shrink.ts";
import { boardForSeed, WALK_BOARDS } from "../../tools/safety/boards.ts";

/**
 * The control loop's electrical-safety invariant (tools/safety/interlock.ts, docs/control-loop.md
 * "The interlock invariant") as a property over many seeds of the random walk, not two.
 */

/** The 12 of 300 seeds (100..399, 300,000 steps) of the first walk that closed with the temperature sensor open (issue 13), and each one's sequence shrunk with the loop as it was. */
const FIRST_WALK_FAILURES: readonly { seed: number; step: number; shrunk: readonly [number, number, ActionKind, number][] }[] = [
  {
    seed: 102,
    step: 45661,
    shrunk: [
      [0, 1, "failToClose", 1],
      [1, 1, "plug", 0],
      [2, 1, "permission", 1],
      [3, 1, "ready", 1],
      [75, 1, "sensorOpen", 1],
      [76, 1, "clearFaults", 0],
    ],
  },
  {
    seed: 127,
    step: 135990,
    shrunk: [
      [0, 0, "plug", 0],
      [1, 0, "ready", 1],
      [13, 0, "permission", 1],
      [14, 0, "permission", 0],
      [15, 0, "sensorOpen", 1],
      [31, 0, "permission", 1],
    ],
  },
  {
    seed: 149,
    step: 37178,
    shrunk: [
      [0, 1, "plug", 0],
      [1, 1, "ready", 1],
      [2, 1, "permission", 1],
      [7, 1, "plug", 0],
      [8, 1, "sensorOpen", 1],
      [9, 1, "permission", 0],
      [10, 1, "ready", 1],
      [11, 1, "permission", 1],
    ],
  },
  {
    seed: 183,
    step: 89874,
    shrunk: [
      [0, 1, "plug", 0],
      [1, 1, "ready", 1],
      [2, 1, "permission", 1],
      [3, 1, "failToClose", 1],
      [40, 1, "sensorOpen", 1],
      [41, 1, "clearFaults", 0],
    ],
  },
  {
    seed: 209,
    step: 262223,
    shrunk: [
      [0, 1, "plug", 0],
      [1, 1, "permission", 1],
      [2, 1, "ready", 1],
      [217, 1, "availability", 0],
      [218, 1, "ready", 0],
      [219, 1, "sensorOpen", 1],
      [220, 1, "ready", 1],
      [221, 1, "availability", 1],
    ],
  },
  {
    seed: 227,
    step: 270835,
    shrunk: [
      [0, 1, "failToClose", 1],
      [1, 1, "permission", 1],
      [2, 1, "plug", 0],
      [3, 1, "ready", 1],
      [60, 1, "sensorOpen", 1],
      [61, 1, "clearFaults", 0],
    ],
  },
  {
    seed: 243,
    step: 155662,
    shrunk: [
      [0, 0, "failToClose", 1],
      [1, 0, "permission", 1],
      [2, 0, "plug", 0],
      [3, 0, "ready", 1],
      [37, 0, "sensorOpen", 1],
      [38, 0, "clearFaults", 0],
    ],
  },
  {
    seed: 249,
    step: 91702,
    shrunk: [
      [0, 0, "plug", 0],
      [1, 0, "permission", 1],
      [2, 0, "ready", 1],
      [12, 0, "availability", 0],
      [13, 0, "plug", 0],
      [14, 0, "sensorOpen", 1],
      [15, 0, "ready", 1],
      [16, 0, "availability", 1],
    ],
  },
  {
    seed: 293,
    step: 213596,
    shrunk: [
      [0, 0, "plug", 0],
      [1, 0, "permission", 1],
      [2, 0, "ready", 1],
      [155, 0, "ocppLimit", 4],
      [156, 0, "plug", 0],
      [157, 0, "sensorOpen", 1],
      [158, 0, "ready", 1],
      [159, 0, "ocppLimit", 6],
    ],
  },
  {
    seed: 323,
    step: 204208,
    shrunk: [
      [0, 1, "plug", 0],
      [1, 1, "ready", 1],
      [2, 1, "permission", 1],
      [29, 1, "pilotShort", 1],
      [30, 1, "sensorOpen", 1],
      [86, 1, "pilotShort", 0],
    ],
  },
  {
    seed: 355,
    step: 224448,
    shrunk: [
      [0, 1, "welded", 1],
      [1, 1, "permission", 1],
      [2, 1, "plug", 0],
      [3, 1, "ready", 1],
      [15, 1, "plug", 0],
      [32, 1, "ready", 1],
      [36, 1, "sensorOpen", 1],
      [37, 1, "clearFaults", 0],
    ],
  },
  {
    seed: 387,
    step: 262145,
    shrunk: [
      [0, 0, "plug", 0],
      [1, 0, "ready", 1],
      [2, 0, "permission", 1],
      [18, 0, "plug", 0],
      [19, 0, "permission", 0],
      [20, 0, "sensorOpen", 1],
      [21, 0, "ready", 1],
      [22, 0, "permission", 1],
    ],
  },
];

function actions(list: readonly [number, number, ActionKind, number][]): WalkAction[] {
  return list.map(([step, connector, kind, value]) => ({ step, connector, kind, value }));
}

describe("control loop safety: the interlock invariant as a property", function () {
  this.timeout(120_000);

  it("holds for 64 seeds x 60,000 steps over every walk board, each path reached by several seeds (npm run safety)", function () {
    const out = execFileSync("npx", ["tsx", "tools/safety/cli.ts", "--seeds", "64", "--steps", "60000", "--jobs", "2"], {
      encoding: "utf8",
    });
    const lines = out.trim().split("\n");
    assert.equal(lines.length, 1, "one JSON line");
    const report = JSON.parse(lines[0]) as {
      seeds: number;
      steps: number;
      violations: number;
      failures: unknown[];
      seedsReaching: Record<string, string>;
      boards: Record<string, number>;
    };
    assert.equal(report.violations, 0, `violations: ${JSON.stringify(report.failures)}`);
    assert.equal(report.seeds, 64);
    assert.equal(report.steps, 64 * 60_000);
    for (const board of WALK_BOARDS)
      assert.ok((report.boards[board.name] ?? 0) >= 10, `board ${board.name} walked by ${report.boards[board.name]} seeds`);
    for (const path of PATH_NAMES) {
      const [reached, applicable] = report.seedsReaching[path].split("/").map(Number);
      // Several seeds per path: at least a quarter of those whose board has it.
      assert.ok(reached >= applicable / 4 && reached >= 8, `path ${path} reached by ${reached} of ${applicable} seeds`);
    }
  });

  describe("seeds that broke it in the first walk (each a regression test)", function () {
    for (const failure of FIRST_WALK_FAILURES) {
      it(`seed ${failure.seed}: no close with the temperature sensor open (step ${failure.step} of the first walk, and its ${failure.shrunk.length}-action sequence)`, function () {
        const walk = runWalk({ seed: failure.seed, steps: failure.step + 1, mix: "v1" });
        assert.equal(walk.violation, null, JSON.stringify(walk.violation));
        assert.ok(walk.paths.charged > 0);
        const lastStep = failure.shrunk[failure.shrunk.length - 1][0];
        const replay = runWalk({
          seed: failure.seed,
          steps: lastStep + 1000,
          board: v1Board(failure.seed),
          actions: actions(failure.shrunk),
        });
        assert.equal(replay.violation, null, JSON.stringify(replay.violation));
      });
    }
  });

  it("the first walk's 300 seeds 100..399 hold too (v1 mix, 20,000 steps each here; npm run safety -- --mix v1 for the full length)", function () {
    for (let seed = 100; seed < 400; seed++) {
      const walk = runWalk({ seed, steps: 20_000, mix: "v1" });
      assert.equal(walk.violation, null, `seed ${seed}: ${JSON.stringify(walk.violation)}`);
    }
  });

  it("catches a violation of each clause (the monitor can fail)", function () {
    const charger = createSimulatedBoardLoop({ connectors: 2, withLock: [true, false] });
    const monitor = new InterlockMonitor(charger.loop, charger.sims, { pwmOffGraceMs: 6000, temperatureDetectMs: 0 });
    const c = charger.loop.connector(1);
    const sim = charger.sims[0];
    let nowMs = 0;
    const tick = (): string | null => {
      nowMs += 10;
      monitor.beforeTick(nowMs);
      charger.loop.tick(nowMs);
      return monitor.afterTick(nowMs);
    };
    monitor.permitted[0] = true;
    c.setPermission(true);
    sim.ev.plug();
    sim.ev.ready = true;
    for (let i = 0; i < 300 && !c.snapshot.relayClosed; i++) assert.equal(tick(), null);
    assert.equal(c.snapshot.relayClosed, true, "charging");
    // Each world change below is judged without a tick: the loop had no chance to act, so the clause must fire.
    const judge = (change: () => void, undo: () => void, expected: RegExp): void => {
      change();
      monitor.beforeTick(nowMs);
      assert.match(monitor.afterTick(nowMs) ?? "no violation", expected);
      undo();
    };
    judge(
      () => (sim.faults.residual = "dc"),
      () => (sim.faults.residual = "none"),
      /residual current/,
    );
    judge(
      () => (sim.ev.ready = false),
      () => (sim.ev.ready = true),
      /not in C\/D/,
    );
    judge(
      () => (sim.faults.temperatureSensorOpen = true),
      () => (sim.faults.temperatureSensorOpen = false),
      /temperature sensor open/,
    );
    judge(
      () => (sim.temperatureC = 90),
      () => (sim.temperatureC = 30),
      /trip/,
    );
    judge(
      () => (sim.ev.diode = false),
      () => (sim.ev.diode = true),
      /no diode/,
    );
    judge(
      () => (monitor.circuitLimitA = 4),
      () => (monitor.circuitLimitA = 32),
      /over the 4 A circuit/,
    );
    judge(
      () => (sim.faults.rcdDead = true),
      () => (sim.faults.rcdDead = false),
      /RCD module/,
    );
    judge(
      () => charger.sims[1].hal.contactor.setClosed(true, nowMs),
      () => charger.sims[1].hal.contactor.setClosed(false, nowMs),
      /commanded the other way/,
    );
    judge(
      () => sim.hal.lock?.setLocked(false, nowMs - 1000),
      () => sim.hal.lock?.setLocked(true, nowMs - 1000),
      /confirmed lock/,
    );
    monitor.permitted[0] = false;
    judge(
      () => (nowMs += 6020),
      () => undefined,
      /after it stopped being entitled/,
    );
  });

  it("reports a violation with its seed and step and shrinks it to a few actions (a 0 ms grace the loop does not keep)", function () {
    const board = boardForSeed(1);
    let failing = null;
    for (let seed = 1; seed <= 20 && !failing; seed++) {
      const walk = runWalk({ seed, steps: 60_000, board, record: true, bounds: { pwmOffGraceMs: 0 } });
      if (walk.violation) failing = walk;
    }
    assert.ok(failing?.violation, "a 0 ms grace is broken within 20 seeds");
    assert.match(failing.violation.message, /stopped being entitled/);
    const shrunk = shrinkWalk(failing, board, 3000, { pwmOffGraceMs: 0 });
    assert.ok(shrunk.actions.length <= 8, `shrunk to ${shrunk.actions.length} actions`);
    assert.ok(shrunk.actions.length < failing.actions.length);
    const replay = runWalk({ seed: failing.seed, steps: shrunk.step + 1, board, actions: shrunk.actions, bounds: { pwmOffGraceMs: 0 } });
    assert.equal(replay.violation?.step, shrunk.step, "the shrunk sequence reproduces it at its step");
    for (const a of shrunk.actions) assert.ok((ACTION_KINDS as readonly string[]).includes(a.kind));
  });
});
