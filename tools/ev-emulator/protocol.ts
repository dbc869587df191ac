/**
 * The EV emulator's line protocol, version 1 (docs/hil-bench.md, "The EV
 * emulator's protocol"): one JSON object per line, in the style of the
 * firmware's bench link (docs/bench-link.md). This file holds the wire types
 * (the host client imports them), the command parser and the limits; it
 * never throws on input: every bad line comes back as a value that says what
 * is wrong.
 */
import {
  CABLE_RATINGS_A,
  EV_FAULT_KINDS,
  EV_STATES,
  type CableRatingA,
  type EvFaultKind,
  type EvState,
  type SwitchSet,
} from "./ev-network";
import type { PilotReading } from "./measurement";
import type { SimChargerMode, SimChargerSettings } from "./ports";

export const EV_LINK_VERSION = 1;
/** Longest command line accepted (bytes, newline excluded); longer ones are answered with an error line. */
export const EV_LINK_MAX_LINE = 512;
export const EV_EMULATOR_APP = "wattlight-ev-emulator";
/** Reading events: at least this often by default (ms); `report` changes it, 0 = only on a change. */
export const DEFAULT_REPORT_PERIOD_MS = 1000;
export const REPORT_PERIOD_LIMITS_MS = Object.freeze({ min: 100, max: 60_000 });

const SIM_MODES: readonly SimChargerMode[] = Object.freeze(["pwm", "x1", "F", "off"] as const);

/** The limits of the `sim` command's numbers: [min, max]. */
export const SIM_LIMITS: Readonly<Record<Exclude<keyof SimChargerSettings, "mode">, readonly [number, number]>> = Object.freeze({
  frequencyHz: Object.freeze([10, 100_000] as const),
  dutyPercent: Object.freeze([0, 100] as const),
  highV: Object.freeze([-15, 15] as const),
  lowV: Object.freeze([-15, 15] as const),
  sourceOhm: Object.freeze([100, 100_000] as const),
});

export type CommandId = number | string | null;

export type EvCommand =
  | { cmd: "ping" }
  | { cmd: "hello" }
  | { cmd: "status" }
  | { cmd: "readings" }
  | { cmd: "plug" }
  | { cmd: "unplug" }
  | { cmd: "state"; state: EvState }
  | { cmd: "fault"; kind: EvFaultKind; active: boolean }
  | { cmd: "cable"; ratingA: CableRatingA | null }
  | { cmd: "report"; periodMs: number }
  | { cmd: "sim"; settings: Partial<SimChargerSettings> };

export type EvCommandName = EvCommand["cmd"];

/** What the emulator presents, and how it reports (the result of every command that changes it). */
export interface EvStatus {
  /** The state asked for with the resistors (A: unplugged). */
  state: EvState;
  /** The state a charger should detect (ev-network.ts chargerStateFor). */
  chargerState: EvState | "E";
  faults: EvFaultKind[];
  cableA: CableRatingA | null;
  switches: SwitchSet;
  reportPeriodMs: number;
}

/** A reading with when it was taken and what it was checked against. */
export interface EvReading extends PilotReading {
  /** Milliseconds since the emulator started. */
  atMs: number;
  /** The state whose high-level band the checks used (null: none). */
  expected: EvState | null;
}

/** The `sim` command's result: the charger model and what it sees on its own CP. */
export interface SimResult {
  charger: SimChargerSettings;
  chargerCp: { highV: number; lowV: number };
}

export interface HelloMessage {
  t: "hello";
  v: typeof EV_LINK_VERSION;
  app: typeof EV_EMULATOR_APP;
  version: string;
  /** True on the lin build and the host: the pilot line is simulated (the `sim` command works). */
  simulated: boolean;
}

export type ReplyMessage =
  { t: "reply"; id: CommandId; ok: true; result: unknown } | { t: "reply"; id: CommandId; ok: false; error: string };

export interface ReadingMessage {
  t: "reading";
  reading: EvReading;
}

export interface ErrorMessage {
  t: "error";
  error: string;
}

