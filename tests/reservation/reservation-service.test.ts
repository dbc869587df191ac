import { strict as assert } from "node:assert";
import type { CancelReservationReq, ReserveNowReq } from "ocpp/generated/ocpp16";
import { handleCancelReservation } from "ocpp/reservation/CancelReservation";
import { handleReserveNow } from "ocpp/reservation/ReserveNow";
import { ReservationService, type ConnectorAvailability } from "ocpp/reservation/reservation-service";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { VirtualTime } from "platform/common/virtual-timers";

const START_MS = Date.UTC(2025, 2, 1, 8, 0, 0);

class Connectors {
  states: ConnectorAvailability[];
  constructor(count: number) {
    this.states = new Array<ConnectorAvailability>(count + 1).fill("Available");
  }
  connectorCount(): number {
    return this.states.length - 1;
  }
  state(connectorId: number): ConnectorAvailability {
    return this.states[connectorId];
  }
}

function rig(count = 2, zeroSupported = true) {
  const kv = new MemoryKeyValueStore();
  const time = new VirtualTime(0);
  const clock = new OffsetClock(() => time.nowMs(), START_MS, true);
  const connectors = new Connectors(count);
  const events: string[] = [];
  const sink = { setReserved: (c: number, reserved: boolean) => events.push(`${c}:${reserved ? "Reserved" : "Available"}`) };
  const make = () => new ReservationService({ kv, clock, timers: time, connectors, sink, reserveConnectorZeroSupported: zeroSupported });
  const service = make();
  return {
    kv,
    time,
    clock,
    connectors,
    events,
    service,
    make,
    reserve: (request: ReserveNowReq) => handleReserveNow(request, service),
    cancel: (request: CancelReservationReq) => handleCancelReservation(request, service),
  };
}

const inMinutes = (minutes: number) => new Date(START_MS + minutes * 60_000).toISOString();

