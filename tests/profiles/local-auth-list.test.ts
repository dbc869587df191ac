/**
 * OCTT Local Auth List Management cases (reference §2.4, §4.5, §6) against
 * the booted firmware over a strict ocpp-rpc websocket CSMS.
 */
import { strict as assert } from "node:assert";
import { advance, ProfileHarness, storageWithAuthlist, type Rig } from "../support/profile-harness.ts";
import { runUntil } from "../support/firmware-rig.ts";

describe("profiles: Local Auth List Management (OCTT)", function () {
  this.timeout(20_000);
  const h = new ProfileHarness();
  beforeEach(() => h.open());
  afterEach(() => h.close());

  async function version(rig: Rig): Promise<number> {
    return (await h.call(rig, "GetLocalListVersion", {})).listVersion;
  }

  it("TC_042_1: list management switched off → GetLocalListVersion -1 (or CALLERROR NotSupported)", async () => {
    const rig = await h.start();
    await h.configure(rig, "LocalAuthListEnabled", "false");
    const answer = await h.call(rig, "GetLocalListVersion", {});
    if (answer.callError !== undefined) assert.equal(answer.callError, "NotSupported");
    else assert.equal(answer.listVersion, -1);
  });

  it("TC_042_2: empty Full list with listVersion 1 → Accepted, version 0", async () => {
    const rig = await h.start();
    assert.equal((await h.call(rig, "SendLocalList", { listVersion: 1, updateType: "Full" })).status, "Accepted");
    assert.equal(await version(rig), 0);
    assert.equal(
      (await h.call(rig, "SendLocalList", { listVersion: 3, updateType: "Full", localAuthorizationList: [] })).status,
      "Accepted",
    );
    assert.equal(await version(rig), 0);
  });

  it("TC_043: Full then Differential → Accepted, versions, listed ids start without Authorize, deleted ones ask", async () => {
    const rig = await h.start();
    await h.configure(rig, "LocalPreAuthorize", "true");
    await h.configure(rig, "AuthorizationCacheEnabled", "false");
    const full = await h.call(rig, "SendLocalList", {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [
        { idTag: "LIST-A", idTagInfo: { status: "Accepted" } },
        { idTag: "LIST-B", idTagInfo: { status: "Accepted" } },
      ],
    });
    assert.equal(full.status, "Accepted");
    assert.equal(await version(rig), 1);
    const diff = await h.call(rig, "SendLocalList", {
      listVersion: 2,
      updateType: "Differential",
      localAuthorizationList: [{ idTag: "LIST-C", idTagInfo: { status: "Accepted" } }, { idTag: "LIST-A" }],
    });
    assert.equal(diff.status, "Accepted");
    assert.equal(await version(rig), 2);

    await h.plug(rig);
    await h.card(rig, "LIST-C");
    const start = await h.started(rig);
    assert.equal(start.params.idTag, "LIST-C");
    assert.equal(h.calls("Authorize").length, 0, "a listed id starts without Authorize.req");
    await h.card(rig, "LIST-C");
    await h.status(rig, 1, "Finishing");
    rig.sim.sims[0].ev.unplug();
    await h.status(rig, 1, "Available", h.statuses().lastIndexOf("1:Finishing"));

    // LIST-A was deleted by the Differential update: the CSMS is asked.
    await h.plug(rig);
    await h.card(rig, "LIST-A");
    await h.started(rig, 2);
    assert.deepEqual(
      h.calls("Authorize").map((c) => c.params.idTag),
      ["LIST-A"],
    );
  });

  it("TC_043_1: SendLocalList while list management is off → NotSupported (or CALLERROR NotSupported)", async () => {
    const rig = await h.start();
    await h.configure(rig, "LocalAuthListEnabled", "false");
    const answer = await h.call(rig, "SendLocalList", {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "X", idTagInfo: { status: "Accepted" } }],
    });
    if (answer.callError !== undefined) assert.equal(answer.callError, "NotSupported");
    else assert.equal(answer.status, "NotSupported");
  });

  it("TC_043_2: Full v2, Differential v5 → 5, Differential v4 → VersionMismatch, still 5", async () => {
    const rig = await h.start();
    const entry = (idTag: string): Record<string, unknown> => ({ idTag, idTagInfo: { status: "Accepted" } });
    assert.equal(
      (await h.call(rig, "SendLocalList", { listVersion: 2, updateType: "Full", localAuthorizationList: [entry("V-1")] })).status,
      "Accepted",
    );
    assert.equal(
      (await h.call(rig, "SendLocalList", { listVersion: 5, updateType: "Differential", localAuthorizationList: [entry("V-2")] })).status,
      "Accepted",
    );
    assert.equal(await version(rig), 5);
    assert.equal(
      (await h.call(rig, "SendLocalList", { listVersion: 4, updateType: "Differential", localAuthorizationList: [entry("V-3")] })).status,
      "VersionMismatch",
    );
    assert.equal(await version(rig), 5);
    assert.equal(rig.fw.localAuth.lookup("V-3"), undefined, "the refused update changed nothing");
  });

  it("TC_043_3: a list larger than the flash bank holds → Failed, the previous list stays", async () => {
    // Two 4 KiB sectors: one 4 KiB bank per list image.
    const rig = await h.start({ storage: storageWithAuthlist(2) });
    assert.equal(
      (
        await h.call(rig, "SendLocalList", {
          listVersion: 1,
          updateType: "Full",
          localAuthorizationList: [{ idTag: "KEEP-1", idTagInfo: { status: "Accepted" } }],
        })
      ).status,
      "Accepted",
    );
    const big: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 200; i++) {
      big.push({
        idTag: `TAG-${String(i).padStart(16, "0")}`,
        idTagInfo: { status: "Accepted", parentIdTag: "PARENT-0123456789AB", expiryDate: "2031-01-01T00:00:00.000Z" },
      });
    }
    assert.equal(
      (await h.call(rig, "SendLocalList", { listVersion: 2, updateType: "Full", localAuthorizationList: big })).status,
      "Failed",
    );
    assert.equal(
      (await h.call(rig, "SendLocalList", { listVersion: 3, updateType: "Differential", localAuthorizationList: big })).status,
      "Failed",
    );
    assert.equal(await version(rig), 1);
    assert.equal(rig.fw.localAuth.lookup("KEEP-1")?.idTagInfo.status, "Accepted");
  });

  it("TC_008: id in the Local List, cache off, LocalPreAuthorize → starts without Authorize.req", async () => {
    const rig = await h.start();
    await h.configure(rig, "AuthorizationCacheEnabled", "false");
    await h.configure(rig, "LocalPreAuthorize", "true");
    assert.equal(
      (
        await h.call(rig, "SendLocalList", {
          listVersion: 1,
          updateType: "Full",
          localAuthorizationList: [{ idTag: "LOCAL-1", idTagInfo: { status: "Accepted" } }],
        })
      ).status,
      "Accepted",
    );
    await h.plug(rig);
    await h.card(rig, "LOCAL-1");
    const start = await h.started(rig);
    assert.equal(start.params.idTag, "LOCAL-1");
    assert.equal(start.params.reservationId, undefined);
    await h.status(rig, 1, "Charging");
    assert.equal(h.calls("Authorize").length, 0);
  });

  /** StatusNotifications with errorCode LocalListConflict the CSMS got. */
  const conflicts = (): Array<Record<string, unknown>> =>
    h
      .calls("StatusNotification")
      .map((c) => c.params)
      .filter((p) => p.errorCode === "LocalListConflict");

  it("LocalListConflict: Authorize.conf Invalid for a listed Accepted tag → StatusNotification 0 LocalListConflict, the CSMS's word applies", async () => {
    const rig = await h.start();
    await h.configure(rig, "LocalPreAuthorize", "false");
    assert.equal(
      (
        await h.call(rig, "SendLocalList", {
          listVersion: 1,
          updateType: "Full",
          localAuthorizationList: [{ idTag: "LISTED-1", idTagInfo: { status: "Accepted" } }],
        })
      ).status,
      "Accepted",
    );
    h.csms.handlers.set("Authorize", () => ({ idTagInfo: { status: "Invalid" } }));
    await h.plug(rig);
    rig.fw.presentCard("LISTED-1", 1);
    await runUntil(rig.bench, "StatusNotification LocalListConflict", () => conflicts().length === 1);
    assert.deepEqual(
      h.calls("Authorize").map((c) => c.params.idTag),
      ["LISTED-1"],
    );
    const conflict = conflicts()[0];
    assert.equal(conflict.connectorId, 0, "reported on connector 0 [SPEC 3.5.2]");
    assert.equal(conflict.status, "Available");
    await advance(rig, 2_000);
    assert.equal(h.calls("StartTransaction").length, 0, "the CSMS's Invalid refused the start");
    assert.equal(rig.fw.localAuth.lookup("LISTED-1")?.source, "list", "the list entry stays (never cached over)");
  });

  it("LocalListConflict: StartTransaction.conf Blocked for a listed Accepted tag started locally → StatusNotification 0 LocalListConflict", async () => {
    const rig = await h.start();
    await h.configure(rig, "LocalPreAuthorize", "true");
    // No DeAuthorized stop: that path re-sends StartTransaction today (left to the transaction-ordering work).
    await h.configure(rig, "StopTransactionOnInvalidId", "false");
    assert.equal(
      (
        await h.call(rig, "SendLocalList", {
          listVersion: 1,
          updateType: "Full",
          localAuthorizationList: [{ idTag: "LISTED-2", idTagInfo: { status: "Accepted" } }],
        })
      ).status,
      "Accepted",
    );
    h.csms.handlers.set("StartTransaction", () => ({ transactionId: 7, idTagInfo: { status: "Blocked" } }));
    await h.plug(rig);
    rig.fw.presentCard("LISTED-2", 1);
    await runUntil(rig.bench, "StatusNotification LocalListConflict", () => conflicts().length === 1);
    assert.equal(h.calls("Authorize").length, 0, "started from the list");
    assert.equal(h.calls("StartTransaction").length, 1, h.csms.actions().join());
    assert.equal(conflicts()[0].connectorId, 0);
  });

  it("no LocalListConflict when the CSMS agrees with the list, nor for an unlisted tag", async () => {
    const rig = await h.start();
    await h.configure(rig, "LocalPreAuthorize", "false");
    assert.equal(
      (
        await h.call(rig, "SendLocalList", {
          listVersion: 1,
          updateType: "Full",
          localAuthorizationList: [{ idTag: "LISTED-3", idTagInfo: { status: "Accepted" } }],
        })
      ).status,
      "Accepted",
    );
    await h.plug(rig);
    await h.card(rig, "LISTED-3");
    await h.started(rig);
    await h.card(rig, "LISTED-3");
    await runUntil(rig.bench, "StopTransaction", () => h.calls("StopTransaction").length === 1);
    h.csms.handlers.set("Authorize", () => ({ idTagInfo: { status: "Invalid" } }));
    await h.card(rig, "UNLISTED");
    await runUntil(rig.bench, "Authorize of UNLISTED", () => h.calls("Authorize").some((c) => c.params.idTag === "UNLISTED"));
    await advance(rig, 2_000);
    assert.deepEqual(conflicts(), []);
  });

  it("TC_061 ClearCache through the booted firmware: one handler; Accepted, and a cached tag asks the CSMS again", async () => {
    const rig = await h.start();
    await h.configure(rig, "LocalPreAuthorize", "true");
    await h.configure(rig, "AuthorizationCacheEnabled", "true");
    await h.plug(rig);
    await h.card(rig, "CACHE-1");
    await h.started(rig);
    assert.equal(h.calls("Authorize").length, 1);
    assert.equal(rig.fw.localAuth.lookup("CACHE-1")?.source, "cache", "Authorize.conf went into the cache the firmware uses");
    await h.card(rig, "CACHE-1");
    await runUntil(rig.bench, "StopTransaction", () => h.calls("StopTransaction").length === 1);
    rig.sim.sims[0].ev.unplug();
    await h.status(rig, 1, "Available", h.statuses().lastIndexOf("1:Finishing"));

    // Cached and LocalPreAuthorize: starts without Authorize.
    await h.plug(rig);
    await h.card(rig, "CACHE-1");
    await h.started(rig, 2);
    assert.equal(h.calls("Authorize").length, 1, "the cached tag started at once");
    await h.card(rig, "CACHE-1");
    await runUntil(rig.bench, "StopTransaction #2", () => h.calls("StopTransaction").length === 2);
    rig.sim.sims[0].ev.unplug();
    await h.status(rig, 1, "Available", h.statuses().lastIndexOf("1:Finishing"));

    assert.deepEqual(await h.call(rig, "ClearCache", {}), { status: "Accepted" });
    assert.equal(rig.fw.localAuth.lookup("CACHE-1"), undefined, "the cache the firmware uses is empty");
    await h.plug(rig);
    await h.card(rig, "CACHE-1");
    await h.started(rig, 3);
    assert.equal(h.calls("Authorize").length, 2, "after ClearCache the tag is authorized online again");
    // The registry refuses a second ClearCache handler (issue 10: it used to replace Core's silently).
    assert.throws(
      () => rig.fw.chargePoint.engine.handle("ClearCache", () => ({ status: "Rejected" }), undefined),
      /ClearCache has a handler already/,
    );
  });
});