/** Every line the emulator sends. */
export type EvLinkMessage = HelloMessage | ReplyMessage | ReadingMessage | ErrorMessage;

export type ParsedLine =
  | { kind: "command"; id: CommandId; command: EvCommand }
  /** A JSON object that is not a valid command: answered with a reply, ok false. */
  | { kind: "refused"; id: CommandId; error: string }
  /** Not a JSON object: answered with an error line. */
  | { kind: "malformed"; error: string };

type Fields = Readonly<Record<string, unknown>>;

function oneOf<T>(values: readonly T[], value: unknown): T | undefined {
  for (let i = 0; i < values.length; i++) if (values[i] === value) return values[i];
  return undefined;
}

function simSettings(fields: Fields): Partial<SimChargerSettings> | string {
  const settings: Partial<SimChargerSettings> = {};
  if (fields.mode !== undefined) {
    const mode = oneOf(SIM_MODES, fields.mode);
    if (mode === undefined) return `sim: mode must be one of ${SIM_MODES.join(", ")}`;
    settings.mode = mode;
  }
  const names = Object.keys(SIM_LIMITS) as (keyof typeof SIM_LIMITS)[];
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = fields[name];
    if (value === undefined) continue;
    const [min, max] = SIM_LIMITS[name];
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
      return `sim: ${name} must be a number from ${min} to ${max}`;
    settings[name] = value;
  }
  return settings;
}

function command(fields: Fields): EvCommand | string {
  switch (fields.cmd) {
    case "ping":
    case "hello":
    case "status":
    case "readings":
    case "plug":
    case "unplug":
      return { cmd: fields.cmd };
    case "state": {
      const state = oneOf(EV_STATES, fields.state);
      return state === undefined ? `state: state must be one of ${EV_STATES.join(", ")} (E is the fault "short")` : { cmd: "state", state };
    }
    case "fault": {
      const kind = oneOf(EV_FAULT_KINDS, fields.kind);
      if (kind === undefined) return `fault: kind must be one of ${EV_FAULT_KINDS.join(", ")}`;
      if (typeof fields.active !== "boolean") return "fault: active must be true or false";
      return { cmd: "fault", kind, active: fields.active };
    }
    case "cable": {
      if (fields.ratingA === null) return { cmd: "cable", ratingA: null };
      const ratingA = oneOf(CABLE_RATINGS_A, fields.ratingA);
      return ratingA === undefined ? `cable: ratingA must be one of ${CABLE_RATINGS_A.join(", ")} or null` : { cmd: "cable", ratingA };
    }
    case "report": {
      const periodMs = fields.periodMs;
      const { min, max } = REPORT_PERIOD_LIMITS_MS;
      if (typeof periodMs !== "number" || !Number.isInteger(periodMs) || (periodMs !== 0 && (periodMs < min || periodMs > max)))
        return `report: periodMs must be 0 (on change only) or an integer from ${min} to ${max}`;
      return { cmd: "report", periodMs };
    }
    case "sim": {
      const settings = simSettings(fields);
      return typeof settings === "string" ? settings : { cmd: "sim", settings };
    }
    default:
      return typeof fields.cmd === "string" ? `unknown command '${fields.cmd}'` : "a command line needs a string 'cmd'";
  }
}

/** Parses one received line (newline already removed). */
export function parseCommandLine(line: string): ParsedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { kind: "malformed", error: "not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { kind: "malformed", error: "a line must be a JSON object" };
  const fields = parsed as Fields;
  const id = typeof fields.id === "number" || typeof fields.id === "string" ? fields.id : null;
  if (fields.v !== undefined && fields.v !== EV_LINK_VERSION)
    return { kind: "refused", id, error: `version ${String(fields.v)} not supported (this emulator speaks ${EV_LINK_VERSION})` };
  const parsedCommand = command(fields);
  return typeof parsedCommand === "string"
    ? { kind: "refused", id, error: parsedCommand }
    : { kind: "command", id, command: parsedCommand };
}
