// Shared helpers of the simulator tests: bounded waits and bench API calls.
import { MemoryLogSink } from "platform/host/log-console";
import type { BenchState } from "../../tools/bench-api/target.ts";
import { startSimStack, type SimStack, type SimStackOptions } from "../../tools/sim/stack.ts";

/** Polls `check` every `stepMs` until it returns a value other than undefined/false; fails after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const steps = Math.ceil(timeoutMs / stepMs);
  for (let i = 0; i <= steps; i++) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function getState(benchUrl: string): Promise<BenchState> {
  const res = await fetch(`${benchUrl}/state`);
  if (res.status !== 200) throw new Error(`GET /state: HTTP ${res.status}`);
  return (await res.json()) as BenchState;
}

/** POSTs a bench action; throws with the API's error text unless it answers 200. */
export async function post(benchUrl: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${benchUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
  const answer = (await res.json()) as { error?: string; response?: unknown };
  if (res.status !== 200) throw new Error(`POST ${path}: HTTP ${res.status} ${answer.error ?? ""}`);
  return answer.response;
}

/** A dev CSMS, one simulated charger and the bench API, with the firmware's log kept in memory. */
export async function startQuietStack(options: SimStackOptions = {}): Promise<SimStack & { logs: Map<string, MemoryLogSink> }> {
  const logs = new Map<string, MemoryLogSink>();
  const stack = await startSimStack({
    benchPort: 0,
    ...options,
    log: (identity) => {
      const sink = new MemoryLogSink();
      logs.set(identity, sink);
      return sink;
    },
  });
  return Object.assign(stack, { logs });
}
