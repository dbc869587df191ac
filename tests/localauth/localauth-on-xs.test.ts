import { strict as assert } from "node:assert";
import { SimFlash } from "platform/common/sim-flash";
import { XsMachine } from "../../tools/xs/runner.ts";

/** Boots a machine with an empty authlist partition and loads `count` tags in chunks of 250. */
async function machineWithList(count: number): Promise<XsMachine> {
  const machine = await XsMachine.start({ entry: "tests/xs/entry-localauth.ts" });
  let version = 1;
  for (let from = 0; from < count; from += 250) {
    const { value } = await machine.call<string>("sendRange", from, Math.min(250, count - from), version++);
    assert.equal(value, "Accepted");
  }
  return machine;
}

describe("the Local List on the real XS engine", function () {
  this.timeout(120_000);

  it("looks tags up in a 1,000-entry flash list; heap slots do not grow with the list size", async function () {
    const small = await machineWithList(100);
    const large = await machineWithList(1000);
    try {
      assert.equal((await large.call("version")).value, 4);
      assert.deepEqual((await large.call("lookupOne", "tag00990")).value, { source: "list", status: "Accepted", parent: "FLEET" });
      assert.equal((await large.call("lookupOne", "TAG01000")).value, null);
      // A reboot of the XS side: the list is read back from the bridged flash.
      await large.call("boot");
      assert.equal((await large.call("version")).value, 4);

      const heap = async (machine: XsMachine, limit: number) => {
        await machine.call("gc");
        const before = (await machine.call("version")).meter.currentHeapCount;
        const { value, meter } = await machine.call<number>("lookupMany", 200, limit);
        assert.equal(value, 200, "every looked-up tag is found and accepted from the list");
        await machine.call("gc");
        const after = (await machine.call("version")).meter.currentHeapCount;
        return { before, during: meter.currentHeapCount, after };
      };
      const s = await heap(small, 100);
      const l = await heap(large, 1000);
      // Same work on a list ten times larger: the retained heap is the same (within a small margin),
      // where holding the entries in RAM would cost thousands of slots more.
      assert.ok(Math.abs(l.after - s.after) < 200, `heap after lookups: ${s.after} (100 entries) vs ${l.after} (1000 entries)`);
      assert.ok(Math.abs(l.after - l.before - (s.after - s.before)) < 100, "lookups retain nothing per entry");
    } finally {
      await small.close();
      await large.close();
    }
  });

  it("keeps the old list through a power cut during a Full update on XS", async function () {
    const flash = new Map([
      ["authlist", new SimFlash(4096, 16)],
      ["journal", new SimFlash(4096, 16)],
      ["ocpplog", new SimFlash(4096, 16)],
    ]);
    const machine = await XsMachine.start({ entry: "tests/xs/entry-localauth.ts", flash });
    try {
      assert.equal((await machine.call("sendRange", 0, 200, 1)).value, "Accepted");
      const authlist = flash.get("authlist")!;
      authlist.cutPowerAtOperation(4, "torn");
      assert.equal((await machine.call("sendRange", 0, 250, 2)).value, "Failed");
      authlist.powerOn();
      await machine.call("boot");
      assert.equal((await machine.call("version")).value, 1);
      assert.deepEqual((await machine.call("lookupOne", "TAG00151")).value, { source: "list", status: "Accepted", parent: null });
    } finally {
      await machine.close();
    }
  });
});
