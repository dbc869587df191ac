/**
 * MaxEnergyOnInvalidId (reference 4.5), clock-aligned MeterValues for idle
 * connectors and connector 0 (reference 4.9), LockCablePermanently
 * (reference 5, read-only false on our boards) against the strict CSMS.
 */
import { strict as assert } from "node:assert";
import { TestCsms, FakeHardware, type TestCharger, useCoreRig } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { INVALID_ID_ENERGY_CHECK_MS } from "ocpp/core/transaction-service";
import { RESET_RETRY_DELAY_MS } from "ocpp/core/reboot";

interface Mv {
  connectorId: number;
  transactionId?: number;
  meterValue: Array<{ timestamp: string; sampledValue: Array<{ value: string; context?: string; measurand?: string; location?: string }> }>;
}

describe("Core keys: MaxEnergyOnInvalidId, aligned data outside transactions, LockCablePermanently, ResetRetries", function () {
  const rig = useCoreRig();
  let csms: TestCsms;
  let charger: TestCharger | undefined;

  beforeEach(function () {
    csms = rig.csms;
    charger = undefined;
  });

  it("keeps offering energy after an Invalid StartTransaction.conf until MaxEnergyOnInvalidId Wh were delivered", async function () {
    csms.handlers.set("StartTransaction", () => ({ transactionId: 7, idTagInfo: { status: "Invalid" } }));
    charger = await rig.boot({
      config: { StopTransactionOnInvalidId: "false", MaxEnergyOnInvalidId: "500", MeterValueSampleInterval: "0" },
    });
    const connector = charger.connector;
    connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    await waitFor("StartTransaction answered", () => charger!.cp.transactions.transactionOn(1)?.transactionId === 7);
    assert.equal(connector.permission, true, "energy still offered");
    connector.energyWh += 499;
    charger.advance(INVALID_ID_ENERGY_CHECK_MS);
    assert.equal(connector.energyWithheld, false, "499 Wh of 500");
    connector.energyWh += 1;
    charger.advance(INVALID_ID_ENERGY_CHECK_MS);
    assert.equal(connector.energyWithheld, true, "SuspendedEVSE once 500 Wh were delivered");
    assert.equal(connector.permission, true, "the transaction keeps its permission");
    assert.equal(charger.cp.transactions.hasTransaction(1), true, "the transaction is not stopped");
    assert.equal(csms.calls("StopTransaction").length, 0);
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.meterStop, 1500);
  });

  it("suspends at once on an Invalid id when MaxEnergyOnInvalidId is 0, and declares the key RW", async function () {
    csms.handlers.set("StartTransaction", () => ({ transactionId: 8, idTagInfo: { status: "Invalid" } }));
    charger = await rig.boot({ config: { StopTransactionOnInvalidId: "false" } });
    const conf = await csms.call("GetConfiguration", { key: ["MaxEnergyOnInvalidId"] });
    assert.deepEqual(conf.configurationKey, [{ key: "MaxEnergyOnInvalidId", readonly: false, value: "0" }]);
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "MaxEnergyOnInvalidId", value: "-5" }), { status: "Rejected" });
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await waitFor("StartTransaction answered", () => charger!.cp.transactions.transactionOn(1)?.transactionId === 8);
    assert.equal(charger.connector.energyWithheld, true);
    assert.equal(charger.connector.status(), "SuspendedEVSE");
    assert.equal(charger.cp.transactions.hasTransaction(1), true);
  });

  it("sends clock-aligned MeterValues for idle connectors and connector 0 (sum, Inlet), without transactionId", async function () {
    csms.handlers.set("BootNotification", () => ({ status: "Accepted", currentTime: "2030-01-01T00:00:05Z", interval: 300 }));
    charger = await rig.boot({
      hardware: new FakeHardware(2),
      config: {
        ClockAlignedDataInterval: "20",
        MeterValueSampleInterval: "0",
        MeterValuesAlignedData: "Energy.Active.Import.Register,Power.Active.Import",
      },
    });
    const [one, two] = charger.hardware.connectors;
    one.energyWh = 1000;
    one.powerW = 7000;
    two.energyWh = 2500;
    two.powerW = 0;
    one.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    charger.advance(15_000);
    await csms.waitForCall("MeterValues", 3);
    const byConnector = new Map<number, Mv>();
    for (const call of csms.calls("MeterValues")) byConnector.set(Number(call.params.connectorId), call.params as unknown as Mv);
    assert.deepEqual(Array.from(byConnector.keys()).sort(), [0, 1, 2]);
    assert.equal(typeof byConnector.get(1)!.transactionId, "number", "connector 1 in its transaction");
    assert.equal(byConnector.get(2)!.transactionId, undefined, "idle connector");
    assert.equal(byConnector.get(0)!.transactionId, undefined, "connector 0");
    for (const mv of byConnector.values()) {
      assert.equal(new Date(mv.meterValue[0].timestamp).toISOString(), "2030-01-01T00:00:20.000Z");
      for (const sv of mv.meterValue[0].sampledValue) assert.equal(sv.context, "Sample.Clock");
    }
    const main = byConnector.get(0)!.meterValue[0].sampledValue;
    assert.deepEqual(
      main.map((sv) => [sv.measurand, sv.value, sv.location]),
      [
        ["Energy.Active.Import.Register", "3500", "Inlet"],
        ["Power.Active.Import", "7000", "Inlet"],
      ],
    );
    const idle = byConnector.get(2)!.meterValue[0].sampledValue;
    assert.deepEqual(
      idle.map((sv) => [sv.measurand, sv.value, sv.location]),
      [
        ["Energy.Active.Import.Register", "2500", "Outlet"],
        ["Power.Active.Import", "0", "Outlet"],
      ],
    );
    assert.equal(charger.journal.size, 0, "only the transaction's MeterValues were journaled (and delivered)");
  });

  it("declares LockCablePermanently read-only false (the board cannot lock permanently)", async function () {
    charger = await rig.boot();
    const conf = await csms.call("GetConfiguration", { key: ["LockCablePermanently"] });
    assert.deepEqual(conf.configurationKey, [{ key: "LockCablePermanently", readonly: true, value: "false" }]);
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "LockCablePermanently", value: "true" }), { status: "Rejected" });
  });

  it("retries a failing reset ResetRetries times, then reports ResetFailure on connector 0", async function () {
    charger = await rig.boot({ config: { ResetRetries: "2" } });
    const hardware = charger.hardware;
    let attempts = 0;
    hardware.reboot = (): void => {
      attempts++;
      throw new Error("reboot refused");
    };
    assert.deepEqual(await csms.call("Reset", { type: "Hard" }), { status: "Accepted" });
    charger.advance(0);
    assert.equal(attempts, 1);
    charger.advance(RESET_RETRY_DELAY_MS);
    assert.equal(attempts, 2);
    charger.advance(RESET_RETRY_DELAY_MS);
    assert.equal(attempts, 3, "1 + ResetRetries");
    charger.advance(10 * RESET_RETRY_DELAY_MS);
    assert.equal(attempts, 3, "no more attempts");
    await waitFor("ResetFailure", () => csms.calls("StatusNotification").some((c) => c.params.errorCode === "ResetFailure"));
    const failure = csms.calls("StatusNotification").find((c) => c.params.errorCode === "ResetFailure")!;
    assert.equal(failure.params.connectorId, 0);
    // A reset that fails once then works: rebooted on the retry, no ResetFailure.
    const before = csms.calls("StatusNotification").length;
    let tries = 0;
    hardware.reboot = (hard: boolean): void => {
      if (++tries === 1) throw new Error("busy");
      hardware.reboots.push(hard);
    };
    assert.deepEqual(await csms.call("Reset", { type: "Soft" }), { status: "Accepted" });
    charger.advance(0);
    charger.advance(RESET_RETRY_DELAY_MS);
    assert.equal(tries, 2);
    assert.deepEqual(hardware.reboots, [false]);
    assert.equal(
      csms
        .calls("StatusNotification")
        .slice(before)
        .some((c) => c.params.errorCode === "ResetFailure"),
      false,
    );
  });
});
