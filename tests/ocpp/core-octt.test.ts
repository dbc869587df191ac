/**
 * OCTT Core charge-point cases (reference §6) against a strict ocpp-rpc CSMS
 * on 127.0.0.1. Each test is named after its TC number.
 */
import { strict as assert } from "node:assert";
import { TestCsms, type TestCharger, useCoreRig } from "../support/csms-harness.ts";
import { waitFor, sleep } from "../support/waits.ts";

describe("OCTT Core cases", function () {
  const rig = useCoreRig();
  let csms: TestCsms;
  let charger: TestCharger | undefined;

  beforeEach(function () {
    csms = rig.csms;
    charger = undefined;
  });

  function statuses(connectorId: number): string[] {
    return csms
      .calls("StatusNotification")
      .filter((c) => c.params.connectorId === connectorId)
      .map((c) => String(c.params.status));
  }

  it("TC_001 cold boot: Rejected, BootNotification again after interval, then Accepted, statuses, heartbeat", async function () {
    let boots = 0;
    csms.handlers.set("BootNotification", () => {
      boots++;
      return { status: boots === 1 ? "Rejected" : "Accepted", currentTime: "2030-01-01T00:00:00Z", interval: boots === 1 ? 20 : 60 };
    });
    const { TestCharger } = await import("../support/csms-harness.ts");
    charger = rig.track(new TestCharger({ csms }));
    charger.start();
    await csms.waitForCall("BootNotification");
    await waitFor("Rejected", () => charger!.cp.registration.status === "Rejected");
    charger.advance(19_000);
    await sleep(30);
    assert.equal(csms.calls("BootNotification").length, 1, "no BootNotification before interval");
    charger.advance(1_000);
    await csms.waitForCall("BootNotification", 2);
    await waitFor("statuses", () => csms.calls("StatusNotification").length >= 2);
    assert.deepEqual(statuses(0), ["Available"]);
    assert.deepEqual(statuses(1), ["Available"]);
    assert.equal(charger.cp.config.int("HeartbeatInterval"), 60);
    assert.ok(charger.platform.clock.isSynced());
    charger.advance(60_000);
    await csms.waitForCall("Heartbeat");
  });

  it("TC_002 cold boot Pending: answers GetConfiguration/ChangeConfiguration, boots again after interval", async function () {
    let boots = 0;
    csms.handlers.set("BootNotification", () => {
      boots++;
      return { status: boots === 1 ? "Pending" : "Accepted", currentTime: new Date().toISOString(), interval: 10 };
    });
    const { TestCharger } = await import("../support/csms-harness.ts");
    charger = rig.track(new TestCharger({ csms }));
    charger.start();
    await csms.waitForCall("BootNotification");
    await waitFor("boot answered", () => charger!.cp.registration.status === "Pending");
    const conf = await csms.call("GetConfiguration", { key: ["MeterValueSampleInterval"] });
    assert.deepEqual(conf.configurationKey, [{ key: "MeterValueSampleInterval", readonly: false, value: "60" }]);
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "30" }), { status: "Accepted" });
    assert.equal(csms.calls("StatusNotification").length, 0, "nothing sent while Pending");
    charger.advance(10_000);
    await csms.waitForCall("BootNotification", 2);
    await csms.waitForCall("StatusNotification", 2);
  });

  it("TC_019 retrieve configuration: full list without unknownKey, GetConfigurationMaxKeys honoured, AuthorizationKey hidden", async function () {
    charger = await rig.boot();
    const all = await csms.call("GetConfiguration", {});
    assert.equal(all.unknownKey, undefined);
    const byKey = new Map<string, { readonly: boolean; value?: string }>(
      (all.configurationKey as { key: string; readonly: boolean; value?: string }[]).map((k) => [k.key, k]),
    );
    for (const key of [
      "HeartbeatInterval",
      "MeterValueSampleInterval",
      "ConnectionTimeOut",
      "LocalAuthorizeOffline",
      "StopTxnSampledData",
      "TransactionMessageAttempts",
    ]) {
      assert.equal(byKey.get(key)?.readonly, false, key);
    }
    for (const key of ["NumberOfConnectors", "SupportedFeatureProfiles", "GetConfigurationMaxKeys"])
      assert.equal(byKey.get(key)?.readonly, true, key);
    assert.equal(byKey.get("SupportedFeatureProfiles")?.value, "Core");
    assert.equal(byKey.has("AuthorizationKey"), false);
    const some = await csms.call("GetConfiguration", { key: ["HeartbeatInterval", "Nope", "AuthorizationKey"] });
    assert.deepEqual(some, { configurationKey: [{ key: "HeartbeatInterval", readonly: false, value: "300" }], unknownKey: ["Nope"] });
    const tooMany = Array.from({ length: 65 }, (_, i) => `K${i}`);
    await assert.rejects(csms.call("GetConfiguration", { key: tooMany }), /OccurenceConstraintViolation|GetConfigurationMaxKeys/);
  });

  it("TC_021 change configuration: MeterValueSampleInterval Accepted and read back", async function () {
    charger = await rig.boot();
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "15" }), { status: "Accepted" });
    const conf = await csms.call("GetConfiguration", { key: ["metervaluesampleinterval"] });
    assert.equal((conf.configurationKey as { value?: string }[])[0].value, "15");
  });

  it("TC_040_1 / TC_040_2 unknown key NotSupported, negative interval Rejected", async function () {
    charger = await rig.boot();
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "Testing", value: "1" }), { status: "NotSupported" });
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "MeterValueSampleInterval", value: "-1" }), { status: "Rejected" });
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "NumberOfConnectors", value: "2" }), { status: "Rejected" });
    assert.deepEqual(
      await csms.call("ChangeConfiguration", { key: "MeterValuesSampledData", value: "Energy.Active.Import.Register,SoC" }),
      { status: "Rejected" },
    );
    assert.equal(charger.cp.config.int("MeterValueSampleInterval"), 60);
  });

  it("TC_003 plug-in first: Preparing, Authorize, StartTransaction, Charging", async function () {
    charger = await rig.boot();
    charger.connector.plug();
    await waitFor("Preparing", () => statuses(1).includes("Preparing"));
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    const start = await csms.waitForCall("StartTransaction");
    assert.equal(start.params.idTag, "TAG1");
    assert.equal(start.params.meterStart, 1000);
    await waitFor("Charging", () => statuses(1).includes("Charging"));
    assert.deepEqual(
      csms.actions().filter((a) => a === "Authorize" || a === "StartTransaction"),
      ["Authorize", "StartTransaction"],
    );
  });

  it("TC_004_1 / TC_004_2 identification first; no plug → Available after ConnectionTimeOut", async function () {
    charger = await rig.boot({ config: { ConnectionTimeOut: "30" } });
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    await waitFor("Preparing", () => statuses(1).includes("Preparing"));
    charger.advance(30_000);
    await waitFor("Available again", () => statuses(1).slice(-1)[0] === "Available");
    assert.equal(csms.calls("StartTransaction").length, 0);
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    charger.advance(10_000);
    charger.connector.plug();
    await csms.waitForCall("StartTransaction");
    await waitFor("Charging", () => statuses(1).includes("Charging"));
  });

  it("TC_068 stop with the same idTag: another tag is ignored, same tag stops without Authorize", async function () {
    charger = await rig.boot();
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    assert.equal(await charger.cp.sessions.presentIdTag(1, "OTHER"), false);
    const authorizes = csms.calls("Authorize").length;
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.idTag, "TAG1");
    assert.equal(stop.params.reason, "Local");
    assert.equal(stop.params.transactionId, 100);
    assert.equal(csms.calls("Authorize").length, authorizes);
    await waitFor("Finishing", () => statuses(1).includes("Finishing"));
  });

  it("TC_069 stop with the same parentIdTag", async function () {
    csms.handlers.set("Authorize", () => ({ idTagInfo: { status: "Accepted", parentIdTag: "PARENT" } }));
    charger = await rig.boot();
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG2"), true);
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.idTag, "TAG2");
  });

  it("TC_005_1 EV side disconnect stops the transaction with EVDisconnected", async function () {
    charger = await rig.boot();
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    charger.connector.unplug();
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "EVDisconnected");
  });

  it("TC_005_3 StopTransactionOnEVSideDisconnect false keeps the transaction; RemoteStop → Remote", async function () {
    charger = await rig.boot({ config: { StopTransactionOnEVSideDisconnect: "false" } });
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    charger.connector.unplug();
    await sleep(30);
    assert.equal(csms.calls("StopTransaction").length, 0);
    assert.deepEqual(await csms.call("RemoteStopTransaction", { transactionId: 100 }), { status: "Accepted" });
    assert.equal((await csms.waitForCall("StopTransaction")).params.reason, "Remote");
  });

  it("TC_010 / TC_012 remote start with cable plugged, remote stop with reason Remote", async function () {
    charger = await rig.boot();
    charger.connector.plug();
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "REMOTE1", connectorId: 1 }), { status: "Accepted" });
    const start = await csms.waitForCall("StartTransaction");
    assert.equal(start.params.idTag, "REMOTE1");
    assert.equal(csms.calls("Authorize").length, 0, "AuthorizeRemoteTxRequests is false");
    await waitFor("transactionId known", () => charger!.cp.transactions.transactionOn(1)?.transactionId === 100);
    assert.deepEqual(await csms.call("RemoteStopTransaction", { transactionId: 100 }), { status: "Accepted" });
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "Remote");
    await waitFor("Finishing", () => statuses(1).includes("Finishing"));
  });

  it("TC_011_1 / TC_011_2 remote start first (authorized), plug later; without plug back to Available", async function () {
    charger = await rig.boot({ config: { AuthorizeRemoteTxRequests: "true", ConnectionTimeOut: "20" } });
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "REMOTE1" }), { status: "Accepted" });
    await csms.waitForCall("Authorize");
    await waitFor("Preparing", () => statuses(1).includes("Preparing"));
    charger.advance(20_000);
    await waitFor("Available", () => statuses(1).slice(-1)[0] === "Available");
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "REMOTE1" }), { status: "Accepted" });
    await csms.waitForCall("Authorize", 2);
    await waitFor("Preparing", () => charger!.cp.sessions.hasPending(1));
    charger.connector.plug();
    await csms.waitForCall("StartTransaction");
  });

  it("TC_023 Authorize Invalid → no transaction", async function () {
    csms.handlers.set("Authorize", () => ({ idTagInfo: { status: "Invalid" } }));
    charger = await rig.boot();
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "BAD"), false);
    await sleep(20);
    assert.equal(csms.calls("StartTransaction").length, 0);
  });

  it("TC_024 half-inserted plug: lock fails → Faulted + ConnectorLockFailure, no transaction", async function () {
    charger = await rig.boot();
    const connector = charger.connector;
    connector.hasLock = true;
    connector.plug();
    await waitFor("Preparing", () => statuses(1).includes("Preparing"));
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    assert.equal(connector.permission, true, "lock commanded through the permission");
    assert.equal(charger.cp.transactions.hasTransaction(1), false, "no transaction before the lock confirms");
    connector.lockResult(false);
    await waitFor("Faulted", () => statuses(1).includes("Faulted"));
    const faulted = csms.calls("StatusNotification").find((c) => c.params.status === "Faulted");
    assert.equal(faulted?.params.errorCode, "ConnectorLockFailure");
    assert.equal(connector.permission, false, "permission withdrawn");
    assert.equal(charger.cp.transactions.hasTransaction(1), false);
    assert.equal(charger.journal.size, 0, "no StartTransaction queued");
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "X", connectorId: 1 }), { status: "Rejected" }, "faulted");
    connector.unplug();
    await waitFor("Available", () => statuses(1).slice(-1)[0] === "Available");
    assert.equal(csms.calls("StartTransaction").length, 0);
    // Plugged in properly: the lock confirms and the transaction starts.
    connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    assert.equal(charger.cp.transactions.hasTransaction(1), false);
    connector.lockResult(true);
    const start = await csms.waitForCall("StartTransaction");
    assert.equal(start.params.idTag, "TAG1");
    assert.equal(charger.cp.transactions.hasTransaction(1), true);
  });

  it("TC_026 / TC_027 / TC_028 RemoteStart busy or connector 0 Rejected; RemoteStop unknown id Rejected", async function () {
    charger = await rig.boot();
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "X", connectorId: 1 }), { status: "Rejected" });
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "X", connectorId: 0 }), { status: "Rejected" });
    assert.deepEqual(await csms.call("RemoteStopTransaction", { transactionId: 999 }), { status: "Rejected" });
  });

  it("TC_041 faulted connector refuses to start", async function () {
    charger = await rig.boot();
    charger.connector.setFault(true);
    await waitFor("Faulted", () => statuses(1).includes("Faulted"));
    assert.deepEqual(await csms.call("RemoteStartTransaction", { idTag: "X", connectorId: 1 }), { status: "Rejected" });
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), false);
  });

  it("TC_017_1 / TC_017_2 / TC_030 / TC_031 UnlockConnector idle, fixed cable, failure, unknown connector", async function () {
    charger = await rig.boot();
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "Unlocked" });
    charger.connector.unlockResult = "UnlockFailed";
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "UnlockFailed" });
    charger.connector.fixedCable = true;
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "NotSupported" });
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 2 }), { status: "NotSupported" });
  });

  it("TC_018_1 unlock during a transaction: StopTransaction UnlockCommand, Unlocked", async function () {
    charger = await rig.boot();
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "Unlocked" });
    assert.equal((await csms.waitForCall("StopTransaction")).params.reason, "UnlockCommand");
  });

  it("TC_013 / TC_034 Inoperative survives a reboot; ChangeAvailability Scheduled during a transaction", async function () {
    charger = await rig.boot();
    assert.deepEqual(await csms.call("ChangeAvailability", { connectorId: 0, type: "Inoperative" }), { status: "Accepted" });
    await waitFor("Unavailable", () => statuses(1).includes("Unavailable") && statuses(0).includes("Unavailable"));
    const kv = charger.kv;
    charger.stop();
    const before = csms.received.length;
    charger = await rig.boot({ kv });
    const after = csms.received.slice(before).filter((c) => c.action === "StatusNotification");
    assert.deepEqual(
      after.map((c) => [c.params.connectorId, c.params.status]),
      [
        [0, "Unavailable"],
        [1, "Unavailable"],
      ],
    );
    assert.deepEqual(await csms.call("ChangeAvailability", { connectorId: 0, type: "Operative" }), { status: "Accepted" });
    await waitFor("Available", () => statuses(1).slice(-1)[0] === "Available");
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    assert.deepEqual(await csms.call("ChangeAvailability", { connectorId: 1, type: "Inoperative" }), { status: "Scheduled" });
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StopTransaction");
    charger.connector.unplug();
    await waitFor("Unavailable after the session", () => statuses(1).slice(-1)[0] === "Unavailable");
  });

  it("TC_015 / TC_016 reset with a transaction: StopTransaction HardReset / SoftReset, then reboot", async function () {
    charger = await rig.boot();
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    assert.deepEqual(await csms.call("Reset", { type: "Soft" }), { status: "Accepted" });
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "SoftReset");
    assert.equal(stop.params.idTag, undefined);
    // A soft reset waits for the StopTransaction to be confirmed (journal empty), checked every 500 ms of charger time.
    await waitFor("StopTransaction confirmed", () => charger!.cp.transactions.journalSize === 0);
    charger.advance(1000);
    assert.deepEqual(charger.hardware.reboots, [false]);
  });

  it("TC_014 soft reset idle → Accepted and reboot; hard reset too", async function () {
    charger = await rig.boot();
    assert.deepEqual(await csms.call("Reset", { type: "Hard" }), { status: "Accepted" });
    charger.advance(10);
    assert.deepEqual(charger.hardware.reboots, [true]);
  });

  it("TC_061 ClearCache without a cache → Rejected", async function () {
    charger = await rig.boot();
    assert.deepEqual(await csms.call("ClearCache", {}), { status: "Rejected" });
  });

  it("TC_062 DataTransfer with an unknown vendorId → UnknownVendorId", async function () {
    charger = await rig.boot();
    assert.deepEqual(await csms.call("DataTransfer", { vendorId: "com.unknown" }), { status: "UnknownVendorId" });
    charger.cp.dataTransfer.set("org.openevse", (messageId) => ({
      status: messageId === "ping" ? "Accepted" : "UnknownMessageId",
      data: "pong",
    }));
    assert.deepEqual(await csms.call("DataTransfer", { vendorId: "org.openevse", messageId: "ping" }), {
      status: "Accepted",
      data: "pong",
    });
  });

  it("TC_070 sampled MeterValues: every MeterValueSampleInterval, Sample.Periodic, configured measurands", async function () {
    charger = await rig.boot({
      config: { MeterValueSampleInterval: "10", MeterValuesSampledData: "Energy.Active.Import.Register,Current.Import,Voltage.L1" },
    });
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    charger.connector.energyWh = 1500;
    charger.advance(10_000);
    charger.advance(10_000);
    await csms.waitForCall("MeterValues", 2);
    const [first, second] = csms.calls("MeterValues");
    assert.equal(first.params.transactionId, 100);
    const mv = (first.params.meterValue as Array<{ timestamp: string; sampledValue: Array<Record<string, string>> }>)[0];
    assert.deepEqual(
      mv.sampledValue.map((s) => `${s.measurand}/${s.phase ?? "-"}/${s.context}`),
      [
        "Energy.Active.Import.Register/-/Sample.Periodic",
        "Current.Import/L1/Sample.Periodic",
        "Current.Import/L2/Sample.Periodic",
        "Current.Import/L3/Sample.Periodic",
        "Voltage/L1-N/Sample.Periodic",
      ],
    );
    assert.equal(mv.sampledValue[0].value, "1500");
    const t2 = (second.params.meterValue as Array<{ timestamp: string }>)[0].timestamp;
    assert.equal(Date.parse(t2) - Date.parse(mv.timestamp), 10_000);
  });

  it("TC_071 clock-aligned MeterValues at multiples of ClockAlignedDataInterval with Sample.Clock", async function () {
    csms.handlers.set("BootNotification", () => ({ status: "Accepted", currentTime: "2030-01-01T00:00:05Z", interval: 300 }));
    charger = await rig.boot({ config: { ClockAlignedDataInterval: "20", MeterValueSampleInterval: "0" } });
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    charger.advance(40_000);
    await csms.waitForCall("MeterValues", 2);
    const stamps = csms
      .calls("MeterValues")
      .map((c) => (c.params.meterValue as Array<{ timestamp: string; sampledValue: Array<{ context: string }> }>)[0]);
    for (const mv of stamps) {
      assert.equal(new Date(mv.timestamp).getUTCSeconds() % 20, 0, mv.timestamp);
      assert.equal(mv.sampledValue[0].context, "Sample.Clock");
    }
  });

  it("StopTxnSampledData puts Transaction.Begin, samples and Transaction.End in transactionData", async function () {
    charger = await rig.boot({ config: { MeterValueSampleInterval: "5", StopTxnSampledData: "Energy.Active.Import.Register" } });
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    charger.advance(5_000);
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    const stop = await csms.waitForCall("StopTransaction");
    const contexts = (stop.params.transactionData as Array<{ sampledValue: Array<{ context: string }> }>).map(
      (m) => m.sampledValue[0].context,
    );
    assert.deepEqual(contexts, ["Transaction.Begin", "Sample.Periodic", "Transaction.End"]);
  });

  it("FreeCharging starts on plug with FreeChargingIdTag, without Authorize", async function () {
    charger = await rig.boot({ config: { FreeCharging: "true", FreeChargingIdTag: "FREE" } });
    charger.connector.plug();
    const start = await csms.waitForCall("StartTransaction");
    assert.equal(start.params.idTag, "FREE");
    assert.equal(csms.calls("Authorize").length, 0);
  });
});
