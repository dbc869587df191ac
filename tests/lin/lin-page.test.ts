// The bench page over `--target lin` in headless Chromium: the same charts as on the Node
// simulator, fed over the bench link (the offer plotted once the EV charges, the composite
// schedule's step after a SetChargingProfile). Needs the lin build and a Chromium; skips, saying
// which is missing, without them (never in CI).
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { MemoryLogSink } from "platform/host/log-console";
import type { LinBuild } from "../../tools/lin/build.ts";
import type { LinStack } from "../../tools/lin/lin-stack.ts";
import { chromiumOrSkip, launchHeadless, waitInPage, type HeadlessBrowser } from "../support/chromium.ts";
import { getState, post } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";
import { linBuildOrSkip, logExchange, startQuietLinStack, xsAborts } from "../support/lin-stack.ts";

const WAIT = 60_000;

async function attr(page: Page, testId: string, name: string): Promise<string> {
  return (await page.getByTestId(testId).getAttribute(name)) ?? "";
}

describe("bench page charts on the lin firmware (headless Chromium)", function () {
  this.timeout(240_000);
  let build: LinBuild;
  let executable: string;
  let stack: (LinStack & { logs: MemoryLogSink }) | undefined;
  let browser: HeadlessBrowser | undefined;

  before(function () {
    this.timeout(1_800_000); // the first build of a fresh clone
    executable = chromiumOrSkip(this);
    build = linBuildOrSkip(this);
  });

  afterEach(async function () {
    logExchange("lin-page.log", this.currentTest?.fullTitle() ?? "?", stack);
    const aborts = xsAborts(stack);
    await browser?.close();
    browser = undefined;
    await stack?.close();
    stack = undefined;
    assert.deepEqual(aborts, [], "the firmware aborted (XS)");
  });

  it("plots the session and draws the schedule's step, as on the simulator", async () => {
    stack = await startQuietLinStack(build);
    const url = stack.bench!.url;
    await waitUntil("the charger online", async () => (await getState(url)).connection === "online", WAIT, 100);
    browser = await launchHeadless(executable);
    const page = await browser.newPage();
    await page.goto(url);
    await waitInPage(
      page,
      "the flat schedule",
      async () => ((await attr(page, "connector-1-schedule", "data-state")) === "ok" ? true : undefined),
      WAIT,
    );
    assert.deepEqual(JSON.parse(await attr(page, "connector-1-schedule", "data-periods")), [[0, 32]]);

    await post(url, "/ev", { connector: 1, state: "B" });
    await waitUntil("Preparing", async () => (await getState(url)).connectors[0].ocppStatus === "Preparing", WAIT, 100);
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    await post(url, "/ev", { connector: 1, state: "C" });
    const offered = await waitInPage(
      page,
      "the offer plotted",
      async () => {
        const values = ((await attr(page, "connector-1-series-offered", "data-values")) || "").split(",").filter((v) => v !== "");
        const peak = Math.max(...values.map(Number));
        return peak >= 6 ? peak : undefined;
      },
      WAIT,
    );
    assert.equal(offered, (await getState(url)).connectors[0].offeredA);
    await waitInPage(
      page,
      "current drawn on L1",
      async () => ((await attr(page, "connector-1-series-l1", "data-values")).split(",").some((v) => Number(v) > 0) ? true : undefined),
      WAIT,
    );

    const transactionId = (await getState(url)).connectors[0].transactionId;
    await post(url, "/csms/setChargingProfile", {
      connector: 1,
      chargingProfile: {
        chargingProfileId: 2,
        stackLevel: 0,
        chargingProfilePurpose: "TxProfile",
        transactionId,
        chargingProfileKind: "Relative",
        chargingSchedule: {
          chargingRateUnit: "A",
          chargingSchedulePeriod: [
            { startPeriod: 0, limit: 20 },
            { startPeriod: 900, limit: 10 },
          ],
        },
      },
    });
    const periods = await waitInPage(
      page,
      "the step",
      async () => {
        const value = JSON.parse(await attr(page, "connector-1-schedule", "data-periods")) as number[][];
        // The composite starts at the whole second before the request: asked within the
        // transaction's first second it opens with a period of at most a second at the old limit,
        // and every later period is that much later (CI saw the drop at +901 s).
        const lead = value.length > 2 && value[1][0] <= 1 ? value[1][0] : 0;
        const steps = lead > 0 ? value.slice(1).map((p) => [p[0] - lead, p[1]]) : value;
        return steps.length === 2 ? steps : undefined;
      },
      WAIT,
    );
    // Relative to the transaction's start, a few seconds ago: the drop comes that much before +900 s.
    assert.deepEqual(
      periods.map((p) => p[1]),
      [20, 10],
    );
    assert.equal(periods[0][0], 0);
    assert.ok(periods[1][0] > 840 && periods[1][0] <= 900, `the drop at +${periods[1][0]} s`);
    await waitInPage(
      page,
      "the 20 A limit figure",
      async () => ((await page.getByTestId("connector-1-limit").textContent()) === "20.0" ? true : undefined),
      WAIT,
    );
    assert.deepEqual(page.errors, []);
  });
});
