import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";

describe("the xsnap platform on the real XS engine", function () {
  let machine: XsMachine;

  before(async function () {
    machine = await XsMachine.start({ entry: "tests/xs/entry-platform.ts" });
  });
  after(async function () {
    await machine.close();
  });

  it("runs in an engine without Node globals", async function () {
    const { value } = await machine.call<Record<string, string>>("noNodeGlobals");
    assert.deepEqual(value, { process: "undefined", Buffer: "undefined", require: "undefined" });
  });

  it("stores through the bridged key-value store and keeps the NVS rules", async function () {
    assert.equal((await machine.call("kvRoundTrip", "count", 42)).value, 42);
    assert.equal(machine.kv.get("test", "count"), 42);
    assert.equal((await machine.call("kvRejects", "ratio", 1.5)).value, "not-integer");
    assert.equal((await machine.call("kvRejects", "a-key-longer-than-15", 1)).value, "bad-name");
    assert.equal((await machine.call("kvRejects", "big", "x".repeat(4000))).value, "too-large");
    assert.equal((await machine.call("kvRejects", "ok", "x".repeat(3999))).value, "accepted");
  });

  it("programs flash with NOR semantics and sees a power cut", async function () {
    assert.equal((await machine.call("flashWriteRead", 100, "héllo ⚡")).value, "héllo ⚡");
    const journal = machine.flash.get("journal");
    assert.ok(journal);
    journal.cutPowerAtOperation(1, "torn");
    assert.equal((await machine.call("flashErase", 0)).value, "PowerCutError");
    assert.equal(journal.powered, false);
    journal.powerOn();
    assert.equal((await machine.call("flashErase", 0)).value, "erased");
  });

  it("fires timers on virtual time moved by the parent", async function () {
    assert.equal((await machine.call("armTimers")).value, true);
    await machine.advance(1000);
    const { value } = await machine.call<{ periodicFires: number; onceFiredAtMs: number }>("timerCounts");
    assert.equal(value.periodicFires, 10);
    assert.equal(value.onceFiredAtMs, 250);
  });

  it("keeps the wall clock unsynced until set", async function () {
    const { value } = await machine.call<{ before: boolean; after: boolean; utcMs: number }>("clock", 1_800_000_000_000);
    assert.equal(value.before, false);
    assert.equal(value.after, true);
    assert.equal(value.utcMs, 1_800_000_000_000);
  });

  it("sends log lines through the bridge, filtered by level", async function () {
    await machine.call("log", "hello from XS");
    assert.ok(machine.logs.includes("info [xs-test] hello from XS"));
    assert.ok(!machine.logs.some((line) => line.includes("not shown")));
  });

  it("reports computrons and heap slots for each command", async function () {
    const { meter } = await machine.call("timerCounts");
    assert.ok(meter.compute > 0, "computrons counted");
    assert.ok(meter.currentHeapCount > 0, "heap slots counted");
  });
});
