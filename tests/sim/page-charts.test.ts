// The bench page's charts in headless Chromium over the real simulated charger: a live chart per
// connector that follows a session driven through the bench API, its bounded history, the
// composite schedule's step after a SetChargingProfile (the same periods the charger gives the
// CSMS), a target that cannot answer (501 shown), and a phone-sized screen without horizontal
// overflow. Skipped, saying so, without a Chromium (never in CI).
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { FakeBenchTarget } from "../../tools/bench-api/fake-target.ts";
import { startBenchApi, type BenchApi } from "../../tools/bench-api/server.ts";
import { BenchTargetUnsupported } from "../../tools/bench-api/target.ts";
import type { SimStack } from "../../tools/sim/stack.ts";
import { chromiumOrSkip, launchHeadless, waitInPage, type HeadlessBrowser } from "../support/chromium.ts";
import { getState, post, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

const ID = "SIM-0001";

interface Layout {
  scrollWidth: number;
  clientWidth: number;
  /** Elements whose right edge is past the viewport's. */
  wider: string[];
  charts: { width: number; viewBoxWidth: number }[];
}

async function attr(page: Page, testId: string, name: string): Promise<string> {
  return (await page.getByTestId(testId).getAttribute(name)) ?? "";
}

async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).textContent()) ?? "").trim();
}

/** The values a series plots, oldest first (null where its line breaks). */
async function plotted(page: Page, connector: number, series: string): Promise<(number | null)[]> {
  const text = await attr(page, `connector-${connector}-series-${series}`, "data-values");
  return text === "" ? [] : text.split(",").map((v) => (v === "" ? null : Number(v)));
}

/** The y coordinates a path visits (M x y, V y; H keeps y). */
function pathYs(d: string): number[] {
  const ys: number[] = [];
  for (const match of d.matchAll(/([MV])(-?[\d.]+)(?: (-?[\d.]+))?/g)) ys.push(Number(match[1] === "M" ? match[3] : match[2]));
  return ys;
}

