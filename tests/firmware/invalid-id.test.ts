/**
 * Issue 10 #7 (OCTT TC_037_2) through the booted firmware: an offline-started
 * transaction whose StartTransaction.conf says Invalid, with
 * StopTransactionOnInvalidId false and MaxEnergyOnInvalidId 0, goes on
 * without energy: SuspendedEVSE (never Finishing), PWM off, contactor open,
 * no StopTransaction; the same card then stops it.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { TestCsms } from "../support/csms-harness.ts";
import { useFirmwareRig, newStorage, runUntil, untilBooted } from "../support/firmware-rig.ts";

describe("firmware: invalid id after an offline start (TC_037_2)", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;
  beforeEach(() => {
    csms = rig.csms;
  });

  it("StopTransactionOnInvalidId false, MaxEnergyOnInvalidId 0: SuspendedEVSE, energy stopped, transaction kept", async () => {
    const sim = createSimulatedBoard({ connectors: 1 });
    const bench = rig.boot(newStorage(), sim);
    const fw = bench.firmware;
    const config = fw.chargePoint.config;
    assert.equal(config.change("StopTransactionOnInvalidId", "false"), "Accepted");
    assert.equal(config.change("MaxEnergyOnInvalidId", "0"), "Accepted");
    assert.equal(config.change("AllowOfflineTxForUnknownId", "true"), "Accepted");
    csms.handlers.set("StartTransaction", () => ({ transactionId: 8, idTagInfo: { status: "Invalid" } }));
    await untilBooted(csms, bench);

    // Offline: the CSMS drops the connection and refuses the reconnects (401) for now.
    csms.passwords = ["only-this"];
    void csms.client.close({ code: 1001, force: true });
    await runUntil(bench, "offline", () => !fw.chargePoint.engine.online);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(bench, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    fw.presentCard("UNKNOWN-37");
    await runUntil(bench, "charging offline", () => fw.loop.connector(1).snapshot.relayClosed);
    const statusesBefore = csms.calls("StatusNotification").length;

    csms.passwords = [];
    await runUntil(bench, "StartTransaction answered", () => fw.chargePoint.transactions.transactionOn(1)?.transactionId === 8, 60_000);
    const snapshot = fw.loop.connector(1).snapshot;
    await runUntil(bench, "SuspendedEVSE with the contactor open", () => snapshot.status === "SuspendedEVSE" && !snapshot.relayClosed);
    await runUntil(bench, "SuspendedEVSE reported", () =>
      csms
        .calls("StatusNotification")
        .slice(statusesBefore)
        .some((c) => c.params.connectorId === 1 && c.params.status === "SuspendedEVSE"),
    );
    assert.equal(snapshot.offeredA, 0, "PWM off");
    await runUntil(bench, "contactor feedback open: no energy", () => !sim.sims[0].powered);
    const reported = csms
      .calls("StatusNotification")
      .slice(statusesBefore)
      .map((c) => String(c.params.status));
    assert.ok(!reported.includes("Finishing"), reported.join());
    assert.equal(fw.chargePoint.transactions.hasTransaction(1), true);
    assert.equal(csms.calls("StopTransaction").length, 0);

    fw.presentCard("UNKNOWN-37");
    await runUntil(bench, "StopTransaction", () => csms.calls("StopTransaction").length === 1);
    assert.equal(csms.calls("StopTransaction")[0].params.transactionId, 8);
  });
});
