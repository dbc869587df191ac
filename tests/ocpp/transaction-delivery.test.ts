/**
 * Issue 10 (an independent CSMS's view): every transaction message delivered
 * once and in order, meterStop never below meterStart after a power cut, and
 * StatusNotification after the transaction message it follows. The protocol
 * monitor of the test CSMS checks the same rules on every frame; these tests
 * also assert them directly.
 */
import { strict as assert } from "node:assert";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { MemoryJournal } from "ocpp/journal";
import type { IdTagInfo, LocalAuthority } from "ocpp/core/authorization-service";
import { TestCharger, type TestCsms, useCoreRig } from "../support/csms-harness.ts";
import { waitFor, sleep } from "../support/waits.ts";

/** A Local Authorization List with fixed entries: listed Accepted tags start offline; online the CSMS decides. */
function localList(entries: Record<string, IdTagInfo>): LocalAuthority {
  return {
    authorize(idTag, online) {
      const info = entries[idTag];
      if (!info) return { action: online ? "authorize" : "reject", source: "none" };
      if (info.status !== "Accepted") return { action: "reject", source: "list", idTagInfo: info };
      return { action: online ? "authorize" : "accept", source: "list", idTagInfo: info };
    },
    updateFromCsms: (idTag, info) => ({
      cached: false,
      listConflict: entries[idTag] !== undefined && entries[idTag].status !== info.status,
    }),
    clearCache: () => "Rejected",
    lookup: (idTag) => (entries[idTag] ? { source: "list", idTagInfo: entries[idTag] } : undefined),
  };
}

describe("transaction messages as an independent CSMS sees them (issue 10)", function () {
  const rig = useCoreRig();
  let csms: TestCsms;

  beforeEach(function () {
    csms = rig.csms;
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

  function txActions(): string[] {
    return csms.actions().filter((a) => a === "StartTransaction" || a === "StopTransaction" || a === "MeterValues");
  }

  it("offline start with a Local List tag, reconnect: one StartTransaction, and RemoteStop of its id is Accepted", async function () {
    const charger = await rig.boot({ localAuth: localList({ LISTED: { status: "Accepted" } }) });
    await goOffline(charger);
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "LISTED"), true);
    await goOnline(charger);
    const start = await csms.waitForCall("StartTransaction");
    assert.equal(start.params.idTag, "LISTED");
    await waitFor("transactionId known", () => charger.cp.transactions.transactionOn(1)?.transactionId === 100);
    await sleep(30);
    assert.equal(csms.calls("StartTransaction").length, 1, "StartTransaction delivered once");
    assert.deepEqual(await csms.call("RemoteStopTransaction", { transactionId: 100 }), { status: "Accepted" });
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.transactionId, 100);
    assert.deepEqual(txActions(), ["StartTransaction", "StopTransaction"]);
  });

  it("offline start with a Local List tag the CSMS calls Invalid: one StartTransaction, then StopTransaction DeAuthorized", async function () {
    csms.handlers.set("StartTransaction", () => ({ transactionId: csms.nextTransactionId++, idTagInfo: { status: "Invalid" } }));
    const charger = await rig.boot({ localAuth: localList({ LISTED: { status: "Accepted" } }) });
    await goOffline(charger);
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "LISTED"), true);
    await goOnline(charger);
    const stop = await csms.waitForCall("StopTransaction");
    await sleep(30);
    assert.equal(csms.calls("StartTransaction").length, 1, "StartTransaction delivered once");
    assert.equal(stop.params.transactionId, 100, "the stop names the one transaction the CSMS opened");
    assert.equal(stop.params.reason, "DeAuthorized");
    assert.deepEqual(txActions(), ["StartTransaction", "StopTransaction"]);
  });

  it("FreeCharging online, StartTransaction.conf Invalid: one StartTransaction, then StopTransaction DeAuthorized", async function () {
    csms.handlers.set("StartTransaction", () => ({ transactionId: csms.nextTransactionId++, idTagInfo: { status: "Invalid" } }));
    const charger = await rig.boot({ config: { FreeCharging: "true", AuthorizeRemoteTxRequests: "false" } });
    charger.connector.plug();
    const stop = await csms.waitForCall("StopTransaction");
    await sleep(30);
    const starts = csms.calls("StartTransaction");
    assert.equal(starts.length, 1, `StartTransaction sent ${starts.length} times`);
    assert.equal(starts[0].params.idTag, "FreeCharging");
    assert.equal(stop.params.transactionId, 100);
    assert.equal(stop.params.reason, "DeAuthorized");
    assert.equal(charger.journal.size, 0);
  });

  it("after a reconnect the StartTransaction is delivered before the StatusNotification Charging that follows it", async function () {
    const charger = await rig.boot({ localAuth: localList({ LISTED: { status: "Accepted" } }) });
    await goOffline(charger);
    const before = csms.received.length;
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "LISTED"), true);
    assert.equal(charger.connector.status(), "Charging");
    await goOnline(charger);
    await csms.waitForCall("StartTransaction");
    await waitFor("Charging reported", () =>
      csms.received.slice(before).some((c) => c.action === "StatusNotification" && c.params.status === "Charging"),
    );
    const after = csms.received.slice(before);
    const startAt = after.findIndex((c) => c.action === "StartTransaction");
    const chargingAt = after.findIndex((c) => c.action === "StatusNotification" && c.params.status === "Charging");
    assert.ok(
      startAt < chargingAt,
      `order: ${after.map((c) => `${c.action}${c.params.status ? ` ${String(c.params.status)}` : ""}`).join(", ")}`,
    );
  });

  it("online: StatusNotification Charging after its StartTransaction, Finishing after its StopTransaction", async function () {
    const charger = await rig.boot();
    const before = csms.received.length;
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    await waitFor("Charging reported", () => csms.calls("StatusNotification").some((c) => c.params.status === "Charging"));
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    await waitFor("Finishing reported", () => csms.calls("StatusNotification").some((c) => c.params.status === "Finishing"));
    const order = csms.received
      .slice(before)
      .filter((c) => c.action !== "Authorize")
      .map((c) => (c.action === "StatusNotification" ? String(c.params.status) : c.action));
    assert.deepEqual(order, ["Preparing", "StartTransaction", "Charging", "StopTransaction", "Finishing"]);
  });

  it("a change while the status before it waits for a slow StartTransaction answer is a step of its own: Charging, then Finishing", async function () {
    let answerStart: ((conf: unknown) => void) | undefined;
    csms.handlers.set("StartTransaction", () => new Promise((resolve) => (answerStart = resolve)));
    const charger = await rig.boot({ config: { FreeCharging: "true" } });
    const before = csms.received.length;
    charger.connector.plug(); // FreeCharging: Available → Charging at once (A3)
    await csms.waitForCall("StartTransaction");
    assert.equal(await charger.cp.sessions.presentIdTag(1, "FreeCharging"), true, "stopped before the CSMS answered the start");
    assert.equal(charger.connector.status(), "Finishing");
    answerStart!({ transactionId: 100, idTagInfo: { status: "Accepted" } });
    await csms.waitForCall("StopTransaction");
    await waitFor("Finishing reported", () => csms.calls("StatusNotification").some((c) => c.params.status === "Finishing"));
    const order = csms.received.slice(before).map((c) => (c.action === "StatusNotification" ? String(c.params.status) : c.action));
    assert.deepEqual(order, ["StartTransaction", "Charging", "StopTransaction", "Finishing"], "not Available → Finishing");
  });

  it("TC_032_2 power cut while charging, meter not read yet after the restart: meterStop is not below meterStart", async function () {
    const kv = new MemoryKeyValueStore();
    const journal = new MemoryJournal();
    const charger = await rig.boot({ kv, journal });
    charger.connector.energyWh = 356;
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    const start = await csms.waitForCall("StartTransaction");
    assert.equal(start.params.meterStart, 356);
    await waitFor("transactionId known", () => charger.cp.transactions.transactionOn(1)?.transactionId === 100);
    charger.connector.energyWh = 420;
    rig.cut(charger);
    // After the restart the meter has not been read yet: its register reads 0, not ok.
    const next = new TestCharger({ csms, kv, journal });
    const connector = next.connector;
    let meterRead = false;
    const readMeter = connector.readMeter.bind(connector);
    connector.readMeter = (into) => {
      readMeter(into);
      if (!meterRead) {
        into.energyImportWh = 0;
        into.ok = false;
      }
      return into;
    };
    rig.track(next);
    next.start();
    meterRead = true;
    const stop = await csms.waitForCall("StopTransaction");
    assert.equal(stop.params.reason, "PowerLoss");
    assert.equal(stop.params.transactionId, 100);
    assert.ok(Number(stop.params.meterStop) >= 356, `meterStop ${String(stop.params.meterStop)} below meterStart 356`);
  });
});

