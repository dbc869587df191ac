/**
 * StatusService: steps held behind transaction messages and a connection lost in between (chaos
 * seed 5083). A status change while offline replaces what waited (no replay of an offline period's
 * intermediate statuses [SPEC 4.9]): the steps held before the loss must go with it, or the new
 * connection starts with a stale step followed by a transition the table forbids.
 */
import { strict as assert } from "node:assert";
import { VirtualTime } from "platform/common/virtual-timers";
import { OffsetClock } from "platform/common/offset-clock";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import type { Logger } from "ports/log";
import { StatusService } from "ocpp/core/status-service";
import { TimeKeeper } from "ocpp/core/timestamps";

class FakeEngine {
  online = true;
  accepted = true;
  readonly sent: string[] = [];
  call(action: string, payload: Record<string, unknown>): Promise<unknown> {
    if (action === "StatusNotification" && payload.connectorId === 1) this.sent.push(String(payload.status));
    return Promise.resolve({});
  }
}

describe("status steps held behind transaction messages, then a lost connection (chaos seed 5083)", function () {
  it("a change while offline drops the steps held before: the CSMS gets the current status only", function () {
    const time = new VirtualTime(0);
    const engine = new FakeEngine();
    const config = { int: () => 0 } as unknown as ConfigurationRegistry;
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;
    const status = new StatusService({
      ports: {
        engine: engine as unknown as OcppEngine,
        timers: time,
        config,
        time: new TimeKeeper(new OffsetClock(() => time.nowMs(), Date.UTC(2026, 0, 1), true), 1),
      },
      log,
      connectorCount: 1,
    });
    let journaled = 0;
    let delivered = 0;
    status.holdBehind({ eventMark: () => journaled, delivered: (mark) => delivered >= mark });
    status.update(1, "Charging", "NoError");
    assert.deepEqual(engine.sent, ["Charging"]);
    journaled = 1; // StopTransaction(EVDisconnected) journaled, not answered yet
    status.update(1, "SuspendedEV", "NoError"); // the EV left: waits behind the stop
    status.update(1, "Available", "NoError"); // the stop ended the session: a step of its own
    assert.deepEqual(engine.sent, ["Charging"]);
    engine.online = false; // the stop's answer is lost with the connection
    status.update(1, "Preparing", "NoError"); // plugged again while offline
    engine.online = true; // reconnected: the stop is sent again and answered
    delivered = 1;
    status.reportChanged();
    assert.deepEqual(engine.sent, ["Charging", "Preparing"]);
  });
});
