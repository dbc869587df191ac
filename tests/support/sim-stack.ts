// Shared helpers of the simulator and rig tests: the bench API calls and a quiet simulator stack
// (bounded waits are in ./waits.ts).
import { MemoryLogSink } from "platform/host/log-console";
import type { BenchState } from "../../tools/bench-api/target.ts";
import { startSimStack, type SimStack, type SimStackOptions } from "../../tools/sim/stack.ts";

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
