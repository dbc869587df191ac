/**
 * More OCTT Core cases (reference §6: 005_2, 018_2, 032_1, 032_2, 038)
 * against a strict ocpp-rpc CSMS on 127.0.0.1, with the ChargePoint on fake
 * connectors and virtual timers. Each test is named after its TC number.
 */
import { strict as assert } from "node:assert";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { SimFlash } from "platform/common/sim-flash";
import { FlashQueue } from "storage/flash-queue";
import { MemoryJournal } from "ocpp/journal";
import { TestCsms, TestCharger, useCoreRig } from "../support/csms-harness.ts";
import { waitFor, sleep } from "../support/waits.ts";

describe("OCTT Core cases (more)", function () {
  const rig = useCoreRig();
  const { boot, cut } = rig;
  let csms: TestCsms;

  beforeEach(function () {
    csms = rig.csms;
  });

  function statuses(connectorId: number): string[] {
    return csms
      .calls("StatusNotification")
      .filter((c) => c.params.connectorId === connectorId)
      .map((c) => String(c.params.status));
  }

  async function charging(charger: TestCharger, idTag = "TAG1"): Promise<void> {
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, idTag), true);
    await csms.waitForCall("StartTransaction");
    await waitFor("transactionId known", () => charger.cp.transactions.transactionOn(1)?.transactionId === 100);
    // StatusNotification Charging follows the StartTransaction's answer [SPEC 4.9 order]: let it arrive too.
    await waitFor("Charging reported", () => statuses(1).includes("Charging"));
  }

  it("TC_005_2 EV side disconnect (StopTransactionOnEVSideDisconnect true, UnlockConnectorOnEVSideDisconnect false): EVDisconnected, then UnlockConnector → Unlocked", async function () {
    const charger = await boot({ config: { StopTransactionOnEVSideDisconnect: "true", UnlockConnectorOnEVSideDisconnect: "false" } });
    await charging(charger);
    await waitFor("Charging", () => statuses(1).includes("Charging"));
    charger.connector.unplug();
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "EVDisconnected");
    assert.equal(stop.params.transactionId, 100);
    await waitFor("Finishing or Available", () => ["Finishing", "Available"].includes(statuses(1).slice(-1)[0]));
    assert.equal(charger.cp.transactions.hasTransaction(1), false);
    const unlocksBefore = charger.connector.unlocks;
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "Unlocked" });
    assert.equal(charger.connector.unlocks, unlocksBefore + 1, "the lock was commanded open");
    assert.equal(csms.calls("StopTransaction").length, 1, "no second StopTransaction");
  });

  it("TC_005_2 fixed cable: EVDisconnected, Available, then UnlockConnector → NotSupported", async function () {
    const charger = await boot({ config: { StopTransactionOnEVSideDisconnect: "true", UnlockConnectorOnEVSideDisconnect: "false" } });
    charger.connector.fixedCable = true;
    await charging(charger);
    charger.connector.unplug();
    assert.equal((await csms.waitForCall("StopTransaction")).params.reason, "EVDisconnected");
    await waitFor("Available", () => statuses(1).slice(-1)[0] === "Available");
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "NotSupported" });
  });

  it("TC_018_2 UnlockConnector during a transaction on a fixed cable → NotSupported, the transaction goes on", async function () {
    const charger = await boot({ config: { MeterValueSampleInterval: "10" } });
    charger.connector.fixedCable = true;
    await charging(charger);
    await waitFor("Charging", () => statuses(1).includes("Charging"));
    assert.deepEqual(await csms.call("UnlockConnector", { connectorId: 1 }), { status: "NotSupported" });
    assert.equal(charger.cp.transactions.hasTransaction(1), true, "transaction still running");
    assert.equal(charger.connector.permission, true, "energy still offered");
    // Proof that it goes on: the next periodic sample carries the transaction, and nothing stopped it.
    charger.advance(10_000);
    const mv = await csms.waitForCall("MeterValues");
    assert.equal(mv.params.transactionId, 100);
    assert.equal(csms.calls("StopTransaction").length, 0);
    assert.notEqual(statuses(1).slice(-1)[0], "Finishing");
    // The user ends it normally.
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    assert.equal((await csms.waitForCall("StopTransaction")).params.reason, "Local");
  });

  it("TC_032_1 power loss with backup power: StopTransaction PowerLoss journaled and sent before shutdown, not repeated after the boot", async function () {
    const kv = new MemoryKeyValueStore();
    const journal = new MemoryJournal();
    const charger = await boot({ kv, journal });
    await charging(charger);
    charger.connector.energyWh = 1800;
    let answerStop: ((value: unknown) => void) | undefined;
    csms.handlers.set("StopTransaction", () => new Promise((resolve) => (answerStop = resolve)));
    charger.cp.powerLost();
    assert.equal(charger.cp.transactions.hasTransaction(1), false, "stopped at once");
    assert.equal(charger.connector.permission, false, "energy withdrawn");
    assert.equal(charger.cp.transactions.journalSize, 1, "the StopTransaction is journaled before powerLost returns");
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "PowerLoss");
    assert.equal(stop.params.transactionId, 100);
    assert.equal(stop.params.meterStop, 1800);
    assert.equal(charger.cp.transactions.journalSize, 1, "kept until the CSMS answers");
    answerStop!({ idTagInfo: { status: "Accepted" } });
    await waitFor("journal drained", () => charger.cp.transactions.journalSize === 0);
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG2"), false, "no new transaction while the power is going");
    assert.equal(csms.calls("StartTransaction").length, 1);
    // The backup runs out; the next boot has nothing left to stop.
    cut(charger);
    csms.handlers.delete("StopTransaction");
    const before = csms.received.length;
    const next = await boot({ kv, journal });
    await sleep(30);
    assert.deepEqual(
      csms.received
        .slice(before)
        .map((c) => c.action)
        .filter((a) => a !== "StatusNotification"),
      ["BootNotification"],
    );
    assert.equal(next.cp.transactions.hasTransaction(1), false);
  });

  it("TC_032_2 power loss without backup: after the reboot on the same flash and NVS the transaction is stopped with PowerLoss", async function () {
    const kv = new MemoryKeyValueStore();
    const flash = new SimFlash(4096, 16);
    const charger = await boot({ kv, journal: new FlashQueue(flash) });
    await charging(charger);
    cut(charger);
    assert.equal(csms.calls("StopTransaction").length, 0, "nothing sent at the cut");
    const before = csms.received.length;
    const next = new TestCharger({ csms, kv, journal: new FlashQueue(flash) });
    next.connector.energyWh = 2500;
    rig.track(next);
    assert.equal(next.cp.transactions.journalSize, 0, "nothing journaled before start");
    next.start();
    assert.equal(next.cp.transactions.journalSize, 1, "StopTransaction journaled at boot");
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "PowerLoss");
    assert.equal(stop.params.transactionId, 100, "the CSMS's id, kept in NVS across the cut");
    assert.equal(stop.params.meterStop, 2500);
    assert.equal(stop.params.idTag, undefined);
    const actions = csms.received.slice(before).map((c) => c.action);
    assert.equal(actions[0], "BootNotification", "BootNotification first after the boot");
    assert.ok(actions.indexOf("StopTransaction") > 0);
    await waitFor("journal drained", () => next.cp.transactions.journalSize === 0);
    assert.equal(next.cp.transactions.hasTransaction(1), false);
    assert.equal(csms.calls("StartTransaction").length, 1, "StartTransaction not repeated");
  });

  async function goOffline(charger: TestCharger): Promise<void> {
    csms.passwords = ["only-this"]; // reconnects are refused (401) until cleared
    void csms.client.close({ code: 1001, force: true });
    await waitFor("offline", () => !charger.cp.engine.online);
  }

  async function goOnline(charger: TestCharger): Promise<void> {
    csms.passwords = [];
    for (let i = 0; i < 20 && !charger.cp.engine.online; i++) {
      charger.advance(11_000);
      await sleep(20);
    }
    await waitFor("online", () => charger.cp.engine.online);
  }

  it("TC_038 offline stop: StopTransaction (Local) queued while offline, delivered after reconnect after the queued MeterValues", async function () {
    const charger = await boot({ config: { MeterValueSampleInterval: "10" } });
    await charging(charger);
    await goOffline(charger);
    const received = csms.received.length;
    charger.connector.energyWh = 1100;
    charger.advance(10_000);
    charger.connector.energyWh = 1200;
    charger.advance(10_000);
    charger.connector.energyWh = 1300;
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true, "the same tag stops offline");
    assert.equal(charger.cp.transactions.hasTransaction(1), false);
    assert.equal(charger.cp.transactions.journalSize, 3, "two MeterValues and the StopTransaction queued");
    await sleep(30);
    assert.equal(csms.received.length, received, "nothing delivered while offline");
    await goOnline(charger);
    await csms.waitForCall("StopTransaction");
    await waitFor("journal drained", () => charger.cp.transactions.journalSize === 0);
    const order = csms.received
      .slice(received)
      .map((c) => c.action)
      .filter((a) => a === "MeterValues" || a === "StopTransaction");
    assert.deepEqual(order, ["MeterValues", "MeterValues", "StopTransaction"]);
    const energies = csms
      .calls("MeterValues")
      .map((c) => (c.params.meterValue as Array<{ sampledValue: Array<{ value: string }> }>)[0].sampledValue[0].value);
    assert.deepEqual(energies, ["1100", "1200"], "oldest first");
    const stop = csms.calls("StopTransaction")[0].params;
    assert.equal(stop.transactionId, 100);
    assert.ok(stop.reason === "Local" || stop.reason === undefined, String(stop.reason));
    assert.equal(stop.meterStop, 1300);
    assert.equal(stop.idTag, "TAG1");
    const stopAt = Date.parse(String(stop.timestamp));
    const lastSampleAt = Date.parse((csms.calls("MeterValues")[1].params.meterValue as Array<{ timestamp: string }>)[0].timestamp);
    assert.ok(stopAt >= lastSampleAt, "stop time is the offline stop, not the delivery");
  });
});
