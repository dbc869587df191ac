/**
 * Matches what the charge point sent back against what each fuzz frame
 * must get (tools/fuzz/frames.ts): every expected answer exactly once, with
 * the right kind and code, and nothing else.
 */
import { CALL_ERROR_CODES } from "ocpp/rpc/frame";
import type { ErrorCode, FuzzFrame } from "./frames.ts";

interface Outstanding {
  klass: string;
  result: boolean;
  codes: readonly ErrorCode[];
  frame: string;
}

export interface WrongAnswer {
  klass: string;
  problem: string;
  frame: string;
}

const ERROR_CODES: ReadonlySet<string> = new Set(CALL_ERROR_CODES);

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}... (${text.length} chars)` : text;
}

export class AnswerChecker {
  readonly #outstanding = new Map<string, Outstanding[]>();
  readonly wrong: WrongAnswer[] = [];
  wrongCount = 0;
  answered = 0;
  readonly byKlass = new Map<string, number>();

  expect(frame: FuzzFrame): void {
    this.byKlass.set(frame.klass, (this.byKlass.get(frame.klass) ?? 0) + 1);
    const e = frame.expect;
    if (e.kind === "none") return;
    const list = this.#outstanding.get(e.id) ?? [];
    list.push({
      klass: frame.klass,
      result: e.result,
      codes: e.codes,
      frame: frame.kind === "text" ? frame.data : `${frame.kind}:${frame.data}`,
    });
    this.#outstanding.set(e.id, list);
  }

  #fail(klass: string, problem: string, frame: string): void {
    this.wrongCount++;
    if (this.wrong.length < 20) this.wrong.push({ klass, problem, frame: shorten(frame) });
  }

  /** One frame the charge point sent that is not a CALL of its own. */
  answer(text: string): void {
    this.answered++;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.#fail("?", `answer is not JSON: ${shorten(text)}`, "");
      return;
    }
    if (!Array.isArray(frame) || typeof frame[1] !== "string") {
      this.#fail("?", `answer is not an OCPP-J frame: ${shorten(text)}`, "");
      return;
    }
    const id = frame[1];
    const isResult = frame[0] === 3 && frame.length === 3 && isPlainObject(frame[2]);
    const isError =
      frame[0] === 4 && frame.length === 5 && ERROR_CODES.has(String(frame[2])) && typeof frame[3] === "string" && isPlainObject(frame[4]);
    if (!isResult && !isError) {
      this.#fail("?", `malformed answer: ${shorten(text)}`, "");
      return;
    }
    const list = this.#outstanding.get(id);
    if (!list || list.length === 0) {
      this.#fail("?", `answer to an id that expects none (or a second answer): ${shorten(text)}`, "");
      return;
    }
    const code = isError ? (frame[2] as ErrorCode) : undefined;
    let at = list.findIndex((o) => (code === undefined ? o.result : o.codes.includes(code)));
    if (at < 0) {
      at = 0;
      const o = list[0];
      this.#fail(o.klass, `expected ${o.result ? "CALLRESULT or " : ""}${o.codes.join("/")}, got ${shorten(text)}`, o.frame);
    }
    list.splice(at, 1);
    if (list.length === 0) this.#outstanding.delete(id);
  }

  /** Calls still without an answer. */
  get unanswered(): number {
    let n = 0;
    for (const list of this.#outstanding.values()) n += list.length;
    return n;
  }

  /** Counts every expected answer that never came as wrong. */
  finish(): void {
    for (const list of this.#outstanding.values()) {
      for (const o of list) this.#fail(o.klass, "no answer", o.frame);
    }
    this.#outstanding.clear();
  }
}
