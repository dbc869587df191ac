/**
 * Defects the frame fuzzer (tools/fuzz, docs/fuzzing.md) found, each pinned
 * here on Node; tests/ocpp/fuzz-on-xs.test.ts pins the ones that need XS.
 */
import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { utf8ByteLength } from "ports/kv";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLogSink } from "platform/host/log-console";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { SimFlash } from "platform/common/sim-flash";
import { OcppEngine } from "ocpp/rpc/engine";
import { parseFrame } from "ocpp/rpc/frame";
import { MAX_LOGGED_FRAME_CHARS, OcppFrameLog } from "ocpp/framelog/frame-log";
import { FlashRing } from "storage/flash-ring";
import { decodeUtf8, encodeUtf8, encodeUtf8Into } from "util/utf8";
import vm from "node:vm";
import { bundleForXs } from "../../tools/xs/bundle.ts";
import { settle } from "../support/waits.ts";

function engineWithOutbox(): { engine: OcppEngine; sent: string[] } {
  const sent: string[] = [];
  const engine = new OcppEngine({ timers: new VirtualTime(), log: new Logger(new MemoryLogSink(), "rpc"), messageTimeoutS: () => 30 });
  engine.connected((text) => sent.push(text) > 0);
  return { engine, sent };
}

describe("fuzz findings", function () {
  it("answers an action named like an Object.prototype member NotImplemented, not NotSupported", async function () {
    const { engine, sent } = engineWithOutbox();
    const names = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"];
    for (const [i, name] of names.entries()) engine.receive(JSON.stringify([2, `u${i}`, name, {}]));
    await settle(); // the engine answers from a promise job
    assert.deepEqual(
      sent.map((text) => (JSON.parse(text) as unknown[]).slice(0, 3)),
      names.map((_, i) => [4, `u${i}`, "NotImplemented"]),
    );
    engine.receive('[2,"k1","BootNotification",{}]');
    await settle();
    assert.equal((JSON.parse(sent[sent.length - 1]) as unknown[])[2], "NotSupported", "a real action still is NotSupported");
  });

  it("refuses JSON nested deeper than XS can parse with FormationViolation, addressed when the id is readable", async function () {
    const deep = `[2,"d1","DataTransfer",{"vendorId":"v","data":${"[".repeat(5000)}${"]".repeat(5000)}}]`;
    const parsed = parseFrame(deep);
    assert.equal(parsed.kind, "bad");
    assert.ok(parsed.kind === "bad" && parsed.code === "FormationViolation" && parsed.id === "d1");
    const { engine, sent } = engineWithOutbox();
    engine.receive(deep);
    await settle();
    assert.deepEqual((JSON.parse(sent[0]) as unknown[]).slice(0, 3), [4, "d1", "FormationViolation"]);
    const shallow = parseFrame('[2,"s1","DataTransfer",{"vendorId":"v","data":[[[[1]]]]}]');
    assert.equal(shallow.kind, "call");
  });

  it("measures UTF-8 length exactly", function () {
    const samples = [
      "",
      "ascii",
      "\u00e9t\u00e9",
      "\u20ac",
      "\ud83d\ude00",
      "\ud800",
      "\udc00\ud800",
      "a\ud83d\ude00b\u00e9\u20ac\ud800x",
      "\u07ff\u0800\u0080\u007f",
    ];
    for (const text of samples) assert.equal(utf8ByteLength(text), encodeUtf8(text).length, JSON.stringify(text));
  });

  it("encodes long text piecewise with surrogate pairs across the piece boundaries intact", function () {
    for (const offset of [0, 1, 127, 128, 129]) {
      const text = `${"a".repeat(offset)}${"\ud83d\ude00\u20ac\u00e9z".repeat(400)}\ud800`;
      const bytes = new Uint8Array(text.length * 3);
      const length = encodeUtf8Into(text, bytes);
      const expected = new Uint8Array(Buffer.from(text.slice(0, -1), "utf8"));
      assert.equal(length, expected.length + 3, "a lone surrogate takes 3 bytes");
      assert.deepEqual(bytes.subarray(0, length - 3), expected);
      assert.equal(decodeUtf8(bytes, 0, length - 3), text.slice(0, -1));
      assert.equal(encodeUtf8Into(text, new Uint8Array(10)), -1, "too small a buffer");
    }
  });

  it("logs a frame longer than 4,096 characters cut, with the count of what was left out", function () {
    const clock = new OffsetClock(() => 0, 0, false);
    const log = new OcppFrameLog(new FlashRing(new SimFlash(4096, 4)), clock, new MemoryKeyValueStore());
    const frame = `[2,"b1","DataTransfer",{"vendorId":"v","data":"${"x".repeat(30000)}"}]`;
    log.record("in", "DataTransfer", frame);
    const lines: string[] = [];
    log.forEach((_seq, line) => lines.push(line));
    assert.equal(lines.length, 1);
    assert.ok(lines[0].endsWith(`...[${frame.length - MAX_LOGGED_FRAME_CHARS} more chars]`), lines[0].slice(-60));
    assert.ok(lines[0].length < MAX_LOGGED_FRAME_CHARS + 100);
  });
});

