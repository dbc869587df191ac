import { strict as assert } from "node:assert";
import { Logger } from "ports/log";
import { VirtualTime } from "platform/common/virtual-timers";
import { MemoryLogSink } from "platform/host/log-console";
import { OcppEngine } from "ocpp/rpc/engine";
import { settle } from "../support/waits.ts";

/** The id of the first CALL an engine sends. */
async function firstCallId(bootNumber: number | undefined): Promise<string> {
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
  await settle(); // the engine sends from a promise job
  const frame = JSON.parse(sent[0]) as [number, string, string, unknown];
  assert.equal(frame[2], "BootNotification");
  return frame[1];
}

describe("OCPP-J message ids", function () {
  it("differ across reboots even when the random source repeats itself", async function () {
    assert.notEqual(await firstCallId(1), await firstCallId(2));
    assert.equal(await firstCallId(7), await firstCallId(7), "same boot, same source: same id (so the test can fail)");
  });
});
