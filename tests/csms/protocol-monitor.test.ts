/** The protocol monitor itself: each rule is flagged, and a clean session is not. */
import { strict as assert } from "node:assert";
import { ProtocolMonitor, type MonitorRule } from "../../tools/csms/protocol-monitor.ts";

const T0 = Date.parse("2030-01-01T10:00:00Z");
const at = (s: number): string => new Date(T0 + s * 1000).toISOString();

/** Frames between one charger and the CSMS, as the monitor sees them. */
class Wire {
  /** The CSMS's clock, seconds after T0. */
  nowS = 0;
  readonly monitor = new ProtocolMonitor("UNIT", { unwatched: true, now: () => T0 + this.nowS * 1000 });
  #next = 0;
  connection = this.monitor.connected();

  /** A CALL of the charger; returns its message id. */
  send(action: string, payload: Record<string, unknown>): string {
    const id = `m${++this.#next}`;
    this.monitor.frame("cp-to-csms", JSON.stringify([2, id, action, payload]));
    return id;
  }
  answer(id: string, payload: Record<string, unknown> = {}): void {
    this.monitor.frame("csms-to-cp", JSON.stringify([3, id, payload]));
  }
  /** A charger CALL and the CSMS's CALLRESULT. */
  exchange(action: string, payload: Record<string, unknown>, answer: Record<string, unknown> = {}): void {
    this.answer(this.send(action, payload), answer);
  }
  /** A CSMS CALL and the charger's CALLRESULT. */
  csmsCall(action: string, payload: Record<string, unknown>, answer: Record<string, unknown>): void {
    const id = `c${++this.#next}`;
    this.monitor.frame("csms-to-cp", JSON.stringify([2, id, action, payload]));
    this.monitor.frame("cp-to-csms", JSON.stringify([3, id, answer]));
  }
  boot(status = "Accepted", currentTime = at(0)): void {
    this.exchange("BootNotification", { chargePointVendor: "V", chargePointModel: "M" }, { status, currentTime, interval: 300 });
  }
  status(connectorId: number, status: string, s = 0): void {
    this.exchange("StatusNotification", { connectorId, errorCode: "NoError", status, timestamp: at(s) });
  }
  start(transactionId: number, s: number, meterStart = 1000, connectorId = 1): void {
    this.exchange(
      "StartTransaction",
      { connectorId, idTag: "TAG", meterStart, timestamp: at(s) },
      { transactionId, idTagInfo: { status: "Accepted" } },
    );
  }
  meterValues(transactionId: number, s: number, wh: number, connectorId = 1): void {
    this.exchange("MeterValues", { connectorId, transactionId, meterValue: [{ timestamp: at(s), sampledValue: [{ value: String(wh) }] }] });
  }
  stop(transactionId: number, s: number, meterStop: number): void {
    this.exchange(
      "StopTransaction",
      { transactionId, meterStop, timestamp: at(s), reason: "Local" },
      { idTagInfo: { status: "Accepted" } },
    );
  }
  rules(): MonitorRule[] {
    return this.monitor.violations.map((v) => v.rule);
  }
}