describe("a transaction message the CSMS answers too late (issue 10)", function () {
  const rig = useCoreRig();

  it("a StartTransaction not answered within MessageTimeout is not sent again on that connection: reconnect, then once more", async function () {
    const csms = rig.csms;
    let held = true;
    const lateAnswers: Array<(conf: unknown) => void> = [];
    csms.handlers.set("StartTransaction", () => {
      if (!held) return { transactionId: csms.nextTransactionId++, idTagInfo: { status: "Accepted" } };
      return new Promise((resolve) => lateAnswers.push(resolve)); // a CSMS that is slow this time
    });
    const charger = await rig.boot({ config: { MessageTimeout: "10" } });
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    await csms.waitForCall("StartTransaction");
    const connectionsBefore = csms.connections;
    held = false;
    charger.advance(10_000); // MessageTimeout: the charger gives up waiting
    for (let i = 0; i < 20 && charger.cp.transactions.transactionOn(1)?.transactionId === undefined; i++) {
      charger.advance(1_000);
      await sleep(20);
    }
    await waitFor("transactionId known", () => charger.cp.transactions.transactionOn(1)?.transactionId !== undefined);
    assert.equal(csms.connections, connectionsBefore + 1, "sent again only after a reconnect");
    assert.equal(csms.calls("StartTransaction").length, 2, "once per connection");
    for (const answer of lateAnswers) answer({ transactionId: 999, idTagInfo: { status: "Accepted" } }); // on the old, closed connection
  });

  it("a StartTransaction never answered is dropped after TransactionMessageAttempts time-outs; the statuses behind it go on", async function () {
    const csms = rig.csms;
    csms.handlers.set("StartTransaction", () => new Promise(() => undefined)); // a CSMS that never answers it
    const charger = await rig.boot({ config: { MessageTimeout: "10", TransactionMessageAttempts: "2" } });
    charger.connector.plug();
    assert.equal(await charger.cp.sessions.presentIdTag(1, "TAG1"), true);
    await csms.waitForCall("StartTransaction");
    for (let i = 0; i < 40 && charger.journal.size > 0; i++) {
      charger.advance(1_000);
      await sleep(10);
    }
    assert.equal(charger.journal.size, 0, "dropped after the second time-out");
    assert.equal(csms.calls("StartTransaction").length, 2, "once per connection, two attempts");
    await waitFor("Charging reported", () => csms.calls("StatusNotification").some((c) => c.params.status === "Charging"));
    assert.equal(charger.cp.transactions.hasTransaction(1), true, "the session goes on locally");
  });
});
