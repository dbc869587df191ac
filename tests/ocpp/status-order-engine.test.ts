/**
 * A StatusNotification queued in the engine before a transaction message goes out before it
 * (chaos seeds 3078, 4800, 5089, 5957, 6003, 7182, 8301, 9048): transaction messages go before
 * queued ordinary calls, and a Charging whose StartTransaction was answered could be overtaken by
 * the StopTransaction that came after it — Charging then arrived after the transaction's stop.
 */
import { strict as assert } from "node:assert";
import { VirtualTime } from "platform/common/virtual-timers";
import { OffsetClock } from "platform/common/offset-clock";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import type { Logger } from "ports/log";
import { OcppEngine } from "ocpp/rpc/engine";
import { StatusService } from "ocpp/core/status-service";
import { TimeKeeper } from "ocpp/core/timestamps";
import { settle } from "../support/waits.ts";

describe("status and transaction messages in the engine's queue (chaos seed 5089)", function () {
  it("a StopTransaction does not overtake the Charging queued before it", async function () {
    const time = new VirtualTime(0);
    const log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger;
    const engine = new OcppEngine({ timers: time, log, messageTimeoutS: () => 30 });
    engine.setAccepted(true);
    const sent: string[] = [];
    const ids: string[] = [];
    engine.connected((text) => {
      const frame = JSON.parse(text) as unknown[];
      ids.push(String(frame[1]));
      sent.push(frame[2] === "StatusNotification" ? `Status ${String((frame[3] as { status: string }).status)}` : String(frame[2]));
      return true;
    });
    const status = new StatusService({
      ports: {
        engine,
        timers: time,
        config: { int: () => 0 } as unknown as ConfigurationRegistry,
        time: new TimeKeeper(new OffsetClock(() => time.nowMs(), Date.UTC(2026, 0, 1), true), 1),
      },
      log,
      connectorCount: 1,
    });
    void engine.call("Heartbeat", {}).catch(() => undefined); // outstanding: what follows queues
    await settle(); // the engine sends from a promise job
    status.update(1, "Charging", "NoError"); // its StartTransaction was answered: queued now
    void engine
      .call("StopTransaction", { transactionId: 1, meterStop: 0, timestamp: "2026-01-01T00:00:10Z" }, { priority: true })
      .catch(() => undefined);
    assert.deepEqual(sent, ["Heartbeat"]);
    for (let i = 0; i < 3; i++) {
      engine.receive(JSON.stringify([3, ids[ids.length - 1], i === 0 ? { currentTime: "2026-01-01T00:00:00Z" } : {}]));
      await settle();
      time.advance(10);
    }
    assert.deepEqual(sent, ["Heartbeat", "Status Charging", "StopTransaction"]);
  });
});