describe("ReservationService (OCTT section 6, Reservation)", function () {
  it("TC_046_1: a reserved connector shows Reserved, refuses other tags and starts the reserved tag with its reservationId", function () {
    const r = rig();
    assert.deepEqual(r.reserve({ connectorId: 1, expiryDate: inMinutes(10), idTag: "RESERVED", reservationId: 7 }), { status: "Accepted" });
    assert.deepEqual(r.events, ["1:Reserved"]);
    assert.equal(r.service.isReserved(1), true);
    assert.deepEqual(r.service.checkStart(1, "SOMEONE"), { allowed: false, reservationId: 7 });
    assert.deepEqual(r.service.consumeForStart(1, "SOMEONE"), { allowed: false, reservationId: 7 });
    assert.deepEqual(r.service.checkStart(2, "SOMEONE"), { allowed: true }, "the other connector is free");
    assert.deepEqual(r.service.consumeForStart(1, "reserved"), { allowed: true, reservationId: 7 });
    assert.deepEqual(r.events, ["1:Reserved", "1:Available"]);
    assert.equal(r.service.list().length, 0);
    assert.deepEqual(r.service.checkStart(1, "SOMEONE"), { allowed: true });
  });

  it("TC_047: the reservation expires at expiryDate and the connector becomes Available", function () {
    const r = rig();
    r.reserve({ connectorId: 1, expiryDate: inMinutes(3), idTag: "X", reservationId: 1 });
    r.time.advance(3 * 60_000 - 1);
    assert.equal(r.service.isReserved(1), true);
    r.time.advance(1);
    assert.equal(r.service.isReserved(1), false);
    assert.deepEqual(r.events, ["1:Reserved", "1:Available"]);
    assert.equal(r.time.pending, 0, "no timer left behind");
  });

  it("TC_048_1..4: Faulted, Occupied, Unavailable connectors and no support give the matching status", function () {
    const r = rig(3);
    r.connectors.states[1] = "Faulted";
    r.connectors.states[2] = "Occupied";
    r.connectors.states[3] = "Unavailable";
    assert.equal(r.service.reserveNow({ connectorId: 1, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Faulted");
    assert.equal(r.service.reserveNow({ connectorId: 2, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Occupied");
    assert.equal(r.service.reserveNow({ connectorId: 3, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Unavailable");
    const off = rig(1, false);
    assert.equal(off.service.reserveNow({ connectorId: 0, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Rejected");
    assert.equal(
      r.service.reserveNow({ connectorId: 4, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }),
      "Rejected",
      "no such connector",
    );
    assert.equal(
      off.service.reserveNow({ connectorId: 1, expiryDate: inMinutes(-1), idTag: "A", reservationId: 1 }),
      "Rejected",
      "already expired",
    );
    assert.equal(r.events.length, 0);
  });

  it("a connector reserved by another reservation is Occupied; the same reservationId replaces", function () {
    const r = rig(2);
    assert.equal(r.service.reserveNow({ connectorId: 1, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Accepted");
    assert.equal(r.service.reserveNow({ connectorId: 1, expiryDate: inMinutes(5), idTag: "B", reservationId: 2 }), "Occupied");
    assert.equal(r.service.reserveNow({ connectorId: 2, expiryDate: inMinutes(9), idTag: "A2", reservationId: 1 }), "Accepted");
    assert.deepEqual(
      r.service.list().map((x) => [x.reservationId, x.connectorId, x.idTag]),
      [[1, 2, "A2"]],
    );
    assert.deepEqual(r.events, ["1:Reserved", "1:Available", "2:Reserved"]);
  });

  it("TC_049: connector 0 reserves the last free connector, and the tx carries the reservationId", function () {
    const r = rig(1);
    assert.equal(r.service.reserveNow({ connectorId: 0, expiryDate: inMinutes(10), idTag: "ANY", reservationId: 42 }), "Accepted");
    assert.deepEqual(r.events, ["1:Reserved"]);
    assert.equal(r.service.checkStart(1, "OTHER").allowed, false);
    assert.deepEqual(r.service.consumeForStart(1, "ANY"), { allowed: true, reservationId: 42 });
    assert.deepEqual(r.events, ["1:Reserved", "1:Available"]);
  });

  it("connector 0 with two connectors holds back nothing until only one connector is left", function () {
    const r = rig(2);
    assert.equal(r.service.reserveNow({ connectorId: 0, expiryDate: inMinutes(10), idTag: "ANY", reservationId: 1 }), "Accepted");
    assert.deepEqual(r.events, []);
    assert.equal(r.service.checkStart(1, "OTHER").allowed, true);
    r.connectors.states[1] = "Occupied";
    r.service.refresh();
    assert.deepEqual(r.events, ["2:Reserved"]);
    assert.equal(r.service.checkStart(2, "OTHER").allowed, false);
    assert.equal(
      r.service.reserveNow({ connectorId: 2, expiryDate: inMinutes(10), idTag: "B", reservationId: 2 }),
      "Occupied",
      "the last free connector belongs to the connector-0 reservation",
    );
    assert.deepEqual(r.service.consumeForStart(2, "any"), { allowed: true, reservationId: 1 });
  });

  it("TC_050_1..4: connector-0 reservation when the CP is Faulted, all occupied, Unavailable, unsupported", function () {
    const r = rig(2);
    r.connectors.states[0] = "Faulted";
    assert.equal(r.service.reserveNow({ connectorId: 0, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Faulted");
    r.connectors.states[0] = "Available";
    r.connectors.states[1] = "Occupied";
    r.connectors.states[2] = "Occupied";
    assert.equal(r.service.reserveNow({ connectorId: 0, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Occupied");
    r.connectors.states[0] = "Unavailable";
    assert.equal(r.service.reserveNow({ connectorId: 0, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Unavailable");
    r.connectors.states[0] = "Available";
    r.connectors.states[1] = "Unavailable";
    r.connectors.states[2] = "Unavailable";
    assert.equal(r.service.reserveNow({ connectorId: 0, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Unavailable");
    assert.equal(rig(2, false).service.reserveNow({ connectorId: 0, expiryDate: inMinutes(5), idTag: "A", reservationId: 1 }), "Rejected");
  });

  it("TC_051: CancelReservation is Accepted, the connector is Available, the next start has no reservationId", function () {
    const r = rig();
    r.reserve({ connectorId: 1, expiryDate: inMinutes(10), idTag: "A", reservationId: 3 });
    assert.deepEqual(r.cancel({ reservationId: 3 }), { status: "Accepted" });
    assert.deepEqual(r.events, ["1:Reserved", "1:Available"]);
    assert.deepEqual(r.service.consumeForStart(1, "A"), { allowed: true });
  });

  it("TC_052: CancelReservation of an unknown id is Rejected", function () {
    const r = rig();
    assert.deepEqual(r.cancel({ reservationId: 99 }), { status: "Rejected" });
  });

  it("TC_053: another tag with the reservation's parentIdTag may use it", function () {
    const r = rig();
    r.reserve({ connectorId: 1, expiryDate: inMinutes(10), idTag: "OWNER", parentIdTag: "FAMILY", reservationId: 5 });
    assert.equal(r.service.checkStart(1, "KID", undefined).allowed, false, "parent unknown: refused");
    assert.equal(r.service.checkStart(1, "KID", "STRANGERS").allowed, false);
    assert.deepEqual(r.service.consumeForStart(1, "KID", "family"), { allowed: true, reservationId: 5 });
  });

  it("ends a reservation when its connector becomes Faulted or Unavailable", function () {
    const r = rig();
    r.reserve({ connectorId: 1, expiryDate: inMinutes(10), idTag: "A", reservationId: 1 });
    r.connectors.states[1] = "Faulted";
    r.service.refresh();
    assert.equal(r.service.list().length, 0);
    assert.deepEqual(r.events, ["1:Reserved", "1:Available"]);
  });

  it("survives a reboot (NVS) and still expires on time", function () {
    const r = rig();
    r.reserve({ connectorId: 2, expiryDate: inMinutes(30), idTag: "PERSIST", parentIdTag: "P", reservationId: 11 });
    r.reserve({ connectorId: 0, expiryDate: inMinutes(5), idTag: "ZERO", reservationId: 12 });
    assert.equal(typeof r.kv.get("reservation", "list"), "string");
    const events: string[] = [];
    const rebooted = new ReservationService({
      kv: r.kv,
      clock: r.clock,
      timers: r.time,
      connectors: r.connectors,
      sink: { setReserved: (c, reserved) => events.push(`${c}:${reserved}`) },
      reserveConnectorZeroSupported: true,
    });
    assert.deepEqual(rebooted.list(), [
      { reservationId: 11, connectorId: 2, idTag: "PERSIST", parentIdTag: "P", expiryUtcMs: START_MS + 30 * 60_000 },
      { reservationId: 12, connectorId: 0, idTag: "ZERO", expiryUtcMs: START_MS + 5 * 60_000 },
    ]);
    assert.deepEqual(events, ["1:true", "2:true"]);
    r.service.cancelReservation(11); // the old instance stops writing: clear its timers by cancelling
    r.service.cancelReservation(12);
    r.time.advance(5 * 60_000);
    assert.deepEqual(
      rebooted.list().map((x) => x.reservationId),
      [11],
    );
    assert.deepEqual(events, ["1:true", "2:true", "1:false"]);
  });

  it("drops a damaged stored list instead of crashing", function () {
    const kv = new MemoryKeyValueStore();
    kv.set("reservation", "list", "[not json");
    const time = new VirtualTime(0);
    const service = new ReservationService({
      kv,
      clock: new OffsetClock(() => time.nowMs(), START_MS, true),
      timers: time,
      connectors: new Connectors(1),
      sink: { setReserved: () => undefined },
    });
    assert.equal(service.list().length, 0);
  });
});
