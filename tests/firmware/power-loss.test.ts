/**
 * OCTT TC_032_1 through the booted firmware: the board's power-fail input
 * (`RunningFirmware.powerLost`) while charging on backup power opens the
 * contactor and sends StopTransaction(PowerLoss) before the charger goes
 * down; the next boot has nothing left to stop.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { TestCsms } from "../support/csms-harness.ts";
import { useFirmwareRig, newStorage, runUntil } from "../support/firmware-rig.ts";

describe("firmware: power loss on backup power", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;

  beforeEach(async () => {
    csms = rig.csms;
  });

  it("TC_032_1 powerLost(): relay opens, StopTransaction(PowerLoss) delivered before shutdown, not repeated after the boot", async () => {
    const storage = newStorage();
    const sim = createSimulatedBoard({ connectors: 1 });
    const first = rig.boot(storage, sim, { deviceId: "OXS0032" });
    const fw = first.firmware;
    await runUntil(first, "accepted", () => fw.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(first, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    fw.presentCard("CARD-32");
    await runUntil(first, "charging", () => fw.loop.connector(1).snapshot.relayClosed && csms.calls("StartTransaction").length === 1);

    const pending = fw.powerLost();
    assert.ok(pending >= 1, "StopTransaction journaled when powerLost returns");
    assert.equal(fw.chargePoint.transactions.hasTransaction(1), false);
    await runUntil(
      first,
      "StopTransaction delivered",
      () => csms.calls("StopTransaction").length === 1 && fw.chargePoint.transactions.journalSize === 0,
    );
    await runUntil(first, "relay open", () => !fw.loop.connector(1).snapshot.relayClosed);
    const stop = csms.calls("StopTransaction")[0].params;
    assert.equal(stop.reason, "PowerLoss");
    assert.equal(stop.transactionId, 100);
    fw.presentCard("CARD-33");
    await runUntil(first, "card handled", () => first.log.lines.some((l) => l.includes("card CARD-33")));
    assert.equal(csms.calls("StartTransaction").length, 1, "no new transaction while the power is going");

    // The backup runs out; the next boot on the same flash and NVS.
    rig.cut(first);
    const second = rig.boot(storage, sim, { deviceId: "OXS0032" }, first.time.nowMs());
    await runUntil(
      second,
      "accepted again",
      () => second.firmware.chargePoint.engine.accepted && csms.calls("BootNotification").length === 2,
    );
    await runUntil(second, "settled", () => second.firmware.chargePoint.transactions.journalSize === 0, 5_000);
    second.time.advance(1000);
    assert.equal(csms.calls("StopTransaction").length, 1, "not stopped twice");
  });
});

describe("firmware: power cut without backup power", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();

  it("TC_032_2 the energy register is restored before the StopTransaction(PowerLoss) is built: meterStop is the register at the cut, not 0", async () => {
    const csms: TestCsms = rig.csms;
    const storage = newStorage();
    const sim = createSimulatedBoard({ connectors: 1 });
    const first = rig.boot(storage, sim, { deviceId: "OXS0322" });
    const fw = first.firmware;
    await runUntil(first, "accepted", () => fw.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(first, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    fw.presentCard("CARD-322");
    await runUntil(first, "StartTransaction", () => csms.calls("StartTransaction").length === 1);
    const meterStartWh = Number(csms.calls("StartTransaction")[0].params.meterStart);
    await runUntil(first, "energy flowing", () => fw.loop.connector(1).snapshot.energyWh > meterStartWh + 5, 120_000);
    const atCutWh = fw.loop.connector(1).snapshot.energyWh;

    rig.cut(first); // no backup: nothing is sent
    assert.equal(csms.calls("StopTransaction").length, 0);
    const second = rig.boot(storage, sim, { deviceId: "OXS0322" }, first.time.nowMs());
    await runUntil(second, "StopTransaction after the restart", () => csms.calls("StopTransaction").length === 1);
    const stop = csms.calls("StopTransaction")[0].params;
    assert.equal(stop.reason, "PowerLoss");
    assert.ok(Number(stop.meterStop) >= meterStartWh, `meterStop ${String(stop.meterStop)} below meterStart ${meterStartWh}`);
    assert.ok(
      Math.abs(Number(stop.meterStop) - atCutWh) <= 1,
      `meterStop ${String(stop.meterStop)} is the register at the cut (${atCutWh.toFixed(1)} Wh)`,
    );
  });
});
