// The bench over a fleet of two simulated chargers: GET /chargers, the `charger` selector of every
// endpoint (query for GET, body field for POST, default the first), its errors, and the page's
// charger selector in headless Chromium (skipped without Debian's chromium).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { SimStack } from "../../tools/sim/stack.ts";
import type { BenchState } from "../../tools/bench-api/target.ts";
import { startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

const CHROMIUM = "/usr/bin/chromium";

interface ChargerList {
  default: string;
  chargers: Array<{ identity: string; connection: string }>;
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

function postJson(url: string, body: unknown): Promise<{ status: number; body: { ok?: boolean; error?: string; response?: unknown } }> {
  return json(url, { method: "POST", body: JSON.stringify(body) });
}

describe("bench API and page over a fleet of two chargers", function () {
  this.timeout(90_000);
  let stack: SimStack | undefined;
  let browser: BrowserContext | undefined;
  let profile: string | undefined;

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await stack?.close();
    stack = undefined;
    if (profile) rmSync(profile, { recursive: true, force: true });
    profile = undefined;
  });

  async function fleet(): Promise<{ url: string; ids: string[] }> {
    stack = await startQuietStack({ chargers: 2, devCsms: { heartbeatIntervalS: 60 } });
    const url = stack.bench!.url;
    const ids = stack.chargers.map((c) => c.identity);
    assert.equal(ids.length, 2);
    assert.notEqual(ids[0], ids[1]);
    return { url, ids };
  }

  it("GET /chargers lists the identities; charger selects the target of GET and POST endpoints, default the first", async () => {
    const { url, ids } = await fleet();
    const list = await json<ChargerList>(`${url}/chargers`);
    assert.equal(list.status, 200);
    assert.equal(list.body.default, ids[0]);
    assert.deepEqual(
      list.body.chargers.map((c) => c.identity),
      ids,
    );

    // Plug on the second charger only (body field), then present a card there through the query.
    assert.equal((await postJson(`${url}/ev`, { charger: ids[1], connector: 1, state: "B" })).status, 200);
    const second = await waitUntil("second charger plugged", async () => {
      const s = await json<BenchState>(`${url}/state?charger=${encodeURIComponent(ids[1])}`);
      return s.body.connectors[0].pilot === "B" ? s.body : undefined;
    });
    assert.equal(second.connectors[0].ev, "B");
    const first = (await json<BenchState>(`${url}/state`)).body;
    assert.equal(first.connectors[0].ev, "A", "the default (first) charger was not touched");
    assert.equal((await json<BenchState>(`${url}/state?charger=${encodeURIComponent(ids[0])}`)).body.connectors[0].ev, "A");
    assert.equal(stack!.chargers[1].getState().connectors[0].ev, "B");
    assert.equal(stack!.chargers[0].getState().connectors[0].ev, "A");

    // Without charger: the first.
    assert.equal((await postJson(`${url}/ev`, { connector: 1, state: "B" })).status, 200);
    await waitUntil("first charger plugged", () => stack!.chargers[0].getState().connectors[0].ev === "B");

    // A CSMS action to the second charger only: its answer comes from that charger.
    const changed = await postJson(`${url}/csms/changeConfiguration?charger=${encodeURIComponent(ids[1])}`, {
      key: "MeterValueSampleInterval",
      value: "17",
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual(changed.body.response, { status: "Accepted" });

    // Frames and events of the selected charger.
    const log = await (await fetch(`${url}/log?charger=${encodeURIComponent(ids[1])}`)).text();
    assert.match(log, /MeterValueSampleInterval/);
    const log0 = await (await fetch(`${url}/log`)).text();
    assert.doesNotMatch(log0, /MeterValueSampleInterval/, "the first charger's frames do not have the second's call");

    // Errors: unknown identity 404, a charger that is not a string 400; other fields still checked.
    const unknown = await postJson(`${url}/ev`, { charger: "NOPE", connector: 1, state: "A" });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error ?? "", /no charger 'NOPE'/);
    assert.equal((await json<{ error: string }>(`${url}/state?charger=NOPE`)).status, 404);
    assert.equal((await postJson(`${url}/ev`, { charger: 2, connector: 1, state: "A" })).status, 400);
    const extra = await postJson(`${url}/ev`, { charger: ids[1], connector: 1, state: "A", speed: 3 });
    assert.equal(extra.status, 400);
    assert.match(extra.body.error ?? "", /unknown field 'speed'/);
  });

  it("the page's charger selector follows the chosen charger and sends its actions there", async function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`);
      this.skip();
    }
    const { url, ids } = await fleet();
    profile = mkdtempSync(join(tmpdir(), "oxs-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page: Page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url);
    const select = page.getByTestId("charger-select");
    await waitUntil("selector filled", async () => (await select.locator("option").allTextContents()).length === 2);
    assert.deepEqual(await select.locator("option").allTextContents(), ids);
    assert.equal(await select.inputValue(), ids[0]);

    await select.selectOption(ids[1]);
    await waitUntil("live", async () => ((await page.getByTestId("live-state").textContent()) ?? "").trim() === "live");
    await page.getByTestId("connector-1-plug").click();
    await waitUntil("second charger plugged", () => stack!.chargers[1].getState().connectors[0].ev === "B");
    await waitUntil(
      "page shows Preparing",
      async () => ((await page.getByTestId("connector-1-status").textContent()) ?? "").trim() === "Preparing",
    );
    assert.equal(stack!.chargers[0].getState().connectors[0].ev, "A", "the first charger untouched");

    // Back to the first: its (unplugged) state shows.
    await select.selectOption(ids[0]);
    await waitUntil("page shows the first", async () => ((await page.getByTestId("connector-1-ev").textContent()) ?? "").trim() === "A");
    assert.deepEqual(errors, []);
  });
});
