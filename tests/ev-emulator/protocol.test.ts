// The line protocol's pieces: the command parser (every bad line gets a value that says why),
// the line framer and the bounded output queue.
import assert from "node:assert/strict";
import { LineReader } from "util/line-reader";
import { OutputQueue } from "../../tools/ev-emulator/output-queue.ts";
import { EV_LINK_MAX_LINE, parseCommandLine, type ParsedLine } from "../../tools/ev-emulator/protocol.ts";
import { encodeUtf8 } from "util/utf8";

function refused(line: string): string {
  const parsed = parseCommandLine(line);
  assert.equal(parsed.kind, "refused", JSON.stringify(parsed));
  return (parsed as Extract<ParsedLine, { kind: "refused" }>).error;
}

describe("EV emulator: the command parser", () => {
  it("reads every command with its fields, the id and the version", () => {
    assert.deepEqual(parseCommandLine('{"cmd":"state","state":"C","id":7,"v":1}'), {
      kind: "command",
      id: 7,
      command: { cmd: "state", state: "C" },
    });
    assert.deepEqual(parseCommandLine('{"cmd":"fault","kind":"pe-break","active":true,"id":"x"}'), {
      kind: "command",
      id: "x",
      command: { cmd: "fault", kind: "pe-break", active: true },
    });
    assert.deepEqual(parseCommandLine('{"cmd":"cable","ratingA":null}'), {
      kind: "command",
      id: null,
      command: { cmd: "cable", ratingA: null },
    });
    assert.deepEqual(parseCommandLine('{"cmd":"cable","ratingA":63}').kind, "command");
    assert.deepEqual(parseCommandLine('{"cmd":"report","periodMs":0}'), {
      kind: "command",
      id: null,
      command: { cmd: "report", periodMs: 0 },
    });
    assert.deepEqual(parseCommandLine('{"cmd":"sim","mode":"pwm","dutyPercent":53.3,"frequencyHz":1000}'), {
      kind: "command",
      id: null,
      command: { cmd: "sim", settings: { mode: "pwm", dutyPercent: 53.3, frequencyHz: 1000 } },
    });
    for (const cmd of ["ping", "hello", "status", "readings", "plug", "unplug"])
      assert.deepEqual(parseCommandLine(`{"cmd":"${cmd}"}`), { kind: "command", id: null, command: { cmd } });
  });

  it("answers what is not a JSON object with an error line", () => {
    assert.deepEqual(parseCommandLine("state C"), { kind: "malformed", error: "not JSON" });
    assert.deepEqual(parseCommandLine("[1,2]"), { kind: "malformed", error: "a line must be a JSON object" });
    assert.deepEqual(parseCommandLine("null"), { kind: "malformed", error: "a line must be a JSON object" });
    assert.deepEqual(parseCommandLine('"ping"'), { kind: "malformed", error: "a line must be a JSON object" });
  });

  it("refuses bad commands with the id echoed and a reason", () => {
    assert.match(refused('{"cmd":"state","state":"E"}'), /state must be one of A, B, C, D/);
    assert.match(refused('{"cmd":"state"}'), /state must be one of/);
    assert.match(refused('{"cmd":"fault","kind":"diode"}'), /active must be true or false/);
    assert.match(refused('{"cmd":"fault","kind":"melt","active":true}'), /kind must be one of diode, short, pe-break/);
    assert.match(refused('{"cmd":"cable","ratingA":16}'), /ratingA must be one of 13, 20, 32, 63 or null/);
    assert.match(refused('{"cmd":"report","periodMs":50}'), /periodMs must be 0/);
    assert.match(refused('{"cmd":"report","periodMs":1.5}'), /periodMs/);
    assert.match(refused('{"cmd":"sim","dutyPercent":101}'), /dutyPercent must be a number from 0 to 100/);
    assert.match(refused('{"cmd":"sim","mode":"dc"}'), /mode must be one of pwm, x1, F, off/);
    assert.match(refused('{"cmd":"sim","highV":"12"}'), /highV must be a number/);
    assert.match(refused('{"cmd":"fly"}'), /unknown command 'fly'/);
    assert.match(refused('{"id":3}'), /needs a string 'cmd'/);
    assert.match(refused('{"cmd":"ping","v":2}'), /version 2 not supported/);
    const parsed = parseCommandLine('{"cmd":"fly","id":9}');
    assert.equal(parsed.kind === "refused" && parsed.id, 9);
  });
});

describe("EV emulator: the line reader it shares with the bench link", () => {
  function frame(maxBytes = 16): { framer: LineReader; lines: string[]; tooLong: number[] } {
    const lines: string[] = [];
    const tooLong: number[] = [];
    const framer = new LineReader(maxBytes, { onLine: (l) => lines.push(l), onTooLong: () => tooLong.push(maxBytes) });
    return { framer, lines, tooLong };
  }

  it("splits on newlines, drops a CR before them and skips blank lines", () => {
    const { framer, lines } = frame();
    framer.push(encodeUtf8('{"a":1}\r\n\n  \n{"b"'));
    framer.push(encodeUtf8(":2}\n"));
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}']);
  });

  it("keeps a UTF-8 character split across two reads whole", () => {
    const { framer, lines } = frame();
    const bytes = encodeUtf8("Ω→\n");
    framer.push(bytes.subarray(0, 3));
    framer.push(bytes.subarray(3));
    assert.deepEqual(lines, ["Ω→"]);
  });

  it("drops a line over the limit up to its newline, reports it once, and reads the next one", () => {
    const { framer, lines, tooLong } = frame(8);
    framer.push(encodeUtf8("0123456789abcdef"));
    framer.push(encodeUtf8("more\nok\n"));
    assert.deepEqual(tooLong, [8]);
    assert.deepEqual(lines, ["ok"]);
    assert.equal(EV_LINK_MAX_LINE, 512);
  });

  it("forgets a partial line on reset", () => {
    const { framer, lines } = frame();
    framer.push(encodeUtf8("half"));
    framer.reset();
    framer.push(encodeUtf8("whole\n"));
    assert.deepEqual(lines, ["whole"]);
  });
});

describe("EV emulator: the output queue", () => {
  it("hands out bytes in order as room comes, cutting chunks where it must", () => {
    const queue = new OutputQueue(64);
    queue.push(encodeUtf8("abcdef"), false);
    queue.push(encodeUtf8("gh"), false);
    const out: string[] = [];
    const write = (b: Uint8Array): number => out.push(Buffer.from(b).toString());
    assert.equal(queue.drain(4, write), 4);
    assert.equal(queue.pendingBytes, 4);
    assert.equal(queue.drain(10, write), 4);
    assert.equal(queue.drain(10, write), 0);
    assert.deepEqual(out, ["abcd", "ef", "gh"]);
  });

  it("refuses droppable lines beyond its limit, never the others", () => {
    const queue = new OutputQueue(8);
    assert.equal(queue.push(new Uint8Array(6), true), true);
    assert.equal(queue.push(new Uint8Array(6), true), false);
    assert.equal(queue.push(new Uint8Array(6), false), true);
    assert.equal(queue.dropped, 1);
    assert.equal(queue.pendingBytes, 12);
  });
});
