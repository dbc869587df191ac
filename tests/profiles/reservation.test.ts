/**
 * OCTT Reservation cases (reference §2.5, §4.8, §6) against the booted
 * firmware over a strict ocpp-rpc websocket CSMS.
 */
import { strict as assert } from "node:assert";
import { advance, at, ProfileHarness, type Rig } from "../support/profile-harness.ts";

describe("profiles: Reservation (OCTT)", function () {
  this.timeout(20_000);
  const h = new ProfileHarness();
  beforeEach(() => h.open());
  afterEach(() => h.close());

  async function reserve(
    rig: Rig,
    connectorId: number,
    idTag: string,
    reservationId: number,
    extra: Record<string, unknown> = {},
  ): Promise<string> {
    const answer = await h.call(rig, "ReserveNow", { connectorId, expiryDate: at(3600), idTag, reservationId, ...extra });
    return answer.status;
  }

  /** A transaction runs on connector 1 (plug + card), so the connector is Charging. */
  async function charging(rig: Rig, idTag: string): Promise<void> {
    await h.plug(rig);
    await h.card(rig, idTag);
    await h.started(rig);
    await h.status(rig, 1, "Charging");
  }

  it("TC_046_1: reserved connector: Reserved; another tag refused; the reserved tag starts with the reservationId", async () => {
    const rig = await h.start();
    const from = h.statuses().length;
    assert.equal(await reserve(rig, 1, "RES-TAG", 11), "Accepted");
    await h.status(rig, 1, "Reserved", from);

    await h.plug(rig);
    await h.card(rig, "OTHER-TAG");
    assert.equal(h.calls("StartTransaction").length, 0, "another tag does not start on the reserved connector");
    assert.equal(rig.fw.chargePoint.transactions.hasTransaction(1), false);

    await h.card(rig, "RES-TAG");
    const start = await h.started(rig);
    assert.equal(start.params.idTag, "RES-TAG");
    assert.equal(start.params.reservationId, 11);
    await h.status(rig, 1, "Charging", from);
    assert.deepEqual(rig.fw.reservations.list(), [], "the reservation was used");
  });

  it("TC_046_2: reserved connector, RemoteStartTransaction: another tag Rejected; the reserved tag starts with the reservationId", async () => {
    const rig = await h.start();
    const from = h.statuses().length;
    assert.equal(await reserve(rig, 1, "RES-TAG", 12), "Accepted");
    await h.status(rig, 1, "Reserved", from);

    assert.equal((await h.call(rig, "RemoteStartTransaction", { connectorId: 1, idTag: "OTHER-TAG" })).status, "Rejected");
    await advance(rig, 1000);
    assert.equal(h.calls("StartTransaction").length, 0);

    assert.equal((await h.call(rig, "RemoteStartTransaction", { connectorId: 1, idTag: "RES-TAG" })).status, "Accepted");
    await h.plug(rig);
    const start = await h.started(rig);
    assert.equal(start.params.idTag, "RES-TAG");
    assert.equal(start.params.reservationId, 12);
    await h.status(rig, 1, "Charging", from);
    assert.deepEqual(rig.fw.reservations.list(), []);
  });

  it("TC_047: the reservation expires → StatusNotification Available", async () => {
    const rig = await h.start();
    const from = h.statuses().length;
    assert.equal(
      (await h.call(rig, "ReserveNow", { connectorId: 1, expiryDate: at(30), idTag: "RES-TAG", reservationId: 13 })).status,
      "Accepted",
    );
    await h.status(rig, 1, "Reserved", from);
    const reservedAt = h.statuses().lastIndexOf("1:Reserved");
    await h.status(rig, 1, "Available", reservedAt, 60_000);
    assert.deepEqual(rig.fw.reservations.list(), []);
    // The tag is an ordinary one again: no reservationId.
    await h.plug(rig);
    await h.card(rig, "RES-TAG");
    assert.equal((await h.started(rig)).params.reservationId, undefined);
  });

  it("TC_048_1: connector Faulted → ReserveNow Faulted", async () => {
    const rig = await h.start();
    rig.sim.sims[0].faults.pilotShort = true;
    await h.status(rig, 1, "Faulted");
    assert.equal(await reserve(rig, 1, "RES-TAG", 14), "Faulted");
  });

  it("TC_048_2: connector Occupied (charging) → ReserveNow Occupied; reserved already → Occupied", async () => {
    const rig = await h.start();
    await charging(rig, "TAG-1");
    assert.equal(await reserve(rig, 1, "RES-TAG", 15), "Occupied");
  });

  it("TC_048_3: connector Unavailable → ReserveNow Unavailable", async () => {
    const rig = await h.start();
    assert.equal((await h.call(rig, "ChangeAvailability", { connectorId: 1, type: "Inoperative" })).status, "Accepted");
    await h.status(rig, 1, "Unavailable");
    assert.equal(await reserve(rig, 1, "RES-TAG", 16), "Unavailable");
  });

  it("TC_048_4: a reservation the charger cannot take → Rejected (a connector it does not have, an expiry in the past)", async () => {
    // The build always supports reservations of a connector; these are the Rejected cases it has.
    const rig = await h.start();
    assert.equal(await reserve(rig, 2, "RES-TAG", 17), "Rejected");
    assert.equal(
      (await h.call(rig, "ReserveNow", { connectorId: 1, expiryDate: at(-60), idTag: "RES-TAG", reservationId: 17 })).status,
      "Rejected",
    );
    assert.deepEqual(rig.fw.reservations.list(), []);
  });

  it("TC_049: reserve connectorId 0 → Accepted, the only connector Reserved, the tag's transaction carries the reservationId", async () => {
    const rig = await h.start();
    const config = await h.call(rig, "GetConfiguration", { key: ["ReserveConnectorZeroSupported"] });
    assert.equal(config.configurationKey[0].value, "true");
    const from = h.statuses().length;
    assert.equal(await reserve(rig, 0, "RES-TAG", 18), "Accepted");
    await h.status(rig, 1, "Reserved", from);
    await h.plug(rig);
    await h.card(rig, "OTHER-TAG");
    assert.equal(h.calls("StartTransaction").length, 0, "the last free connector is kept for the reserved tag");
    await h.card(rig, "RES-TAG");
    const start = await h.started(rig);
    assert.equal(start.params.reservationId, 18);
    assert.deepEqual(rig.fw.reservations.list(), []);
  });

  it("TC_050_1: connectorId 0 while the charger's connector is Faulted → Faulted", async () => {
    const rig = await h.start();
    rig.sim.sims[0].faults.pilotShort = true;
    await h.status(rig, 1, "Faulted");
    assert.equal(await reserve(rig, 0, "RES-TAG", 19), "Faulted");
  });

  it("TC_050_2: connectorId 0 while every connector is occupied → Occupied", async () => {
    const rig = await h.start();
    await charging(rig, "TAG-1");
    assert.equal(await reserve(rig, 0, "RES-TAG", 20), "Occupied");
  });

  it("TC_050_3: connectorId 0 while the charge point is Unavailable → Unavailable", async () => {
    const rig = await h.start();
    assert.equal((await h.call(rig, "ChangeAvailability", { connectorId: 0, type: "Inoperative" })).status, "Accepted");
    await h.status(rig, 1, "Unavailable");
    assert.equal(await reserve(rig, 0, "RES-TAG", 21), "Unavailable");
  });

  it("TC_050_4: connectorId 0 without ReserveConnectorZeroSupported → Rejected", async () => {
    const rig = await h.start();
    // A build without connector-0 reservations (the key is read-only for the CSMS).
    assert.ok(rig.fw.chargePoint.config.setLocal("ReserveConnectorZeroSupported", false));
    const config = await h.call(rig, "GetConfiguration", { key: ["ReserveConnectorZeroSupported"] });
    assert.equal(config.configurationKey[0].value, "false");
    assert.equal(await reserve(rig, 0, "RES-TAG", 22), "Rejected");
    assert.equal(await reserve(rig, 1, "RES-TAG", 22), "Accepted", "specific connectors can still be reserved");
  });

  it("TC_051: CancelReservation → Accepted, Available, the next transaction carries no reservationId", async () => {
    const rig = await h.start();
    const from = h.statuses().length;
    assert.equal(await reserve(rig, 1, "RES-TAG", 23), "Accepted");
    await h.status(rig, 1, "Reserved", from);
    assert.equal((await h.call(rig, "CancelReservation", { reservationId: 23 })).status, "Accepted");
    await h.status(rig, 1, "Available", h.statuses().lastIndexOf("1:Reserved"));
    await h.plug(rig);
    await h.card(rig, "OTHER-TAG");
    const start = await h.started(rig);
    assert.equal(start.params.idTag, "OTHER-TAG");
    assert.equal(start.params.reservationId, undefined);
  });

  it("TC_052: CancelReservation of an unknown id → Rejected, the reservation in force stays", async () => {
    const rig = await h.start();
    assert.equal(await reserve(rig, 1, "RES-TAG", 24), "Accepted");
    assert.equal((await h.call(rig, "CancelReservation", { reservationId: 999 })).status, "Rejected");
    assert.deepEqual(
      rig.fw.reservations.list().map((r) => r.reservationId),
      [24],
    );
  });

  it("TC_053: reservation with a parentIdTag used by another tag of the same parent", async () => {
    const rig = await h.start();
    h.csms.handlers.set("Authorize", (params) => ({
      idTagInfo:
        params.idTag === "STRANGER" ? { status: "Accepted", parentIdTag: "OTHER-PARENT" } : { status: "Accepted", parentIdTag: "FLEET" },
    }));
    const from = h.statuses().length;
    assert.equal(await reserve(rig, 1, "DRIVER-1", 25, { parentIdTag: "FLEET" }), "Accepted");
    await h.status(rig, 1, "Reserved", from);
    await h.plug(rig);
    await h.card(rig, "STRANGER");
    assert.equal(h.calls("StartTransaction").length, 0, "a tag of another parent is refused");
    await h.card(rig, "DRIVER-2");
    const start = await h.started(rig);
    assert.equal(start.params.idTag, "DRIVER-2");
    assert.equal(start.params.reservationId, 25);
  });
});