describe("protocol monitor", function () {
  let w: Wire;

  beforeEach(function () {
    w = new Wire();
  });

  function session(): void {
    w.boot();
    w.status(0, "Available");
    w.status(1, "Available");
    w.status(1, "Preparing", 1);
    w.start(7, 2, 1000);
    w.status(1, "Charging", 2);
    w.meterValues(7, 10, 1050);
    w.stop(7, 20, 1100);
    w.status(1, "Finishing", 20);
    w.status(1, "Available", 30);
  }

  it("finds nothing wrong in a clean session", function () {
    session();
    w.monitor.disconnected(w.connection);
    w.connection = w.monitor.connected();
    w.boot("Accepted", at(40));
    w.status(1, "Available", 40);
    w.start(8, 50, 1100);
    assert.deepEqual(w.monitor.violations, []);
  });

  it("flags a StartTransaction delivered twice (same connector, timestamp, meterStart)", function () {
    w.boot();
    w.start(7, 2, 1000);
    w.start(8, 2, 1000);
    assert.deepEqual(w.rules(), ["tx-duplicate"]);
  });

  it("flags a StartTransaction sent again on the same connection while the first is still unanswered", function () {
    w.boot();
    const first = w.send("StartTransaction", { connectorId: 1, idTag: "TAG", meterStart: 1000, timestamp: at(2) });
    w.send("StartTransaction", { connectorId: 1, idTag: "TAG", meterStart: 1000, timestamp: at(2) });
    w.answer(first, { transactionId: 7, idTagInfo: { status: "Accepted" } });
    assert.deepEqual(w.rules(), ["tx-duplicate"]);
  });

  it("accepts a StartTransaction sent again when its first sending was never answered or got a CALLERROR", function () {
    w.boot();
    w.send("StartTransaction", { connectorId: 1, idTag: "TAG", meterStart: 1000, timestamp: at(2) });
    w.monitor.disconnected(w.connection);
    w.connection = w.monitor.connected();
    const id = w.send("StartTransaction", { connectorId: 1, idTag: "TAG", meterStart: 1000, timestamp: at(2) });
    w.monitor.frame("csms-to-cp", JSON.stringify([4, id, "InternalError", "busy", {}]));
    w.start(7, 2, 1000);
    assert.deepEqual(w.monitor.violations, []);
  });

  it("flags MeterValues delivered again after the CSMS answered them", function () {
    w.boot();
    w.start(7, 2);
    w.meterValues(7, 10, 1010);
    w.meterValues(7, 10, 1010);
    assert.deepEqual(w.rules(), ["tx-duplicate"]);
  });

  it("flags an out-of-order delivery of transaction messages", function () {
    w.boot();
    w.start(7, 2);
    w.meterValues(7, 30, 1010);
    w.stop(7, 20, 1020);
    assert.deepEqual(w.rules(), ["tx-order"]);
  });

  it("allows earlier timestamps by as much as a clock set moved the charger's clock back", function () {
    w.boot("Accepted", at(0));
    w.nowS = 40;
    w.start(7, 100); // the charger is 60 s ahead
    w.exchange("Heartbeat", {}, { currentTime: at(40) });
    w.stop(7, 50, 1000);
    assert.deepEqual(w.monitor.violations, []);
    w.start(8, 10); // 90 s before the last one: more than the clock moved
    assert.deepEqual(w.rules(), ["tx-order"]);
  });

  it("allows what a step of the CSMS's own clock moved the charger's clock back (chaos seed 28)", function () {
    w.boot("Accepted", at(0));
    w.nowS = 40;
    w.start(7, 40); // the charger's clock agrees with the CSMS's
    // The CSMS's clock steps back an hour (NTP), then a Heartbeat sets the charger's clock from it.
    w.nowS -= 3600;
    w.monitor.csmsClockMoved(-3_600_000);
    w.exchange("Heartbeat", {}, { currentTime: at(w.nowS) });
    w.stop(7, w.nowS + 10, 1000);
    assert.deepEqual(w.monitor.violations, []);
    w.start(8, w.nowS - 100); // earlier still than the clock moved
    assert.deepEqual(w.rules(), ["tx-order"]);
  });

  it("a MeterValues like one answered before a clock set moved the charger back is a new sample, not a resend (chaos seed 2773)", function () {
    w.boot("Accepted", at(0));
    w.nowS = 10;
    w.start(7, 10);
    w.nowS = 70;
    w.meterValues(7, 70, 1000);
    w.meterValues(7, 70, 1000); // the same content again, same clock: a resend
    assert.deepEqual(w.rules(), ["tx-duplicate"]);
    w.nowS = 129;
    w.meterValues(7, 129, 1000);
    // The CSMS's clock steps back 60 s and a Heartbeat sets the charger's from it.
    w.nowS -= 60;
    w.monitor.csmsClockMoved(-60_000);
    w.exchange("Heartbeat", {}, { currentTime: at(w.nowS) });
    w.nowS = 70.5;
    w.meterValues(7, 70, 1000); // the next periodic sample: same time and value as one before the set
    assert.deepEqual(w.rules(), ["tx-duplicate"]);
  });

  it("allows what two clock sets moved the charger back in all (chaos seed 30004)", function () {
    w.boot("Accepted", at(0));
    w.nowS = 7200;
    w.start(7, 7200);
    for (let k = 0; k < 2; k++) {
      w.nowS -= 3600; // the CSMS's clock steps back an hour, a Heartbeat follows it
      w.monitor.csmsClockMoved(-3_600_000);
      w.exchange("Heartbeat", {}, { currentTime: at(w.nowS) });
      w.meterValues(7, w.nowS + 1, 1000 + k); // a sample on the charger's new clock
    }
    w.meterValues(7, w.nowS + 5, 1010); // two hours before the start, on the charger's clock
    assert.deepEqual(w.monitor.violations, []);
    w.meterValues(7, w.nowS - 100, 1020); // before what the two sets allow
    assert.deepEqual(w.rules(), ["tx-order"]);
  });

  it("flags meterStop below meterStart", function () {
    w.boot();
    w.start(7, 2, 356);
    w.stop(7, 20, 0);
    assert.deepEqual(w.rules(), ["meter-stop-below-start", "meter-decreasing"]);
  });

  it("flags a register reading that decreases within a transaction (kWh converted)", function () {
    w.boot();
    w.start(7, 2, 1000);
    w.exchange("MeterValues", {
      connectorId: 1,
      transactionId: 7,
      meterValue: [{ timestamp: at(5), sampledValue: [{ value: "1.05", unit: "kWh" }] }],
    });
    w.meterValues(7, 10, 1200);
    assert.deepEqual(w.monitor.violations, []);
    w.stop(7, 20, 1100);
    assert.deepEqual(w.rules(), ["meter-decreasing"]);
  });

  it("flags Available while a transaction is open, and Charging before its StartTransaction", function () {
    w.boot();
    w.status(1, "Charging", 1);
    assert.deepEqual(w.rules(), ["status-charging-without-tx"]);
    w.start(7, 2);
    w.status(1, "Available", 3);
    assert.deepEqual(w.rules(), ["status-charging-without-tx", "status-available-with-tx"]);
  });

  it("flags a status transition the table does not allow, and connector 0 in a connector status", function () {
    w.boot();
    w.status(1, "Finishing");
    w.status(1, "SuspendedEV");
    w.status(0, "Charging");
    assert.deepEqual(w.rules(), ["status-transition", "status-connector0"]);
  });

  it("starts the transition check afresh after a reconnect (statuses of an offline period are not replayed)", function () {
    w.boot();
    w.status(1, "Available");
    w.monitor.disconnected(w.connection);
    w.connection = w.monitor.connected();
    w.status(1, "Finishing", 5);
    assert.deepEqual(w.monitor.violations, []);
  });

  it("flags a StatusNotification before BootNotification Accepted, but not one asked for by TriggerMessage while Pending", function () {
    w.boot("Pending");
    w.csmsCall("TriggerMessage", { requestedMessage: "StatusNotification" }, { status: "Accepted" });
    w.status(1, "Available");
    assert.deepEqual(w.monitor.violations, []);
    w.boot("Pending");
    w.status(1, "Available");
    w.exchange("Heartbeat", {}, { currentTime: at(1) });
    assert.deepEqual(w.rules(), ["boot-first", "boot-first"]);
  });

  it("flags an answer given twice, and an answer to no open CALL", function () {
    w.boot();
    const id = w.send("Heartbeat", {});
    w.answer(id, { currentTime: at(1) });
    w.answer(id, { currentTime: at(1) });
    w.answer("nobody", {});
    assert.deepEqual(w.rules(), ["answer-once", "answer-once"]);
  });

  it("flags a transaction stopped twice, a transactionId never handed out, and a second start on a busy connector", function () {
    w.boot();
    w.start(7, 2);
    w.stop(7, 3, 1000);
    w.stop(7, 4, 1000);
    w.meterValues(99, 5, 1000);
    w.start(8, 6);
    w.start(9, 7, 1001);
    assert.deepEqual(w.rules(), ["tx-stop-once", "tx-unknown-id", "tx-overlap"]);
  });

  it("flags a frame after the CSMS asked to close, and a timestamp before 2020 once the clock is set", function () {
    w.send("BootNotification", { chargePointVendor: "V", chargePointModel: "M" });
    w.monitor.disconnected(w.connection);
    w.connection = w.monitor.connected();
    w.boot("Accepted", at(0));
    w.exchange("StatusNotification", { connectorId: 1, errorCode: "NoError", status: "Available", timestamp: "1970-01-01T00:00:00Z" });
    w.monitor.closeRequested(w.connection);
    w.send("Heartbeat", {});
    assert.deepEqual(w.rules(), ["timestamp-before-2020", "frame-after-close"]);
  });

  it("records violations a test marked expected as expected", function () {
    w.monitor.expect("tx-duplicate");
    w.boot();
    w.start(7, 2);
    w.start(7, 2);
    w.start(7, 2);
    assert.deepEqual(
      w.monitor.violations.map((v) => v.expected),
      [true, false],
    );
    assert.equal(w.monitor.unexpected().length, 1);
  });
});
