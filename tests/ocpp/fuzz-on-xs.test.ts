/**
 * The frame fuzzer (tools/fuzz, docs/fuzzing.md) against the whole firmware
 * on the real XS engine: 5,000 frames with a fixed seed must bring no
 * exception and no crash, the right answer to every frame, and a flat heap.
 * Also pins the fuzz findings that only XS shows.
 */
import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";
import { AnswerChecker } from "../../tools/fuzz/check.ts";
import { CSMS_ACTIONS, FrameGenerator, type FuzzFrame } from "../../tools/fuzz/frames.ts";
import { runFuzz } from "../../tools/fuzz/run.ts";

const SEED = 20261206;
const FRAMES = 5000;
/** Retained heap slots the firmware may gain over the batches after the warm-up. */
const HEAP_BOUND_SLOTS = 1000;

interface Drained {
  answers: string[];
  crashes: Array<{ index: number; error: string }>;
}

describe("frame fuzzer on the XS engine", function () {
  this.timeout(300_000);

  it("the checker counts a wrong code, a second answer and a missing answer", function () {
    const checker = new AnswerChecker();
    const call = (id: string, codes: FuzzFrame["expect"]): FuzzFrame => ({
      kind: "text",
      data: `[2,"${id}","Reset",{}]`,
      klass: "t",
      expect: codes,
    });
    checker.expect(call("a", { kind: "answer", id: "a", result: false, codes: ["TypeConstraintViolation"] }));
    checker.expect(call("b", { kind: "answer", id: "b", result: true, codes: [] }));
    checker.expect(call("c", { kind: "answer", id: "c", result: true, codes: [] }));
    checker.expect(call("n", { kind: "none" }));
    checker.answer('[4,"a","FormationViolation","",{}]');
    checker.answer('[3,"b",{}]');
    checker.answer('[3,"b",{}]');
    checker.answer('[4,"n","GenericError","",{}]');
    checker.finish();
    assert.equal(checker.wrongCount, 4, JSON.stringify(checker.wrong));
  });

  describe("one machine", function () {
    let machine: XsMachine;
    before(async function () {
      machine = await XsMachine.start({ entry: "tests/xs/entry-fuzz.ts" });
      assert.equal((await machine.call<boolean>("boot")).value, true);
      await machine.call("drain");
    });
    after(async function () {
      await machine?.close();
    });

    async function exchange(
      frames: Array<{ kind: string; data: string; repeat?: { unit: string; count: number; tail: string } }>,
      advanceMs = 0,
    ): Promise<Drained> {
      await machine.call("load", frames);
      await machine.call("feed", advanceMs);
      return (await machine.call<Drained>("drain")).value;
    }

    it("has a handler for every CSMS action (the fuzzer expects none NotSupported)", async function () {
      const registered = (await machine.call<string[]>("actions", [...CSMS_ACTIONS])).value;
      assert.deepEqual(registered, [...CSMS_ACTIONS]);
    });

    it("answers JSON nested 5,000 and 30,000 deep FormationViolation and lives on (XS aborted in JSON.parse)", async function () {
      const frames = [5000, 30000].flatMap((depth, i) => [
        {
          kind: "text",
          data: `[2,"deep${i}","DataTransfer",{"vendorId":"v","data":${"[".repeat(depth)}`,
          repeat: { unit: "]", count: depth, tail: "}]" },
        },
        // "@" makes the frame log's redaction parse the frame too.
        {
          kind: "text",
          data: `[2,"deepat${i}","DataTransfer",{"vendorId":"a@b","data":${'{"a":'.repeat(depth)}1`,
          repeat: { unit: "}", count: depth, tail: "}]" },
        },
      ]);
      const drained = await exchange(frames);
      assert.deepEqual(drained.crashes, []);
      assert.deepEqual(
        drained.answers.map((text) => (JSON.parse(text) as unknown[]).slice(0, 3)),
        [
          [4, "deep0", "FormationViolation"],
          [4, "deepat0", "FormationViolation"],
          [4, "deep1", "FormationViolation"],
          [4, "deepat1", "FormationViolation"],
        ],
      );
      const after = await exchange([{ kind: "text", data: '[2,"alive","DataTransfer",{"vendorId":"v","data":"[[[1]]]"}]' }]);
      assert.deepEqual(after.answers, ['[3,"alive",{"status":"UnknownVendorId"}]']);
    });

    it("does not re-arm the Heartbeat at 0 ms in a loop while it waits behind an unanswered CALL", async function () {
      const text = (data: string): { kind: string; data: string } => ({ kind: "text", data });
      const set = await exchange([
        text('[2,"hb1","ChangeConfiguration",{"key":"MessageTimeout","value":"600"}]'),
        text('[2,"hb2","ChangeConfiguration",{"key":"HeartbeatInterval","value":"1"}]'),
      ]);
      assert.deepEqual(set.answers, ['[3,"hb1",{"status":"Accepted"}]', '[3,"hb2",{"status":"Accepted"}]']);
      await machine.call("silence", true);
      try {
        // The triggered StatusNotification gets no answer: every later CALL waits behind it.
        const triggered = await exchange([text('[2,"hb3","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":1}]')]);
        assert.deepEqual(triggered.answers, ['[3,"hb3",{"status":"Accepted"}]']);
        const idle = await exchange([], 5000);
        assert.deepEqual(idle.crashes, [], "a timer loop (the time step never ended)");
      } finally {
        await machine.call("silence", false);
      }
    });
  });

  it(`${FRAMES} frames (seed ${SEED}): no crash, the right answer to each, heap flat`, async function () {
    const report = await runFuzz({ frames: FRAMES, seed: SEED });
    console.log(
      `      ${report.frames} frames, ${report.answers} answers, ${report.crashes} crashes, ${report.wrongAnswers} wrong; ` +
        `heap ${report.heapSlotsBaseline} slots +${report.heapSlotsGrowth}; ${report.computronsPerFrame} computrons/frame`,
    );
    assert.deepEqual(report.samples, { crashes: [], wrong: [] });
    assert.equal(report.crashes, 0);
    assert.equal(report.wrongAnswers, 0);
    assert.equal(report.frames, FRAMES);
    assert.ok(report.heapSlotsGrowth <= HEAP_BOUND_SLOTS, `retained heap grew by ${report.heapSlotsGrowth} slots`);
    // Every class of frame was fed.
    const classes = new FrameGenerator(SEED).batch(FRAMES).map((f) => f.klass);
    for (const klass of [
      "valid-call",
      "missing-field",
      "extra-field",
      "wrong-type",
      "bad-enum",
      "too-long",
      "bad-format",
      "not-multiple",
      "payload-not-object",
      "unknown-action",
      "cp-action",
      "duplicate-id",
      "answer-to-unknown-id",
      "binary",
      "not-an-array",
      "wrong-message-type",
      "truncated",
      "bad-shape",
      "bad-id",
      "invalid-utf8",
      "deeply-nested",
      "oversize",
      "valid-call-whitespace",
      "odd-id",
    ]) {
      assert.ok((report.byClass[klass] ?? 0) > 0 && classes.includes(klass), `no ${klass} frame`);
    }
  });
});