describe("fuzz findings: no walk over long strings (quadratic on XS)", function () {
  interface Helpers {
    utf8ByteLength(text: string): number;
    decodeBase64(text: string): Uint8Array | undefined;
    encodeUtf8Into(text: string, into: Uint8Array, offset?: number): number;
    jsonNestingExceeds(text: string, limit?: number): boolean;
  }
  /** Highest index passed to charAt / charCodeAt in the fresh realm, and the count of calls. */
  let walk: { furthest: number; calls: number };
  let helpers: Helpers;

  before(async function () {
    // A fresh realm: the test process's String.prototype is frozen (SES lockdown of the XS runner).
    const context = vm.createContext({});
    vm.runInContext(
      `globalThis.walk = { furthest: 0, calls: 0 };
       for (const name of ["charAt", "charCodeAt"]) {
         const original = String.prototype[name];
         String.prototype[name] = function (index) {
           walk.calls++;
           if (index > walk.furthest) walk.furthest = index;
           return original.call(this, index);
         };
       }`,
      context,
    );
    vm.runInContext(await bundleForXs("tests/support/string-walk-entry.ts"), context);
    const realm = context as unknown as { walk: { furthest: number; calls: number }; textHelpers: Helpers };
    helpers = realm.textHelpers;
    walk = realm.walk;
  });
  beforeEach(function () {
    walk.furthest = 0;
    walk.calls = 0;
  });

  it("utf8ByteLength of a 60,000-character frame: no per-character loop", function () {
    assert.equal(helpers.utf8ByteLength("x\u20ac".repeat(30000)), 120000);
    assert.ok(walk.calls < 100, `${walk.calls} calls`);
  });

  it("encodeUtf8Into of a 60,000-character text indexes no string past 256", function () {
    const text = "x\u20ac\ud83d\ude00".repeat(15000);
    const into = new Uint8Array(text.length * 3);
    assert.equal(helpers.encodeUtf8Into(text, into), 15000 * 8);
    assert.ok(walk.furthest < 256, `charCodeAt(${walk.furthest})`);
  });

  it("decodeBase64 of a 10,000-character PEM body decodes exactly, indexing no string past 256", function () {
    const bytes = new Uint8Array(7500).map((_, i) => (i * 37 + 11) & 0xff);
    const text = Buffer.from(bytes)
      .toString("base64")
      .replace(/(.{64})/g, "$1\n");
    assert.deepEqual(Array.from(helpers.decodeBase64(text) ?? []), Array.from(bytes));
    assert.ok(walk.furthest < 256, `charAt(${walk.furthest})`);
    assert.deepEqual(Array.from(helpers.decodeBase64("QQ==") ?? []), [65]);
    assert.deepEqual(Array.from(helpers.decodeBase64("QUI=") ?? []), [65, 66]);
    assert.equal(helpers.decodeBase64("Q=I="), undefined, "padding inside");
    assert.equal(helpers.decodeBase64(`${"QUJD".repeat(100)}Q===`), undefined, "too much padding");
    assert.equal(helpers.decodeBase64(`${"QUJD".repeat(100)}QU*D`), undefined, "outside the alphabet");
  });

  it("jsonNestingExceeds of a 60,000-character frame: no per-character loop", function () {
    assert.equal(helpers.jsonNestingExceeds(`[2,"a","DataTransfer",{"data":"${"[".repeat(60000)}"}]`), false);
    assert.equal(helpers.jsonNestingExceeds(`${"[".repeat(30000)}${"]".repeat(30000)}`), true);
    assert.ok(walk.calls < 100, `${walk.calls} calls`);
  });
});
