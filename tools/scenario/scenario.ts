// Scenario files: JSON steps run against any bench API (the simulator's or a rig's).
// Loading checks every step, so a typo fails before anything is driven.

export const PILOT = ["A", "B", "C", "D", "E", "F"] as const;
export const FAULTS = ["rcd-dc", "rcd-ac", "weld", "diode", "pilot-short", "meter-offline", "over-temp"] as const;
export const CSMS_ACTIONS = [
  "remoteStart",
  "remoteStop",
  "setChargingProfile",
  "changeConfiguration",
  "reset",
  "sendLocalList",
  "reserveNow",
  "triggerMessage",
  "updateFirmware",
] as const;

export type Step =
  | { do: "plug" | "unplug"; connector: number }
  | { do: "ev"; connector: number; state: (typeof PILOT)[number] }
  | { do: "card"; idTag: string; connector?: number }
  | { do: "waitStatus"; connector: number; status: string }
  | { do: "waitConnection"; state: "online" | "connecting" | "offline" }
  | { do: "waitEnergy"; connector: number; aboveWh?: number; riseWh?: number }
  | { do: "waitConnector"; connector: number; match: Record<string, unknown> }
  | { do: "waitOffered"; connector: number; currentA: number; toleranceA: number }
  | { do: "waitOffered"; connector: number; dutyPercent: number; tolerancePercent: number }
  | { do: "expectFrame"; action: string; direction: "cp-to-csms" | "csms-to-cp"; result: boolean; payload?: Record<string, unknown> }
  | { do: "fault"; connector: number; kind: (typeof FAULTS)[number]; active: boolean }
  | { do: "power"; action: "cut" | "restore" }
  | { do: "network"; action: "drop" | "restore" }
  | { do: "sleep"; ms: number }
  | { do: "csms"; action: (typeof CSMS_ACTIONS)[number]; body: Record<string, unknown>; expect?: Record<string, unknown> };

export type TimedStep = Step & { timeoutMs?: number; note?: string };

export interface Scenario {
  name: string;
  description?: string;
  /** Timeout of each waiting step unless it sets `timeoutMs` (default 15000). */
  timeoutMs: number;
  steps: TimedStep[];
}

const MAX_STEPS = 500;
/** Default tolerances of `waitOffered`: IEC 61851-1 allows the PWM ±0.5 % of duty; 0.5 A covers rounding. */
export const DEFAULT_TOLERANCE_A = 0.5;
export const DEFAULT_TOLERANCE_PERCENT = 0.5;
const MAX_SLEEP_MS = 600_000;

class ScenarioError extends Error {
  override name = "ScenarioError";
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Replaces `${name}` in every string of `value` with `variables[name]`. */
export function substitute(value: unknown, variables: Readonly<Record<string, string>>, where: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_all, name: string) => {
      const v = variables[name];
      if (v === undefined) throw new ScenarioError(`${where}: unknown variable \${${name}}`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substitute(item, variables, `${where}[${i}]`));
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, variables, `${where}.${k}`);
    return out;
  }
  return value;
}

