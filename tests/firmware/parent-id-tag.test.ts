/**
 * Issue 10 #8 (OCTT TC_069) through the booted firmware: a transaction
 * started by RemoteStartTransaction (AuthorizeRemoteTxRequests false) learns
 * its parentIdTag from StartTransaction.conf; another tag of the same group,
 * unknown locally, is authorized and stops it with reason Local.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { TestCsms } from "../support/csms-harness.ts";
import { useFirmwareRig, newStorage, runUntil, csmsCall, untilBooted } from "../support/firmware-rig.ts";

describe("firmware: stop by a tag of the same group (TC_069)", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;
  beforeEach(() => {
    csms = rig.csms;
  });

  it("remote start, parentIdTag from StartTransaction.conf, another tag with that parent stops it (Authorize, reason Local)", async () => {
    const sim = createSimulatedBoard({ connectors: 1 });
    const bench = rig.boot(newStorage(), sim);
    const fw = bench.firmware;
    assert.equal(fw.chargePoint.config.change("AuthorizeRemoteTxRequests", "false"), "Accepted");
    csms.handlers.set("StartTransaction", () => ({ transactionId: 69, idTagInfo: { status: "Accepted", parentIdTag: "GROUP-69" } }));
    csms.handlers.set("Authorize", (params) =>
      params.idTag === "TAG-69-B"
        ? { idTagInfo: { status: "Accepted", parentIdTag: "GROUP-69" } }
        : { idTagInfo: { status: "Accepted", parentIdTag: "OTHER" } },
    );
    await untilBooted(csms, bench);
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(bench, "plugged", () => fw.loop.connector(1).snapshot.plugged);

    assert.deepEqual(await csmsCall(csms, bench, "RemoteStartTransaction", { connectorId: 1, idTag: "TAG-69-A" }), { status: "Accepted" });
    await runUntil(bench, "StartTransaction answered", () => fw.chargePoint.transactions.transactionOn(1)?.transactionId === 69);
    assert.equal(csms.calls("Authorize").length, 0, "no Authorize for the remote start");

    // A tag of another group does not stop it.
    fw.presentCard("TAG-69-C");
    await runUntil(bench, "TAG-69-C handled", () => bench.log.lines.some((l) => l.includes("card TAG-69-C")));
    assert.equal(csms.calls("StopTransaction").length, 0);

    fw.presentCard("TAG-69-B");
    await runUntil(bench, "StopTransaction", () => csms.calls("StopTransaction").length === 1);
    assert.deepEqual(
      csms.calls("Authorize").map((c) => c.params.idTag),
      ["TAG-69-C", "TAG-69-B"],
    );
    const stop = csms.calls("StopTransaction")[0].params;
    assert.equal(stop.reason, "Local");
    assert.equal(stop.idTag, "TAG-69-B");
    assert.equal(stop.transactionId, 69);
  });

  it("the other tag's parent from the Local List: no Authorize, stops with reason Local", async () => {
    const sim = createSimulatedBoard({ connectors: 1 });
    const bench = rig.boot(newStorage(), sim);
    const fw = bench.firmware;
    assert.equal(fw.chargePoint.config.change("AuthorizeRemoteTxRequests", "false"), "Accepted");
    csms.handlers.set("StartTransaction", () => ({ transactionId: 70, idTagInfo: { status: "Accepted", parentIdTag: "GROUP-70" } }));
    await untilBooted(csms, bench);
    const list = await csmsCall(csms, bench, "SendLocalList", {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [{ idTag: "TAG-70-B", idTagInfo: { status: "Accepted", parentIdTag: "GROUP-70" } }],
    });
    assert.deepEqual(list, { status: "Accepted" });
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(bench, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    assert.deepEqual(await csmsCall(csms, bench, "RemoteStartTransaction", { connectorId: 1, idTag: "TAG-70-A" }), { status: "Accepted" });
    await runUntil(bench, "StartTransaction answered", () => fw.chargePoint.transactions.transactionOn(1)?.transactionId === 70);

    fw.presentCard("TAG-70-B");
    await runUntil(bench, "StopTransaction", () => csms.calls("StopTransaction").length === 1);
    assert.equal(csms.calls("Authorize").length, 0, "known locally: no Authorize");
    assert.equal(csms.calls("StopTransaction")[0].params.reason, "Local");
    assert.equal(csms.calls("StopTransaction")[0].params.idTag, "TAG-70-B");
  });
});
