// The scenario runner against the simulator: the shipped scenarios pass, a wrong expectation
// fails at its step (later steps skipped), bad files are refused, and the CLI's exit codes.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { parseScenario } from "../../tools/scenario/scenario.ts";
import { parseLog, partialMatch, runScenario } from "../../tools/scenario/runner.ts";
import type { SimStack } from "../../tools/sim/stack.ts";
import { startQuietStack } from "../support/sim-stack.ts";

const run = promisify(execFile);
const SHIPPED = ["basic-session", "power-cut-mid-session", "offline-session", "smart-charging-limit"];

function load(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../scenarios/${name}.json`, import.meta.url), "utf8"));
}

describe("scenario runner", function () {
  this.timeout(60_000);

  describe("files", () => {
    it("every file in scenarios/ is a valid scenario (and is listed here)", () => {
      const files = readdirSync(new URL("../../scenarios/", import.meta.url)).filter((f) => f.endsWith(".json"));
      assert.deepEqual(files.map((f) => f.replace(/\.json$/, "")).sort(), [...SHIPPED].sort());
      for (const file of files) parseScenario(load(file.replace(/\.json$/, "")));
    });

    it("gives waitOffered its default tolerances", () => {
      const steps = parseScenario({
        name: "x",
        steps: [
          { do: "waitOffered", connector: 1, currentA: 10 },
          { do: "waitOffered", connector: 1, dutyPercent: 16.7, timeoutMs: 2000 },
        ],
      }).steps;
      assert.deepEqual(steps[0], { do: "waitOffered", connector: 1, currentA: 10, toleranceA: 0.5 });
      assert.deepEqual(steps[1], { do: "waitOffered", connector: 1, dutyPercent: 16.7, tolerancePercent: 0.5, timeoutMs: 2000 });
    });

    it("parses the shipped scenarios and substitutes variables (command line over file)", () => {
      for (const name of SHIPPED) assert.ok(parseScenario(load(name)).steps.length > 5, name);
      const s = parseScenario(load("basic-session"), { idTag: "04A1B2C3" });
      const card = s.steps.find((step) => step.do === "card");
      assert.deepEqual(card && card.do === "card" ? card.idTag : undefined, "04A1B2C3");
    });

    it("refuses unknown steps, unknown fields, bad values and unknown variables with the step number", () => {
      assert.throws(() => parseScenario({ name: "x", steps: [{ do: "jump" }] }), /step 1: unknown step "jump"/);
      assert.throws(
        () => parseScenario({ name: "x", steps: [{ do: "plug", connector: 1, speed: 3 }] }),
        /step 1 \(plug\): unknown field 'speed'/,
      );
      assert.throws(
        () =>
          parseScenario({
            name: "x",
            steps: [
              { do: "sleep", ms: 1 },
              { do: "ev", connector: 1, state: "Z" },
            ],
          }),
        /step 2 \(ev\): 'state' must be one of/,
      );
      assert.throws(() => parseScenario({ name: "x", steps: [{ do: "card", idTag: "${tag}" }] }), /unknown variable \$\{tag\}/);
      assert.throws(
        () => parseScenario({ name: "x", steps: [{ do: "waitEnergy", connector: 1 }] }),
        /exactly one of 'aboveWh' and 'riseWh'/,
      );
      assert.throws(() => parseScenario({ name: "x", steps: [] }), /'steps' must be a non-empty array/);
      assert.throws(
        () => parseScenario({ name: "x", steps: [{ do: "waitOffered", connector: 1, currentA: 10, dutyPercent: 16.7 }] }),
        /exactly one of 'currentA' and 'dutyPercent'/,
      );
      assert.throws(
        () => parseScenario({ name: "x", steps: [{ do: "waitOffered", connector: 1, currentA: 10, tolerancePercent: 1 }] }),
        /'tolerancePercent' goes with 'dutyPercent'/,
      );
      assert.throws(
        () => parseScenario({ name: "x", steps: [{ do: "waitOffered", connector: 1, dutyPercent: 120 }] }),
        /'dutyPercent' must be a duty cycle in % from 0 to 100/,
      );
    });

    it("matches frames and objects partially", () => {
      assert.equal(partialMatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }), true);
      assert.equal(partialMatch({ a: 1, b: { c: 2 } }, { b: { c: 3 } }), false);
      assert.equal(partialMatch({ a: null }, { a: null }), true);
      const frames = parseLog(
        '2026-01-01T00:00:00.000Z -> [2,"1","Heartbeat",{}]\n2026-01-01T00:00:00.100Z <- [3,"1",{"currentTime":"x"}]\nnot a frame\n',
      );
      assert.deepEqual(
        frames.map((f) => [f.direction, f.frame[0]]),
        [
          ["cp-to-csms", 2],
          ["csms-to-cp", 3],
        ],
      );
    });
  });

  describe("against the simulator", () => {
    let stack: SimStack;
    beforeEach(async () => {
      stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 60 } });
    });
    afterEach(async () => {
      await stack.close();
    });

    for (const name of SHIPPED) {
      it(`scenarios/${name}.json passes every step`, async () => {
        const lines: string[] = [];
        const result = await runScenario(parseScenario(load(name)), stack.bench!.url, { write: (l) => lines.push(l) });
        assert.equal(result.passed, true, lines.join("\n"));
        assert.ok(result.steps.every((s) => s.status === "pass"));
        assert.match(lines[lines.length - 1], new RegExp(`^PASSED ${name}:`));
      });
    }

    it("a scenario whose expectation is wrong fails at that step and skips the rest", async () => {
      const scenario = parseScenario({
        name: "wrong",
        timeoutMs: 400,
        steps: [
          { do: "waitConnection", state: "online", timeoutMs: 10_000 },
          { do: "plug", connector: 1 },
          { do: "waitStatus", connector: 1, status: "Charging", note: "no card: never charges" },
          { do: "unplug", connector: 1 },
        ],
      });
      const lines: string[] = [];
      const result = await runScenario(scenario, stack.bench!.url, { write: (l) => lines.push(l) });
      assert.equal(result.passed, false);
      assert.deepEqual(
        result.steps.map((s) => s.status),
        ["pass", "pass", "fail", "skip"],
      );
      assert.match(result.steps[2].error!, /timed out after 400 ms: status is Preparing/);
      assert.match(lines.join("\n"), /FAIL +3\/4 waitStatus/);
    });

    it("a waitOffered that is never met fails with what the bench measured", async () => {
      const scenario = parseScenario({
        name: "duty",
        timeoutMs: 400,
        steps: [
          { do: "waitConnection", state: "online", timeoutMs: 10_000 },
          { do: "waitOffered", connector: 1, dutyPercent: 16.7 },
        ],
      });
      const result = await runScenario(scenario, stack.bench!.url);
      assert.equal(result.passed, false);
      assert.match(result.steps[1].error!, /timed out after 400 ms: duty is 100 %, waiting for 16\.7 ± 0\.5 %/);
    });

    it("an expected frame that never comes fails; one already logged before the scenario does not count", async () => {
      const online = parseScenario({
        name: "online",
        steps: [
          { do: "waitConnection", state: "online" },
          { do: "expectFrame", action: "BootNotification", timeoutMs: 5000 },
        ],
      });
      const first = await runScenario(online, stack.bench!.url);
      assert.equal(first.passed, true, "the first BootNotification is new to the first run");
      const again = parseScenario({ name: "again", steps: [{ do: "expectFrame", action: "BootNotification", timeoutMs: 300 }] });
      const second = await runScenario(again, stack.bench!.url);
      assert.equal(second.passed, false);
      assert.match(second.steps[0].error!, /no matching frame/);
    });

    it("the CLI prints PASS per step and exits 0, and exits 1 on a failing scenario", async () => {
      const url = stack.bench!.url;
      const ok = await run(process.execPath, ["--import", "tsx", "tools/scenario/run.ts", "scenarios/basic-session.json", "--bench", url], {
        timeout: 60_000,
      });
      assert.match(ok.stdout, /PASS +1\/\d+ waitConnection/);
      assert.match(ok.stdout, /PASSED basic-session/);
      await assert.rejects(
        run(
          process.execPath,
          ["--import", "tsx", "tools/scenario/run.ts", "scenarios/basic-session.json", "--bench", "http://127.0.0.1:1"],
          { timeout: 30_000 },
        ),
        (error: Error & { code?: number; stdout?: string }) =>
          error.code === 1 && /bench API at http:\/\/127\.0\.0\.1:1 does not answer/.test(error.stdout ?? ""),
      );
    });
  });
});