function checkStep(raw: unknown, index: number): TimedStep {
  const where = `step ${index + 1}`;
  if (!isObject(raw)) throw new ScenarioError(`${where}: must be an object`);
  const allowed = new Set(["do", "timeoutMs", "note"]);
  const field = <T>(name: string, check: (v: unknown) => v is T, what: string, optional = false): T | undefined => {
    allowed.add(name);
    const v = raw[name];
    if (v === undefined && optional) return undefined;
    if (!check(v)) throw new ScenarioError(`${where} (${String(raw.do)}): '${name}' must be ${what}`);
    return v;
  };
  const isConnector = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 64;
  const requiredConnector = (): number => field("connector", isConnector, "a connector number")!;
  const isString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
  const isBool = (v: unknown): v is boolean => typeof v === "boolean";
  const oneOf =
    <T extends string>(list: readonly T[]) =>
    (v: unknown): v is T =>
      typeof v === "string" && (list as readonly string[]).includes(v);
  const kind = raw.do;
  let step: Step;
  switch (kind) {
    case "plug":
    case "unplug":
      step = { do: kind, connector: requiredConnector() };
      break;
    case "ev":
      step = { do: kind, connector: requiredConnector(), state: field("state", oneOf(PILOT), `one of ${PILOT.join(", ")}`)! };
      break;
    case "card": {
      const connector = field("connector", isConnector, "a connector number", true);
      step = { do: kind, idTag: field("idTag", isString, "a non-empty string")!, ...(connector !== undefined ? { connector } : {}) };
      break;
    }
    case "waitStatus":
      step = { do: kind, connector: requiredConnector(), status: field("status", isString, "an OCPP status")! };
      break;
    case "waitConnection":
      step = { do: kind, state: field("state", oneOf(["online", "connecting", "offline"] as const), "online, connecting or offline")! };
      break;
    case "waitEnergy": {
      const isWh = (v: unknown): v is number => typeof v === "number" && v >= 0;
      const aboveWh = field("aboveWh", isWh, "a number of Wh (the meter register passes it)", true);
      const riseWh = field("riseWh", isWh, "a number of Wh (the register rises by it during the step)", true);
      if ((aboveWh === undefined) === (riseWh === undefined))
        throw new ScenarioError(`${where} (waitEnergy): give exactly one of 'aboveWh' and 'riseWh'`);
      step = { do: kind, connector: requiredConnector(), ...(aboveWh !== undefined ? { aboveWh } : { riseWh }) };
      break;
    }
    case "waitConnector":
      step = { do: kind, connector: requiredConnector(), match: field("match", isObject, "an object of connector fields")! };
      break;
    case "waitOffered": {
      const isAmperes = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= 80;
      const isPercent = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= 100;
      const isTolerance = (v: unknown): v is number => typeof v === "number" && v >= 0 && v <= 50;
      const connector = requiredConnector();
      const currentA = field("currentA", isAmperes, "a current in A from 0 to 80 (what the pilot PWM offers)", true);
      const dutyPercent = field("dutyPercent", isPercent, "a duty cycle in % from 0 to 100 (measured on the EV side)", true);
      const toleranceA = field("toleranceA", isTolerance, "a tolerance in A from 0 to 50", true);
      const tolerancePercent = field("tolerancePercent", isTolerance, "a tolerance in % from 0 to 50", true);
      if ((currentA === undefined) === (dutyPercent === undefined))
        throw new ScenarioError(`${where} (waitOffered): give exactly one of 'currentA' and 'dutyPercent'`);
      if (currentA !== undefined) {
        if (tolerancePercent !== undefined) throw new ScenarioError(`${where} (waitOffered): 'tolerancePercent' goes with 'dutyPercent'`);
        step = { do: kind, connector, currentA, toleranceA: toleranceA ?? DEFAULT_TOLERANCE_A };
      } else {
        if (toleranceA !== undefined) throw new ScenarioError(`${where} (waitOffered): 'toleranceA' goes with 'currentA'`);
        step = { do: kind, connector, dutyPercent: dutyPercent!, tolerancePercent: tolerancePercent ?? DEFAULT_TOLERANCE_PERCENT };
      }
      break;
    }
    case "expectFrame": {
      const payload = field("payload", isObject, "an object", true);
      step = {
        do: kind,
        action: field("action", isString, "an OCPP action name")!,
        direction: field("direction", oneOf(["cp-to-csms", "csms-to-cp"] as const), '"cp-to-csms" or "csms-to-cp"', true) ?? "cp-to-csms",
        result: field("result", isBool, "true or false", true) ?? false,
        ...(payload ? { payload } : {}),
      };
      break;
    }
    case "fault":
      step = {
        do: kind,
        connector: requiredConnector(),
        kind: field("kind", oneOf(FAULTS), `one of ${FAULTS.join(", ")}`)!,
        active: field("active", isBool, "true or false", true) ?? true,
      };
      break;
    case "power":
      step = { do: kind, action: field("action", oneOf(["cut", "restore"] as const), '"cut" or "restore"')! };
      break;
    case "network":
      step = { do: kind, action: field("action", oneOf(["drop", "restore"] as const), '"drop" or "restore"')! };
      break;
    case "sleep":
      step = {
        do: kind,
        ms: field("ms", (v): v is number => typeof v === "number" && v >= 0 && v <= MAX_SLEEP_MS, `ms from 0 to ${MAX_SLEEP_MS}`)!,
      };
      break;
    case "csms": {
      const expect = field("expect", isObject, "an object", true);
      step = {
        do: kind,
        action: field("action", oneOf(CSMS_ACTIONS), `one of ${CSMS_ACTIONS.join(", ")}`)!,
        body: field("body", isObject, "an object", true) ?? {},
        ...(expect ? { expect } : {}),
      };
      break;
    }
    default:
      throw new ScenarioError(
        `${where}: unknown step "${String(kind)}" (known: plug, unplug, ev, card, waitStatus, waitConnection, waitEnergy, waitConnector, waitOffered, expectFrame, fault, power, network, sleep, csms)`,
      );
  }
  for (const key of Object.keys(raw)) if (!allowed.has(key)) throw new ScenarioError(`${where} (${String(kind)}): unknown field '${key}'`);
  const timed: TimedStep = step;
  if (raw.timeoutMs !== undefined) {
    if (typeof raw.timeoutMs !== "number" || !(raw.timeoutMs > 0) || raw.timeoutMs > MAX_SLEEP_MS)
      throw new ScenarioError(`${where}: 'timeoutMs' must be from 1 to ${MAX_SLEEP_MS}`);
    timed.timeoutMs = raw.timeoutMs;
  }
  if (raw.note !== undefined) {
    if (typeof raw.note !== "string") throw new ScenarioError(`${where}: 'note' must be a string`);
    timed.note = raw.note;
  }
  return timed;
}

