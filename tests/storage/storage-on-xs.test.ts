import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";
import { SimFlash } from "platform/common/sim-flash";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { transactionFrames } from "./ocpp-messages.ts";

const ENTRY = "tests/xs/entry-storage.ts";

describe("storage on the real XS engine", function () {
  const flash = new Map([
    ["journal", new SimFlash(4096, 16)],
    ["ocpplog", new SimFlash(4096, 4)],
  ]);
  const kv = new MemoryKeyValueStore();
  let machine: XsMachine | undefined;

  afterEach(async function () {
    await machine?.close();
    machine = undefined;
  });

  it("pushes and pops through FlashQueue, survives a power cut and recovers on a new machine", async function () {
    machine = await XsMachine.start({ entry: ENTRY, flash, kv });
    assert.equal((await machine.call("queueOpen")).value, 0);
    const frames = [...transactionFrames(1), ...transactionFrames(2)];
    const pushed = (await machine.call<{ seqs: number[]; error?: string }>("queuePush", frames)).value;
    assert.equal(pushed.error, undefined);
    assert.equal(pushed.seqs.length, 10);
    const popped = (await machine.call<{ popped: Array<[number, string]> }>("queuePop", 3)).value.popped;
    assert.deepEqual(
      popped.map(([, r]) => r),
      frames.slice(0, 3),
    );

    // Power goes off in the middle of the next push (its commit marker write).
    const journal = flash.get("journal")!;
    journal.cutPowerAtOperation(2, "torn");
    const cut = (await machine.call<{ seqs: number[]; error?: string }>("queuePush", ["never acknowledged"])).value;
    assert.deepEqual(cut, { seqs: [], error: "PowerCutError", full: false });
    await machine.close();
    journal.powerOn();

    machine = await XsMachine.start({ entry: ENTRY, flash, kv });
    assert.equal((await machine.call("queueOpen")).value, 7, "7 acknowledged records wait; the torn push is absent");
    const list = (await machine.call<{ all: Array<[number, string]> }>("queueList")).value.all;
    assert.deepEqual(
      list.map(([, r]) => r),
      frames.slice(3),
    );
    assert.deepEqual(
      list.map(([seq]) => seq),
      pushed.seqs.slice(3),
    );
    const more = (await machine.call<{ seqs: number[] }>("queuePush", ["after reboot"])).value.seqs;
    assert.ok(more[0] > pushed.seqs[9], "seqs keep growing");
    const rest = (await machine.call<{ popped: Array<[number, string]> }>("queuePop", 20)).value.popped;
    assert.deepEqual(
      rest.map(([, r]) => r),
      [...frames.slice(3), "after reboot"],
    );
  });

  it("logs frames with secrets redacted through the frame log on XS", async function () {
    machine = await XsMachine.start({ entry: ENTRY, flash, kv });
    await machine.call("frameLogRecord", "out", "Heartbeat", '[2,"h","Heartbeat",{}]');
    const text = (
      await machine.call<string>(
        "frameLogRecord",
        "in",
        "ChangeConfiguration",
        '[2,"c","ChangeConfiguration",{"key":"AuthorizationKey","value":"s3cr3tk3y"}]',
      )
    ).value;
    assert.equal(
      text,
      '1970-01-01T00:00:00.000Z? in ChangeConfiguration [2,"c","ChangeConfiguration",{"key":"AuthorizationKey","value":"***"}]\n',
    );
  });
});
