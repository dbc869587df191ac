import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";

interface Reading {
  ok: boolean;
  energyImportWh: number;
  powerW: number;
  voltageV: number[];
  currentA: number[];
  frequencyHz: number;
  atMs: number;
  requests: number;
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-3 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);

describe("meters: the SDM630 Modbus driver on the real XS engine", function () {
  let machine: XsMachine;

  before(async function () {
    machine = await XsMachine.start({ entry: "tests/xs/entry-meters.ts" });
  });
  after(async function () {
    await machine.close();
  });

  it("decodes the simulated meter's registers", async function () {
    await machine.call("load", 5678.9);
    const { value } = await machine.call<Reading>("read", 50);
    assert.equal(value.ok, true);
    assert.equal(value.requests, 1);
    close(value.voltageV[0], 230.1, "V1");
    close(value.voltageV[2], 231.7, "V3");
    close(value.currentA[1], 11.25, "I2");
    close(value.powerW, 7700, "P");
    close(value.frequencyHz, 49.98, "f");
    close(value.energyImportWh, 5_678_900, "energy");
    assert.equal(machine.kv.get("meter", "sdm630Wh"), Math.floor(value.energyImportWh), "persisted through the bridged store");
  });

  it("polls in steady state without heap growth per cycle", async function () {
    // A bridged call itself leaves ~200 slots behind; one slot per cycle would add 1000.
    await machine.call("pollCycles", 5); // warm up
    const before = await machine.call("noop");
    const many = await machine.call("pollCycles", 1000);
    assert.equal(many.value, true);
    const growth = many.meter.currentHeapCount - before.meter.currentHeapCount;
    assert.ok(growth < 400, `heap slots grew by ${growth} over 1000 cycles`);
  });

  it("goes offline when the meter stops answering and keeps the energy", async function () {
    await machine.call("setOffline", true);
    const { value } = await machine.call<Reading>("read", 2000);
    assert.equal(value.ok, false);
    close(value.energyImportWh, 5_678_900, "energy while offline");
    const { value: errors } = await machine.call<string[]>("errors");
    assert.deepEqual(errors.slice(0, 3), ["timeout", "timeout", "offline"]);
    assert.equal((await machine.call("close")).value, true);
  });
});