/**
 * Checks a parsed scenario file. `variables` (from the command line) override the file's
 * `variables`; `${name}` in any string of a step is replaced by its value.
 */
export function parseScenario(raw: unknown, overrides: Readonly<Record<string, string>> = {}): Scenario {
  if (!isObject(raw)) throw new ScenarioError("a scenario must be a JSON object");
  for (const key of Object.keys(raw)) {
    if (!["name", "description", "timeoutMs", "variables", "steps"].includes(key))
      throw new ScenarioError(`unknown top-level field '${key}'`);
  }
  if (typeof raw.name !== "string" || raw.name === "") throw new ScenarioError("'name' must be a non-empty string");
  const variables: Record<string, string> = {};
  if (raw.variables !== undefined) {
    if (!isObject(raw.variables)) throw new ScenarioError("'variables' must be an object of strings");
    for (const [k, v] of Object.entries(raw.variables)) {
      if (typeof v !== "string") throw new ScenarioError(`variable '${k}' must be a string`);
      variables[k] = v;
    }
  }
  Object.assign(variables, overrides);
  if (!Array.isArray(raw.steps) || raw.steps.length === 0) throw new ScenarioError("'steps' must be a non-empty array");
  if (raw.steps.length > MAX_STEPS) throw new ScenarioError(`at most ${MAX_STEPS} steps`);
  const timeoutMs = raw.timeoutMs === undefined ? 15_000 : raw.timeoutMs;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > MAX_SLEEP_MS)
    throw new ScenarioError(`'timeoutMs' must be from 1 to ${MAX_SLEEP_MS}`);
  const steps = raw.steps.map((step, i) => checkStep(substitute(step, variables, `step ${i + 1}`), i));
  return { name: raw.name, description: typeof raw.description === "string" ? raw.description : undefined, timeoutMs, steps };
}

/** One line describing a step, for the report. */
export function describeStep(step: TimedStep): string {
  const { do: kind, timeoutMs: _t, note, ...rest } = step;
  const args = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" ");
  return `${kind}${args ? " " + args : ""}${note ? ` (${note})` : ""}`;
}
