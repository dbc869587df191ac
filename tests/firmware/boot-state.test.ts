/**
 * Issue 10 #5 and #6 through the booted firmware: the boot's
 * StatusNotifications come from the sensed state, never from the state the
 * connectors had before the loop's first ticks. An EV plugged in across a
 * power cut is Preparing first (not Available, then Preparing), and
 * ChangeAvailability Inoperative survives a power cut (OCTT TC_034): the
 * first status after the boot is Unavailable.
 *
 * The CSMS answers while virtual time stands still (`bootWithFastCsms`): a
 * network faster than the loop's first ticks, as after a quick reboot with
 * the access point still up.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { TestCsms } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import {
  useFirmwareRig,
  newStorage,
  runUntil,
  csmsCall,
  untilBooted,
  type Bench,
  type Storage,
  type SimBoard,
} from "../support/firmware-rig.ts";

describe("firmware: state at boot", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;
  beforeEach(() => {
    csms = rig.csms;
  });

  function statusesOf(connectorId: number, from = 0): string[] {
    return csms
      .calls("StatusNotification")
      .slice(from)
      .filter((c) => c.params.connectorId === connectorId)
      .map((c) => String(c.params.status));
  }

  /**
   * Boots again on `storage` and `sim` and returns the statuses of this boot
   * once each of `connectors` has one. Virtual time stands still until the
   * charger either has its statuses or waits for its loop to sense (`sensing`).
   */
  async function bootWithFastCsms(
    storage: Storage,
    sim: SimBoard,
    connectors: number[],
    startMs: number,
  ): Promise<{ bench: Bench; statuses: (id: number) => string[] }> {
    const before = csms.calls("StatusNotification").length;
    const statuses = (id: number): string[] => statusesOf(id, before);
    const all = (): boolean => connectors.every((id) => statuses(id).length > 0);
    const bench = rig.boot(storage, sim, {}, startMs);
    await waitFor("the boot's statuses, or a charger that waits for its loop", () => bench.firmware.sensing || all(), 10_000);
    await runUntil(bench, "statuses of the boot", all);
    return { bench, statuses };
  }

  it("power cut with an EV plugged in: the first StatusNotification after the boot is Preparing, not Available", async () => {
    const storage = newStorage();
    const sim = createSimulatedBoard({ connectors: 1 });
    const first = rig.boot(storage, sim);
    await untilBooted(csms, first);
    sim.sims[0].ev.plug();
    await runUntil(first, "Preparing reported", () => statusesOf(1).includes("Preparing"));
    rig.cut(first);

    const { bench, statuses } = await bootWithFastCsms(storage, sim, [0, 1], first.time.nowMs());
    assert.deepEqual(statuses(1), ["Preparing"]);
    assert.deepEqual(statuses(0), ["Available"]);
    assert.equal(bench.firmware.sensing, false);
  });

  it("Reset Hard during a transaction: the boot reports the plugged connector from the sensed state", async () => {
    const storage = newStorage();
    const sim = createSimulatedBoard({ connectors: 1 });
    const first = rig.boot(storage, sim);
    const fw = first.firmware;
    await untilBooted(csms, first);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(first, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    fw.presentCard("CARD-RESET");
    await runUntil(first, "charging", () => fw.loop.connector(1).snapshot.relayClosed && csms.calls("StartTransaction").length === 1);
    assert.deepEqual(await csmsCall(csms, first, "Reset", { type: "Hard" }), { status: "Accepted" });
    await runUntil(first, "reboot asked", () => first.reboots.length === 1 && csms.calls("StopTransaction").length === 1);
    rig.cut(first);

    const { statuses } = await bootWithFastCsms(storage, sim, [0, 1], first.time.nowMs());
    assert.notEqual(statuses(1)[0], "Available", statuses(1).join());
    assert.ok(!statuses(1).includes("Available"), statuses(1).join());
  });

  it("TC_034 ChangeAvailability Inoperative, power cut: Unavailable first after the boot (connector, then charge point)", async () => {
    const storage = newStorage();
    const sim = createSimulatedBoard({ connectors: 2 });
    const first = rig.boot(storage, sim);
    await runUntil(first, "booted", () => first.firmware.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 3);
    assert.deepEqual(await csmsCall(csms, first, "ChangeAvailability", { connectorId: 2, type: "Inoperative" }), { status: "Accepted" });
    await runUntil(first, "Unavailable reported", () => statusesOf(2).includes("Unavailable"));
    rig.cut(first);

    const second = await bootWithFastCsms(storage, sim, [0, 1, 2], first.time.nowMs());
    assert.deepEqual(second.statuses(2), ["Unavailable"]);
    assert.deepEqual(second.statuses(1), ["Available"]);
    assert.deepEqual(second.statuses(0), ["Available"]);
    assert.equal(second.bench.firmware.loop.connector(2).snapshot.status, "Unavailable");

    assert.deepEqual(await csmsCall(csms, second.bench, "ChangeAvailability", { connectorId: 0, type: "Inoperative" }), {
      status: "Accepted",
    });
    await runUntil(second.bench, "connector 1 Unavailable", () => second.statuses(1).includes("Unavailable"));
    rig.cut(second.bench);

    const third = await bootWithFastCsms(storage, sim, [0, 1, 2], second.bench.time.nowMs());
    assert.deepEqual(third.statuses(0), ["Unavailable"]);
    assert.deepEqual(third.statuses(1), ["Unavailable"]);
    assert.deepEqual(third.statuses(2), ["Unavailable"]);
  });

  it("TC_034 Inoperative Scheduled during a transaction, power cut: Unavailable after the boot", async () => {
    const storage = newStorage();
    const sim = createSimulatedBoard({ connectors: 1 });
    const first = rig.boot(storage, sim);
    const fw = first.firmware;
    await untilBooted(csms, first);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(first, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    fw.presentCard("CARD-34");
    await runUntil(first, "charging", () => fw.loop.connector(1).snapshot.relayClosed && csms.calls("StartTransaction").length === 1);
    assert.deepEqual(await csmsCall(csms, first, "ChangeAvailability", { connectorId: 0, type: "Inoperative" }), { status: "Scheduled" });
    rig.cut(first);

    const second = await bootWithFastCsms(storage, sim, [0, 1], first.time.nowMs());
    await runUntil(second.bench, "stopped after the power cut", () => csms.calls("StopTransaction").length === 1);
    assert.equal(csms.calls("StopTransaction")[0].params.reason, "PowerLoss");
    assert.deepEqual(second.statuses(0), ["Unavailable"]);
    assert.deepEqual(second.statuses(1), ["Unavailable"]);
  });
});
