// Shared by the lin suites: one build of the lin firmware per test run, the skip rule (no SDK:
// skip and say so; in CI never skip), a quiet lin stack and the OCPP exchange of each test.
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Context } from "mocha";
import { MemoryLogSink } from "platform/host/log-console";
import { formatFrames } from "../../tools/csms/dev-csms.ts";
import { buildLinFirmware, linBuildUnavailable, type LinBuild } from "../../tools/lin/build.ts";
import { startLinStack, type LinStack, type LinStackOptions } from "../../tools/lin/lin-stack.ts";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";

let build: LinBuild | undefined;
let buildError: Error | undefined;

/** Skips the suite, saying why, where no lin build can run (no SDK, compiler, GTK or Xvfb); in CI it fails instead. */
export function skipWithoutLinSdk(context: Context): void {
  const missing = linBuildUnavailable();
  if (missing === undefined) return;
  if (process.env.CI === "true") throw new Error(`CI must run the lin tests, but: ${missing}`);
  process.stdout.write(`      (skipped: ${missing}; tools/moddable/sdk.sh explains the setup)\n`);
  context.skip();
}

/**
 * The lin build for this run (built once, incrementally); skips the suite without an SDK outside CI.
 * It is the firmware in Moddable's stock ESP32 XS machine (`--esp32-vm`: 4,928 slots, 512 stack
 * slots, the 78,848-byte chunk heap in this host's bytes, no growth), so every lin test also checks
 * that what it does fits the board's memory; `npm start -- --target lin` runs the roomy machine.
 */
export function linBuildOrSkip(context: Context): LinBuild {
  skipWithoutLinSdk(context);
  if (buildError) throw buildError;
  if (!build) {
    try {
      build = buildLinFirmware({ esp32Vm: true });
    } catch (error) {
      buildError = error as Error;
      throw error;
    }
  }
  return build;
}

/** Where each test's OCPP exchange and firmware log go (build/test-logs/lin-<suite>.log). */
export const LOG_DIR = join(PROJECT_ROOT, "build", "test-logs");

export async function startQuietLinStack(linBuild: LinBuild, options: LinStackOptions = {}): Promise<LinStack & { logs: MemoryLogSink }> {
  const logs = new MemoryLogSink();
  const stack = await startLinStack({ benchPort: 0, devCsms: { heartbeatIntervalS: 60 }, ...options, build: linBuild, log: () => logs });
  return Object.assign(stack, { logs });
}

/** Writes the test's OCPP exchange (as the dev CSMS saw it) and the firmware's log; prints the exchange's size. */
export function logExchange(file: string, title: string, stack: (LinStack & { logs: MemoryLogSink }) | undefined): void {
  if (!stack) return;
  mkdirSync(LOG_DIR, { recursive: true });
  const frames = stack.csms?.frames() ?? [];
  const path = join(LOG_DIR, file);
  appendFileSync(
    path,
    `\n=== ${title}\n--- OCPP exchange (dev CSMS)\n${formatFrames(frames)}--- firmware log\n${stack.logs.lines.join("\n")}\n`,
  );
  process.stdout.write(
    `      OCPP exchange: ${frames.length} frames (${frames
      .map((f) => actionOf(f.text))
      .filter((a) => a)
      .join(" ")}) -> ${path}\n`,
  );
}

/**
 * The firmware's XS aborts in a test's log ("XS abort: JavaScript stack overflow", a fault): the
 * lin build has the board's 512-slot stack, and a lin test fails on any abort, even one the test
 * itself would have survived through the process's restart.
 */
export function xsAborts(stack: (LinStack & { logs: MemoryLogSink }) | undefined): string[] {
  return stack ? stack.logs.lines.filter((line) => /XS abort|stack overflow/i.test(line)) : [];
}

function actionOf(text: string): string {
  const match = /^\[2,"[^"]*","([A-Za-z]+)"/.exec(text);
  return match ? match[1] : "";
}
