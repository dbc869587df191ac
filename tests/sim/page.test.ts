// The bench web page over the real simulated charger, in headless Chromium (Debian's `chromium`
// driven by playwright-core): load, plug, present a tag, see Charging and the energy rise.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { SimStack } from "../../tools/sim/stack.ts";
import { startQuietStack } from "../support/sim-stack.ts";

const CHROMIUM = "/usr/bin/chromium";

async function textOf(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? "").trim();
}

/** Waits (bounded) until the element's text satisfies `check`. */
async function waitText(page: Page, testId: string, check: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  const steps = Math.ceil(timeoutMs / 100);
  let text = "";
  for (let i = 0; i <= steps; i++) {
    text = await textOf(page, testId);
    if (check(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${testId} ${what} (last: "${text}")`);
}

describe("bench page in headless Chromium", function () {
  this.timeout(90_000);
  let stack: SimStack | undefined;
  let browser: BrowserContext | undefined;
  let profile: string | undefined;

  before(function () {
    if (!existsSync(CHROMIUM)) {
      console.warn(`    skipped: ${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium)`);
      this.skip();
    }
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    await stack?.close();
    stack = undefined;
    if (profile) rmSync(profile, { recursive: true, force: true });
    profile = undefined;
  });

  it("loads the page, plugs, presents a tag, shows Charging, the energy rising and the frames", async () => {
    stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 60 } });
    profile = mkdtempSync(join(tmpdir(), "oxs-chromium-"));
    // A fresh --user-data-dir: playwright passes it for a persistent context.
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
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(stack.bench!.url);

    await waitText(page, "live-state", (t) => t === "live", "live");
    await waitText(page, "connection-state", (t) => t === "online", "online");
    assert.equal(await textOf(page, "connector-1-status"), "Available");
    assert.match(await textOf(page, "connector-1-temperature"), /^-?\d+\.\d$/, "the connector temperature in °C, one decimal");

    await page.getByTestId("connector-1-plug").click();
    await waitText(page, "connector-1-status", (t) => t === "Preparing", "Preparing");
    await page.getByTestId("card-idtag").fill("DEV-ACCEPTED");
    await page.getByTestId("connector-1-card").click();
    await waitText(page, "connector-1-transaction", (t) => /^\d+$/.test(t), "a transaction id");
    await page.getByTestId("connector-1-draw-start").click();
    await waitText(page, "connector-1-status", (t) => t === "Charging", "Charging");
    await waitText(page, "connector-1-relay", (t) => t === "closed", "closed");

    const first = Number(await waitText(page, "connector-1-energy", (t) => Number(t) > 0, "above 0 Wh"));
    const later = Number(await waitText(page, "connector-1-energy", (t) => Number(t) > first + 2, `above ${first + 2} Wh`));
    assert.ok(later > first, `energy rose from ${first} to ${later} Wh`);
    assert.ok(Number(await textOf(page, "connector-1-drawn")) > 0, "current drawn");

    const frames = await page.getByTestId("frame").allTextContents();
    assert.ok(
      frames.some((f) => f.includes('"StartTransaction"')),
      `StartTransaction in the page's frame log (${frames.length} frames)`,
    );
    // The page shows what the charger really did: the dev CSMS has the transaction.
    const tx = stack.csms!.transactions();
    assert.equal(tx.length, 1);
    assert.equal(String(tx[0].transactionId), await textOf(page, "connector-1-transaction"));
    assert.deepEqual(errors, []);
  });
});
