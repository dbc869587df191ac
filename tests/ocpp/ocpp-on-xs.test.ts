import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";
import { TestCsms } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";

interface XsState {
  accepted: boolean;
  online: boolean;
  status: string;
  transaction: { idTag: string; transactionId?: number } | null;
  journal: number;
  lastResult: unknown;
  synced: boolean;
}

describe("the OCPP engine on the real XS engine", function () {
  this.timeout(60_000);
  let machine: XsMachine;
  let csms: TestCsms;

  before(async function () {
    csms = new TestCsms();
    await csms.listen();
    machine = await XsMachine.start({ entry: "tests/xs/entry-ocpp.ts" });
  });
  after(async function () {
    await machine?.close();
    await csms?.close();
  });

  async function state(): Promise<XsState> {
    return (await machine.call<XsState>("state")).value;
  }

  it("boots, authorizes and runs a transaction over the bridged socket, journal on bridged flash", async function () {
    machine.runRealTime(10);
    await machine.call("start", csms.url);
    await csms.waitForCall("BootNotification", 1, 10_000);
    await waitFor("statuses", () => csms.calls("StatusNotification").length >= 2, 10_000);
    assert.equal(csms.handshakes[0].identity, "XS001");
    assert.equal(csms.handshakes[0].password, "xs-password-0001");
    let s = await state();
    assert.equal(s.accepted, true);
    assert.equal(s.synced, true);
    await machine.call("plug", true);
    await machine.call("presentIdTag", "XSTAG");
    await csms.waitForCall("Authorize", 1, 10_000);
    const start = await csms.waitForCall("StartTransaction", 1, 10_000);
    assert.equal(start.params.idTag, "XSTAG");
    assert.equal(start.params.meterStart, 5000);
    for (let i = 0; i < 200; i++) {
      s = await state();
      if (s.transaction?.transactionId !== undefined && s.journal === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(s.status, "Charging");
    assert.equal(s.transaction?.transactionId, 100);
    await machine.call("presentIdTag", "XSTAG");
    const stop = await csms.waitForCall("StopTransaction", 1, 10_000);
    assert.equal(stop.params.transactionId, 100);
    assert.equal(stop.params.reason, "Local");
    machine.stopRealTime();
  });
});