describe("bench page charts in headless Chromium", function () {
  this.timeout(120_000);
  let executable: string;
  let browser: HeadlessBrowser | undefined;
  let stack: SimStack | undefined;
  let api: BenchApi | undefined;

  before(function () {
    executable = chromiumOrSkip(this);
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await stack?.close();
    stack = undefined;
    await api?.close();
    api = undefined;
  });

  async function openPage(connectors: number, viewport?: { width: number; height: number }): Promise<Page & { errors: string[] }> {
    stack = await startQuietStack({ connectors, devCsms: { heartbeatIntervalS: 60 } });
    browser = await launchHeadless(executable);
    const page = await browser.newPage();
    if (viewport) await page.setViewportSize(viewport);
    await page.goto(stack.bench!.url);
    await waitInPage(page, "the page live and the charger online", async () =>
      (await textOf(page, "live-state")) === "live" && (await textOf(page, "connection-state")) === "online" ? true : undefined,
    );
    return page;
  }

  async function startSession(url: string, connector: number): Promise<void> {
    await post(url, "/ev", { connector, state: "B" });
    await waitUntil("Preparing", async () => (await getState(url)).connectors[connector - 1].ocppStatus === "Preparing", 20_000, 100);
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector });
    await post(url, "/ev", { connector, state: "C" });
  }

  it("draws a chart per connector whose offered and drawn series move when the EV charges", async () => {
    const page = await openPage(2);
    const url = stack!.bench!.url;
    for (const n of [1, 2]) assert.equal(await page.getByTestId(`connector-${n}-chart`).count(), 1, `connector ${n} has a chart`);
    await waitInPage(page, "two idle samples", async () => Number(await attr(page, "connector-1-chart", "data-samples")) >= 2);
    const idle = await plotted(page, 1, "offered");
    assert.ok(idle.length >= 2 && idle.every((v) => v === 0), `idle: nothing offered (${idle.join(",")})`);
    assert.ok(
      (await plotted(page, 1, "l1")).every((v) => v === 0),
      "idle: nothing drawn on L1",
    );
    assert.notEqual(await attr(page, "connector-1-band-pilot-A", "d"), "", "the pilot band shows state A");
    assert.equal(await attr(page, "connector-1-band-pilot-C", "d"), "");
    assert.equal(await attr(page, "connector-1-band-relay", "d"), "", "relay open: no relay band");

    await startSession(url, 1);
    const charging = await waitUntil(
      "Charging with current on every phase",
      async () => {
        const c = (await getState(url)).connectors[0];
        return c.ocppStatus === "Charging" && c.drawnPhasesA !== null && c.drawnPhasesA.every((a) => a > 0) ? c : undefined;
      },
      20_000,
      100,
    );
    assert.ok(charging.offeredA >= 6, `the charger offers ${charging.offeredA} A`);

    const offered = await waitInPage(page, `${charging.offeredA} A plotted as offered`, async () => {
      const values = await plotted(page, 1, "offered");
      return values.includes(charging.offeredA) ? values : undefined;
    });
    assert.equal(offered[0], 0, "the offered series starts at the idle 0 A");
    for (const phase of ["l1", "l2", "l3"]) {
      const drawn = await waitInPage(page, `current drawn plotted on ${phase}`, async () => {
        const values = await plotted(page, 1, phase);
        return values.some((v) => v !== null && v > 0) ? values : undefined;
      });
      const peak = Math.max(...drawn.map((v) => v ?? 0));
      assert.ok(peak <= charging.offeredA + 0.5, `${phase} draws ${peak} A, no more than offered ${charging.offeredA} A`);
    }
    // On screen the line went up: its path visits the 0 A baseline and a higher point.
    const ys = pathYs(await attr(page, "connector-1-series-offered", "d"));
    assert.ok(ys.length >= 2, `the offered path has points (${ys.join(" ")})`);
    assert.equal(Math.max(...ys), 104, "0 A sits on the baseline (y 104)");
    const topA = Number(await attr(page, "connector-1-chart", "data-top-a"));
    assert.ok(topA >= charging.offeredA, `the scale (${topA} A) holds the offer`);
    assert.ok(
      Math.abs(Math.min(...ys) - (104 - (charging.offeredA / topA) * 96)) < 0.2,
      `the offer is drawn at its height (${ys.join(" ")})`,
    );

    await waitInPage(page, "the pilot C and relay bands", async () =>
      (await attr(page, "connector-1-band-pilot-C", "d")) !== "" && (await attr(page, "connector-1-band-relay", "d")) !== ""
        ? true
        : undefined,
    );
    const powerKw = await waitInPage(page, "power plotted", async () => {
      const values = await plotted(page, 1, "power");
      const peak = Math.max(...values.map((v) => v ?? 0));
      return peak > 1 ? peak : undefined;
    });
    assert.ok(powerKw <= (3 * 230 * charging.offeredA) / 1000 + 0.1, `${powerKw} kW within 3 × 230 V × the offer`);
    const sessionKwh = await waitInPage(page, "session energy above 0 kWh", async () => {
      const kwh = Number(await textOf(page, "connector-1-session-energy"));
      return kwh > 0 ? kwh : undefined;
    });
    const state = (await getState(url)).connectors[0];
    assert.ok(state.sessionEnergyWh !== null && sessionKwh <= state.sessionEnergyWh / 1000 + 0.005, "the page shows the session's kWh");

    // Connector 2 never charged: its series stayed flat and its relay band empty.
    assert.ok(
      (await plotted(page, 2, "offered")).every((v) => v === 0),
      "connector 2 offered nothing",
    );
    assert.equal(await attr(page, "connector-2-band-relay", "d"), "");
    assert.deepEqual(page.errors, []);
  });

  it("keeps a bounded history: after 15 minutes the ring holds 601 samples and the chart spans 10 minutes", async () => {
    stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 60 } });
    browser = await launchHeadless(executable);
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(stack.bench!.url);
    await waitInPage(page, "the page live", async () => ((await textOf(page, "live-state")) === "live" ? true : undefined));
    await waitInPage(page, "a first sample", async () => Number(await attr(page, "connector-1-chart", "data-history")) >= 1);
    await page.clock.runFor(15 * 60_000);
    assert.equal(Number(await attr(page, "connector-1-chart", "data-history")), 601, "the ring is full and no larger");
    assert.equal(Number(await attr(page, "connector-1-chart", "data-span-ms")), 600_000);
    assert.ok(Number(await attr(page, "connector-1-chart", "data-samples")) <= 601);
    assert.equal((await plotted(page, 1, "offered")).length, Number(await attr(page, "connector-1-chart", "data-samples")));
    assert.equal(await page.locator('[data-testid="connector-1-chart"] [data-part="t-start"]').textContent(), "\u221210 min");
    assert.deepEqual(page.errors, []);
  });

  it("draws the composite schedule as a step after a SetChargingProfile, as the charger gives it to the CSMS", async () => {
    const page = await openPage(1);
    const url = stack!.bench!.url;
    await waitInPage(page, "the flat schedule", async () =>
      (await attr(page, "connector-1-schedule", "data-state")) === "ok" ? true : undefined,
    );
    assert.deepEqual(JSON.parse(await attr(page, "connector-1-schedule", "data-periods")), [[0, 32]], "no profile: the connector's 32 A");
    assert.equal(new Set(pathYs(await attr(page, "connector-1-series-schedule", "d"))).size, 2, "flat: baseline and one level");

    const answer = await post(url, "/csms/setChargingProfile", {
      connector: 1,
      chargingProfile: {
        chargingProfileId: 7,
        stackLevel: 1,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Relative",
        chargingSchedule: {
          chargingRateUnit: "A",
          chargingSchedulePeriod: [
            { startPeriod: 0, limit: 16 },
            { startPeriod: 600, limit: 8 },
          ],
        },
      },
    });
    assert.deepEqual(answer, { status: "Accepted" });
    const periods = await waitInPage(page, "the step in the schedule", async () => {
      const value = JSON.parse(await attr(page, "connector-1-schedule", "data-periods")) as number[][];
      return value.length === 2 ? value : undefined;
    });
    assert.deepEqual(periods, [
      [0, 16],
      [600, 8],
    ]);
    // The charger answers a CSMS the same.
    const conf = await stack!.csms!.send(ID, "GetCompositeSchedule", { connectorId: 1, duration: 3600, chargingRateUnit: "A" });
    assert.equal(conf.status, "Accepted");
    assert.deepEqual(
      conf.chargingSchedule?.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]),
      periods,
    );
    // Drawn as a step: 16 A higher on screen than 8 A, the drop a sixth of the way along the hour.
    const d = await attr(page, "connector-1-series-schedule", "d");
    const levels = [...new Set(pathYs(d))].sort((a, b) => a - b);
    assert.equal(levels.length, 3, `baseline, 16 A and 8 A (${d})`);
    const step = /V([\d.]+)H([\d.]+)V([\d.]+)H/.exec(d);
    assert.ok(step, `a step in ${d}`);
    assert.ok(Number(step[1]) < Number(step[3]), "16 A is drawn above 8 A");
    const width = Number((await attr(page, "connector-1-schedule", "viewBox")).split(" ")[2]);
    const expectedX = 36 + (600 / 3600) * (width - 12 - 36);
    assert.ok(Math.abs(Number(step[2]) - expectedX) < 0.2, `the step at +600 s: x ${step[2]}, expected ${expectedX.toFixed(1)}`);
    assert.match(await textOf(page, "connector-1-schedule-note"), /now 16 A → \+10 min 8 A/);
    // The live chart's limit series and figure follow the profile too.
    await waitInPage(page, "the 16 A limit plotted", async () => ((await plotted(page, 1, "limit")).includes(16) ? true : undefined));
    assert.equal(await textOf(page, "connector-1-limit"), "16.0");
    assert.deepEqual(page.errors, []);
  });

  it("shows a target's 501 where the schedule would be", async () => {
    const target = new FakeBenchTarget(1);
    target.compositeSchedule = () => {
      throw new BenchTargetUnsupported("this target has no smart-charging service to ask");
    };
    api = await startBenchApi({ target, port: 0 });
    browser = await launchHeadless(executable);
    const page = await browser.newPage();
    await page.goto(api.url);
    await waitInPage(page, "the schedule refused", async () =>
      (await attr(page, "connector-1-schedule", "data-state")) === "unsupported" ? true : undefined,
    );
    assert.equal(
      await textOf(page, "connector-1-schedule-note"),
      "not available (HTTP 501): this target has no smart-charging service to ask",
    );
    assert.equal(await attr(page, "connector-1-series-schedule", "d"), "");
    assert.deepEqual(page.errors, []);
  });

  it("fits a phone-sized screen (390 × 844): no horizontal overflow, charts as wide as the panel", async () => {
    const page = await openPage(2, { width: 390, height: 844 });
    await startSession(stack!.bench!.url, 1);
    await waitInPage(page, "charging on the chart", async () =>
      (await plotted(page, 1, "offered")).some((v) => v !== null && v > 0) ? true : undefined,
    );
    await waitInPage(page, "both schedules", async () =>
      (await attr(page, "connector-1-schedule", "data-state")) === "ok" && (await attr(page, "connector-2-schedule", "data-state")) === "ok"
        ? true
        : undefined,
    );
    // A string: the tests typecheck without the DOM library.
    const layout = await page.evaluate<Layout>(`(() => {
      const root = document.documentElement;
      const wider = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
        .map((el) => el.tagName.toLowerCase() + (el.dataset && el.dataset.testid ? "[" + el.dataset.testid + "]" : ""));
      const charts = [...document.querySelectorAll("svg.chart")].map((svg) => ({
        width: svg.getBoundingClientRect().width,
        viewBoxWidth: Number((svg.getAttribute("viewBox") || "0 0 0").split(" ")[2]),
      }));
      return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wider, charts };
    })()`);
    assert.equal(layout.clientWidth, 390);
    assert.ok(layout.scrollWidth <= layout.clientWidth, `no horizontal scroll (${layout.scrollWidth} > ${layout.clientWidth})`);
    assert.deepEqual(layout.wider, [], "no element reaches past the right edge");
    assert.equal(layout.charts.length, 4, "a live chart and a schedule per connector");
    for (const chart of layout.charts) {
      assert.ok(chart.width >= 300 && chart.width <= 390, `a chart ${chart.width} px wide`);
      assert.equal(chart.viewBoxWidth, Math.floor(chart.width), "drawn at its own width: text is not stretched");
    }
    assert.deepEqual(page.errors, []);
  });
});
