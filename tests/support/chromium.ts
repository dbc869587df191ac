/**
 * Headless Chromium for the bench-page tests: Debian's `chromium` driven by playwright-core, in a
 * fresh profile removed on close. Without a Chromium a suite skips and says why; in CI
 * (CI=true, where .ci/run installs it) a missing Chromium fails instead.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Context } from "mocha";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** Where a Chromium is looked for: $CHROMIUM first, then Debian's and Ubuntu's paths. */
const CANDIDATES = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"];

export function findChromium(): string | undefined {
  return CANDIDATES.find((path): path is string => path !== undefined && path !== "" && existsSync(path));
}

/** The Chromium to use, or skips the suite saying why (fails in CI). */
export function chromiumOrSkip(context: Context): string {
  const found = findChromium();
  if (found) return found;
  const why = "no Chromium at $CHROMIUM, /usr/bin/chromium or /usr/bin/chromium-browser (apt-get install -y chromium)";
  if (process.env.CI === "true") throw new Error(`CI must run the bench-page browser tests, but: ${why}`);
  process.stdout.write(`      (skipped: ${why})\n`);
  context.skip();
}

export interface HeadlessBrowser {
  readonly context: BrowserContext;
  /** A new tab that records uncaught page errors in `errors`. */
  newPage(): Promise<Page & { errors: string[] }>;
  close(): Promise<void>;
}

export async function launchHeadless(executablePath: string): Promise<HeadlessBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "oxs-chromium-"));
  // A fresh --user-data-dir: playwright passes it for a persistent context.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
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
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      return Object.assign(page, { errors });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Polls `check` in the page every 100 ms until it returns a value other than undefined/false/null; fails after `timeoutMs`. */
export async function waitInPage<T>(
  page: Page,
  what: string,
  check: () => Promise<T | undefined | false | null>,
  timeoutMs = 20_000,
): Promise<T> {
  const steps = Math.ceil(timeoutMs / 100);
  let lastError = "";
  for (let i = 0; i <= steps; i++) {
    try {
      const value = await check();
      if (value !== undefined && value !== false && value !== null) return value;
    } catch (error) {
      lastError = ` (last error: ${(error as Error).message})`;
    }
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError}`);
}
