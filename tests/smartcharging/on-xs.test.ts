import { strict as assert } from "node:assert";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { XsMachine } from "../../tools/xs/runner.ts";
import { FakeTransactions, T0, makeService, runTc066 } from "./scenarios.ts";

describe("Smart Charging on the real XS engine", function () {
  let machine: XsMachine;

  before(async function () {
    machine = await XsMachine.start({ entry: "tests/xs/entry-smartcharging.ts" });
  });
  after(async function () {
    await machine.close();
  });

  it("computes the OCTT TC_066 composite exactly as Node does, and again after a reboot", async function () {
    const transactions = new FakeTransactions();
    const node = runTc066(makeService(new MemoryKeyValueStore(), transactions), transactions, T0, 5);
    const { value } = await machine.call<{
      statuses: string[];
      composite: unknown;
      afterReboot: unknown;
      limitAt100s: number;
      nextChangeAt: number;
    }>("tc066", T0, 5);
    assert.deepEqual(value.statuses, ["Accepted", "Accepted", "Accepted"]);
    assert.deepEqual(value.composite, JSON.parse(JSON.stringify(node.composite)));
    assert.deepEqual(value.afterReboot, value.composite);
    assert.equal(value.limitAt100s, 10);
    assert.equal(value.nextChangeAt, T0 + 50000);
    assert.equal(machine.kv.keys("chgprofiles").length, 3, "three profiles stored through the bridge");
  });

  it("parses ISO 8601 timestamps with offsets and fractions the same way on XS", async function () {
    const cases = ["2025-03-10T12:00:00Z", "2025-03-10T14:30:00.250+02:30", "2024-02-29T00:00:00-0100", "2025-02-29T00:00:00Z"];
    for (const text of cases) {
      const { value } = await machine.call<{ ms: number | null; back: string | null }>("iso", text);
      const expected = text.startsWith("2025-02-29") ? null : Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
      assert.equal(value.ms, expected, text);
    }
  });
});
