import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLogSink } from "platform/host/log-console";
import { OcppEngine } from "ocpp/rpc/engine";

/** The id of the first CALL an engine sends. */
function firstCallId(bootNumber: number | undefined): string {
  const sent: string[] = [];
  const time = new VirtualTime();
  const engine = new OcppEngine({
    timers: time,
    log: new Logger(new MemoryLogSink(), "rpc"),
    messageTimeoutS: () => 30,
    random: () => 0.5, // a PRNG that starts the same at every boot, like the lin simulator's
    bootNumber,
  });
  engine.connected((text) => sent.push(text) > 0);
  engine.call("BootNotification", { chargePointVendor: "V", chargePointModel: "M" }, { beforeAccepted: true }).catch(() => undefined);
  time.advance(1);
  const frame = JSON.parse(sent[0]) as [number, string, string, unknown];
  assert.equal(frame[2], "BootNotification");
  return frame[1];
}

describe("OCPP-J message ids", function () {
  it("differ across reboots even when the random source repeats itself", function () {
    assert.notEqual(firstCallId(1), firstCallId(2));
    assert.equal(firstCallId(7), firstCallId(7), "same boot, same source: same id (so the test can fail)");
  });
});
