// Runs a scenario against a bench API URL and reports pass / fail per step. Only the HTTP bench
// API is used (API.md), so the same scenario runs on the simulator and on a hardware rig.
import { describeStep, type Scenario, type TimedStep } from "./scenario.ts";

export interface StepResult {
  index: number;
  step: TimedStep;
  status: "pass" | "fail" | "skip";
  ms: number;
  error?: string;
}

export interface ScenarioResult {
  name: string;
  passed: boolean;
  steps: StepResult[];
}

export interface RunOptions {
  /** Receives one line per step (default: nothing). */
  write?: (line: string) => void;
  /** Poll period of waiting steps, ms (default 100). */
  pollMs?: number;
}

interface BenchConnector {
  connectorId: number;
  ocppStatus: string;
  energyWh: number;
  offeredA: number;
  /** null where the bench cannot measure it (a physical board without a measuring EV emulator). */
  dutyPercent?: number | null;
  [field: string]: unknown;
}
interface BenchState {
  connection: string;
  connectors: BenchConnector[];
}

interface LoggedFrame {
  line: string;
  direction: "cp-to-csms" | "csms-to-cp";
  frame: unknown[];
}

const REQUEST_TIMEOUT_MS = 30_000;

class StepFailed extends Error {}

/** True when every field of `expected` is in `actual` with the same value (objects compared the same way, recursively). */
export function partialMatch(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "object" && expected !== null && !Array.isArray(expected)) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(expected).every(([k, v]) => partialMatch(a[k], v));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((v, i) => partialMatch(actual[i], v));
  }
  return actual === expected;
}

/** Parses `GET /log`: `<ISO time> -> <frame>` (charger to CSMS) or `<- ` (CSMS to charger). */
export function parseLog(text: string): LoggedFrame[] {
  const frames: LoggedFrame[] = [];
  for (const line of text.split("\n")) {
    const m = /^\S+ (->|<-) (.*)$/.exec(line);
    if (!m) continue;
    let frame: unknown;
    try {
      frame = JSON.parse(m[2]);
    } catch {
      continue; // not JSON: a malformed frame is logged as sent, but matches nothing
    }
    if (Array.isArray(frame)) frames.push({ line, direction: m[1] === "->" ? "cp-to-csms" : "csms-to-cp", frame });
  }
  return frames;
}

class BenchClient {
  constructor(readonly url: string) {}

  async request(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new StepFailed(`${method} ${path}: ${(error as Error).message}`);
    }
    const text = await res.text();
    if (res.status !== 200) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {
        // plain text error
      }
      throw new StepFailed(`${method} ${path}: HTTP ${res.status} ${message}`);
    }
    return path === "/log" ? text : (JSON.parse(text) as unknown);
  }

  state(): Promise<BenchState> {
    return this.request("GET", "/state") as Promise<BenchState>;
  }

  async log(): Promise<LoggedFrame[]> {
    return parseLog((await this.request("GET", "/log")) as string);
  }

  post(path: string, body: unknown): Promise<unknown> {
    return this.request("POST", path, body);
  }
}

