/** OCTT offline cases: transaction messages queued while offline, delivered in order after reconnect. */
import { strict as assert } from "node:assert";
import { TestCsms, type TestCharger, useCoreRig } from "../support/csms-harness.ts";
import { waitFor, sleep } from "../support/waits.ts";

describe("OCTT offline cases", function () {
  const rig = useCoreRig();
  let csms: TestCsms;
  let charger: TestCharger | undefined;

  beforeEach(function () {
    csms = rig.csms;
    charger = undefined;
  });

  async function goOffline(c: TestCharger): Promise<void> {
    csms.passwords = ["only-this"]; // reconnects are refused (401) until cleared
    void csms.client.close({ code: 1001, force: true });
    await waitFor("offline", () => !c.cp.engine.online);
  }

  async function goOnline(c: TestCharger): Promise<void> {
    csms.passwords = [];
    for (let i = 0; i < 20 && !c.cp.engine.online; i++) {
      c.advance(11_000);
      await sleep(20);
    }
    await waitFor("online", () => c.cp.engine.online);
  }

  it("TC_039 / TC_037_1 / TC_036 offline start, samples and stop delivered after reconnect, oldest first, with the real transactionId", async function () {
    charger = await rig.boot({ config: { AllowOfflineTxForUnknownId: "true", MeterValueSampleInterval: "10" } });
    await goOffline(charger);
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "OFF1"), true);
    charger.advance(10_000);
    charger.advance(10_000);
    await charger.cp.sessions.presentIdTag(1, "OFF1");
    assert.equal(csms.calls("StartTransaction").length, 0);
    await goOnline(charger);
    await csms.waitForCall("StopTransaction");
    const order = csms.actions().filter((a) => a === "StartTransaction" || a === "MeterValues" || a === "StopTransaction");
    assert.deepEqual(order.slice(0, 4), ["StartTransaction", "MeterValues", "MeterValues", "StopTransaction"]);
    const mvs = csms.calls("MeterValues");
    assert.equal(mvs[0].params.transactionId, 100);
    const t = mvs.map((c) => Date.parse((c.params.meterValue as Array<{ timestamp: string }>)[0].timestamp));
    assert.equal(t[1] - t[0], 10_000);
    const stop = csms.calls("StopTransaction")[0];
    assert.equal(stop.params.transactionId, 100);
    assert.equal(stop.params.reason, "Local");
  });

  it("TC_037_3 offline start, invalid id in StartTransaction.conf → StopTransaction DeAuthorized", async function () {
    csms.handlers.set("StartTransaction", () => ({ transactionId: 7, idTagInfo: { status: "Invalid" } }));
    charger = await rig.boot({ config: { AllowOfflineTxForUnknownId: "true" } });
    await goOffline(charger);
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "UNKNOWN");
    await goOnline(charger);
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "DeAuthorized");
    assert.equal(stop.params.transactionId, 7);
  });

  it("TC_037_2 StopTransactionOnInvalidId false: conf Invalid suspends energy, transaction kept", async function () {
    csms.handlers.set("StartTransaction", () => ({ transactionId: 8, idTagInfo: { status: "Invalid" } }));
    charger = await rig.boot({ config: { AllowOfflineTxForUnknownId: "true", StopTransactionOnInvalidId: "false" } });
    await goOffline(charger);
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "UNKNOWN");
    await goOnline(charger);
    await csms.waitForCall("StartTransaction");
    await waitFor("energy withheld", () => charger!.connector.energyWithheld);
    assert.equal(charger.connector.status(), "SuspendedEVSE");
    assert.equal(charger.cp.transactions.hasTransaction(1), true);
    assert.equal(csms.calls("StopTransaction").length, 0);
  });

  it("offline without LocalAuthorizeOffline match or AllowOfflineTxForUnknownId → refused", async function () {
    charger = await rig.boot();
    await goOffline(charger);
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "NOBODY"), false);
  });
});
