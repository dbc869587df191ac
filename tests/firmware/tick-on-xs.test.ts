/**
 * The booted firmware on the real XS engine with a hand-stepped loop driver
 * (tests/xs/entry-firmware-tick.ts): the heap stays flat over thousands of
 * ticks while plug-in/unplug events flow to the OCPP side, and a tick whose
 * state change starts a transaction does not pay for the journal write: that
 * happens in the after-tick drain.
 */
import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";

/** Nothing listens here: offline (status changes are kept for the reconnect, transactions journaled). */
const OFFLINE_URL = "ws://127.0.0.1:9/ocpp/{deviceId}";

interface Cycles {
  statusChanges: number;
  ticks: number;
  overflows: number;
  errors: number;
  pending: number;
}
interface TickState {
  status: string;
  plugged: boolean;
  journal: number;
  ocppStatus: string;
}

describe("firmware on XS: events leave the tick", function () {
  this.timeout(120_000);
  let machine: XsMachine;

  before(async () => {
    machine = await XsMachine.start({ entry: "tests/xs/entry-firmware-tick.ts" });
    assert.equal((await machine.call("boot", OFFLINE_URL)).value, true);
  });
  after(async () => {
    await machine.close();
  });

  async function retained(): Promise<number> {
    return (await machine.call("gc")).meter.currentHeapCount;
  }

  it("keeps the heap flat over 4,000 ticks of plug-in/unplug events reaching OCPP", async () => {
    await machine.call("cycles", 10); // warm-up: every path taken once
    const start = await retained();
    const first = (await machine.call<Cycles>("cycles", 50)).value;
    const middle = await retained();
    const second = (await machine.call<Cycles>("cycles", 50)).value;
    const end = await retained();
    console.log(
      `      heap slots retained: ${start} -> ${middle} -> ${end} over 2 x 2,000 ticks (${second.ticks} in all); ${first.statusChanges + second.statusChanges} OCPP status changes`,
    );
    assert.equal(first.statusChanges, 100, "each plug-in and unplug reached the OCPP status");
    assert.equal(second.statusChanges, 100);
    assert.equal(second.overflows, 0);
    assert.equal(second.errors, 0);
    assert.equal(second.pending, 0);
    assert.ok(end - middle <= 0, `retained heap grew by ${end - middle} slots over 2,000 ticks`);
  });

  it("meters the tick with a state change apart from the drain that writes the journal", async () => {
    assert.equal((await machine.call("freeCharging")).value, "Accepted/Accepted");
    // A quiet tick for comparison.
    await machine.call("advance");
    const quiet = await machine.call<number>("tick");
    assert.equal(quiet.value, 0);
    await machine.call("drain");
    await machine.call("plug");
    let tickCompute = -1;
    let drainCompute = -1;
    for (let i = 0; i < 20 && tickCompute < 0; i++) {
      await machine.call("advance");
      const before = (await machine.call<TickState>("state")).value;
      const tick = await machine.call<number>("tick");
      if (tick.value === 0) {
        await machine.call("drain");
        continue;
      }
      const afterTick = (await machine.call<TickState>("state")).value;
      assert.equal(afterTick.plugged, true);
      assert.equal(afterTick.journal, before.journal, "no journal write inside the tick");
      assert.equal(afterTick.ocppStatus, before.ocppStatus, "OCPP has not heard of it yet");
      const drain = await machine.call<number>("drain");
      const afterDrain = (await machine.call<TickState>("state")).value;
      assert.equal(drain.value, 0);
      assert.equal(afterDrain.journal, before.journal + 1, "StartTransaction journaled by the drain");
      assert.equal(afterDrain.ocppStatus, "Preparing");
      tickCompute = tick.meter.compute;
      drainCompute = drain.meter.compute;
    }
    console.log(
      `      computrons: quiet tick ${quiet.meter.compute}, tick with plug-in event ${tickCompute}, after-tick drain (status, StartTransaction journal write) ${drainCompute}`,
    );
    assert.ok(tickCompute > 0, "a tick with the plug-in event was seen");
    assert.ok(drainCompute > tickCompute, "the OCPP work (journal write) is in the drain, not the tick");
  });
});