export async function runScenario(scenario: Scenario, benchUrl: string, options: RunOptions = {}): Promise<ScenarioResult> {
  const write = options.write ?? (() => undefined);
  const pollMs = options.pollMs ?? 100;
  const bench = new BenchClient(benchUrl.replace(/\/+$/, ""));
  const results: StepResult[] = [];
  // Frames logged before the scenario started, or matched by an earlier step, match nothing.
  const used = new Set<string>();
  let failed = false;
  const count = scenario.steps.length;
  const label = (i: number): string => `${String(i + 1).padStart(String(count).length)}/${count}`;

  try {
    for (const f of await bench.log()) used.add(f.line);
  } catch (error) {
    write(`FAIL  bench API at ${benchUrl} does not answer: ${(error as Error).message}`);
    return { name: scenario.name, passed: false, steps: scenario.steps.map((step, index) => ({ index, step, status: "skip", ms: 0 })) };
  }

  /** Polls `check` until it returns a value, or fails with the last reason once the timeout passed. */
  async function until<T>(timeoutMs: number, check: () => Promise<T | string>): Promise<T> {
    const steps = Math.max(1, Math.ceil(timeoutMs / pollMs));
    let reason = "";
    for (let i = 0; i <= steps; i++) {
      const value = await check();
      if (typeof value !== "string") return value;
      reason = value;
      if (i < steps) await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    throw new StepFailed(`timed out after ${timeoutMs} ms: ${reason}`);
  }

  function connectorOf(state: BenchState, id: number): BenchConnector {
    const c = state.connectors.find((x) => x.connectorId === id);
    if (!c) throw new StepFailed(`the charger has no connector ${id}`);
    return c;
  }

  async function run(step: TimedStep): Promise<void> {
    const timeoutMs = step.timeoutMs ?? scenario.timeoutMs;
    switch (step.do) {
      case "plug":
      case "unplug":
        await bench.post("/ev", { connector: step.connector, state: step.do === "plug" ? "B" : "A" });
        return;
      case "ev":
        await bench.post("/ev", { connector: step.connector, state: step.state });
        return;
      case "card":
        await bench.post("/card", step.connector === undefined ? { idTag: step.idTag } : { idTag: step.idTag, connector: step.connector });
        return;
      case "fault":
        await bench.post("/fault", { connector: step.connector, kind: step.kind, active: step.active });
        return;
      case "power":
        await bench.post("/power", { action: step.action });
        return;
      case "network":
        await bench.post("/network", { action: step.action });
        return;
      case "sleep":
        await new Promise((resolve) => setTimeout(resolve, step.ms));
        return;
      case "csms": {
        const answer = (await bench.post(`/csms/${step.action}`, step.body)) as { response?: unknown };
        if (step.expect && !partialMatch(answer.response, step.expect)) {
          throw new StepFailed(`answer ${JSON.stringify(answer.response)} does not match ${JSON.stringify(step.expect)}`);
        }
        return;
      }
      case "waitStatus":
        await until(timeoutMs, async () => {
          const c = connectorOf(await bench.state(), step.connector);
          return c.ocppStatus === step.status ? true : `status is ${c.ocppStatus}`;
        });
        return;
      case "waitConnection":
        await until(timeoutMs, async () => {
          const s = await bench.state();
          return s.connection === step.state ? true : `connection is ${s.connection}`;
        });
        return;
      case "waitEnergy": {
        const target = step.aboveWh ?? connectorOf(await bench.state(), step.connector).energyWh + (step.riseWh ?? 0);
        await until(timeoutMs, async () => {
          const c = connectorOf(await bench.state(), step.connector);
          return c.energyWh > target ? true : `energy is ${c.energyWh} Wh, waiting for more than ${target} Wh`;
        });
        return;
      }
      case "waitConnector":
        await until(timeoutMs, async () => {
          const c = connectorOf(await bench.state(), step.connector);
          return partialMatch(c, step.match) ? true : `connector is ${JSON.stringify(c)}`;
        });
        return;
      case "waitOffered": {
        const byCurrent = "currentA" in step;
        const wanted = byCurrent ? step.currentA : step.dutyPercent;
        const tolerance = byCurrent ? step.toleranceA : step.tolerancePercent;
        const unit = byCurrent ? "A" : "%";
        await until(timeoutMs, async () => {
          const c = connectorOf(await bench.state(), step.connector);
          const value = byCurrent ? c.offeredA : c.dutyPercent;
          if (typeof value !== "number")
            return `the bench measures no duty cycle on connector ${step.connector} (a physical board needs an EV emulator that measures it)`;
          return Math.abs(value - wanted) <= tolerance
            ? true
            : `${byCurrent ? "offered" : "duty"} is ${value} ${unit}, waiting for ${wanted} ± ${tolerance} ${unit}`;
        });
        return;
      }
      case "expectFrame": {
        const matched = await until(timeoutMs, async () => {
          const frames = await bench.log();
          const calls = new Map<string, LoggedFrame>();
          for (const f of frames) if (f.frame[0] === 2) calls.set(`${f.direction} ${String(f.frame[1])}`, f);
          let seen = 0;
          for (const f of frames) {
            if (used.has(f.line)) continue;
            seen++;
            if (!step.result) {
              if (
                f.direction === step.direction &&
                f.frame[0] === 2 &&
                f.frame[2] === step.action &&
                (!step.payload || partialMatch(f.frame[3], step.payload))
              )
                return f;
            } else if (f.direction !== step.direction && f.frame[0] === 3) {
              const call = calls.get(`${step.direction} ${String(f.frame[1])}`);
              if (call && call.frame[2] === step.action && (!step.payload || partialMatch(f.frame[2], step.payload))) return f;
            }
          }
          return `no matching frame among ${seen} new ones`;
        });
        used.add(matched.line);
        return;
      }
    }
  }

  for (let index = 0; index < count; index++) {
    const step = scenario.steps[index];
    if (failed) {
      results.push({ index, step, status: "skip", ms: 0 });
      write(`SKIP  ${label(index)} ${describeStep(step)}`);
      continue;
    }
    const started = Date.now();
    try {
      await run(step);
      const ms = Date.now() - started;
      results.push({ index, step, status: "pass", ms });
      write(`PASS  ${label(index)} ${describeStep(step)} (${ms} ms)`);
    } catch (error) {
      const ms = Date.now() - started;
      const message = error instanceof Error ? error.message : String(error);
      failed = true;
      results.push({ index, step, status: "fail", ms, error: message });
      write(`FAIL  ${label(index)} ${describeStep(step)} (${ms} ms): ${message}`);
    }
  }
  const passed = !failed;
  write(`${passed ? "PASSED" : "FAILED"} ${scenario.name}: ${results.filter((r) => r.status === "pass").length}/${count} steps passed`);
  return { name: scenario.name, passed, steps: results };
}
