import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";

interface Summary {
  ticks: number;
  loopTicks: number;
  statusBits: number;
  maxClosedTogether: number;
  relayClosed: number;
  faulted: number;
  unplugged: number;
  selfTestPassed: number;
  deratedTicks: number;
  highTemperatureTicks: number;
  energyWh: number[];
  hasGc: boolean;
}

describe("control loop on the real XS engine", function () {
  this.timeout(60_000);
  let machine: XsMachine;

  before(async function () {
    machine = await XsMachine.start({ entry: "tests/xs/entry-loop.ts" });
  });
  after(async function () {
    await machine.close();
  });

  it("runs the scripted 2-connector session through every state", async function () {
    await machine.call("run", 6000);
    const { value } = await machine.call<Summary>("summary");
    assert.equal(value.hasGc, true);
    assert.equal(value.loopTicks, 6000);
    // Available, Preparing, Charging, SuspendedEVSE, SuspendedEV, Finishing, Faulted
    for (const bit of [1, 2, 4, 8, 16, 32, 256]) assert.ok((value.statusBits & bit) !== 0, `status bit ${bit} seen`);
    assert.equal(value.maxClosedTogether, 2, "both connectors charged at once (balanced)");
    assert.ok(value.relayClosed >= 4);
    assert.ok(value.faulted >= 2);
    assert.ok(value.unplugged >= 2);
    assert.ok(value.selfTestPassed >= 4);
    assert.ok(value.energyWh[0] > 0 && value.energyWh[1] > 0);
    // Over-temperature phase: derated while charging, then latched Faulted + HighTemperature, then reset.
    assert.ok(value.deratedTicks > 0, "charged derated by temperature");
    assert.ok(value.highTemperatureTicks > 0, "tripped on over-temperature");
    assert.ok(value.highTemperatureTicks < 1200, `and reset after cooling (${value.highTemperatureTicks} connector-ticks latched)`);
  });

  it("allocates no heap slot per tick over 10,000 ticks", async function () {
    // Warm-up: every path of the script taken, and one large command (its first run leaves a
    // few slots once, e.g. engine caches, independent of the tick count).
    await machine.call("run", 3000);
    await machine.call("run", 10_100);
    // Each `run` calls gc() first, so the count after it is the live heap plus what its ticks left behind:
    // one slot per tick would show as >= 10,000 more slots after the large run.
    const small = await machine.call("run", 100);
    const large = await machine.call("run", 10_100);
    const growth = large.meter.currentHeapCount - small.meter.currentHeapCount;
    assert.ok(growth <= 0, `heap grew by ${growth} slots over 10,000 ticks`);
    const again = await machine.call("run", 10_100);
    assert.ok(again.meter.currentHeapCount <= small.meter.currentHeapCount, "and stays flat");
  });

  it("is driven by the platform's LoopDriver on virtual time", async function () {
    const before = (await machine.call<Summary>("summary")).value.loopTicks;
    assert.equal((await machine.call("startDriver")).value, true);
    await machine.advance(1000);
    const after = (await machine.call<number>("stopDriver")).value;
    assert.equal(after - before, 100, "100 ticks of 10 ms in 1 s");
  });
});
