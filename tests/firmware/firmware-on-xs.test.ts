/**
 * The whole firmware booted on the real XS engine (xsnap) with the simulated
 * board, talking to a strict ocpp-rpc CSMS on 127.0.0.1 through the bridged
 * WebSocket: BootNotification, then a short card session.
 */
import { strict as assert } from "node:assert";
import { XsMachine } from "../../tools/xs/runner.ts";
import { TestCsms } from "../support/csms-harness.ts";

interface XsState {
  accepted: boolean;
  status: string;
  plugged: boolean;
  relayClosed: boolean;
  energyWh: number;
  journal: number;
}

describe("firmware on the XS engine", function () {
  this.timeout(60_000);
  let csms: TestCsms;
  let machine: XsMachine | undefined;

  before(async () => {
    csms = new TestCsms();
    await csms.listen();
  });

  after(async () => {
    if (machine) {
      machine.stopRealTime();
      await machine.close();
    }
    await csms.close();
  });

  async function until(what: string, predicate: (state: XsState) => boolean): Promise<XsState> {
    for (let attempt = 0; attempt < 1500; attempt++) {
      const state = (await machine!.call<XsState>("state")).value;
      if (predicate(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`XS firmware never reached: ${what}\n${machine!.logs.slice(-15).join("\n")}`);
  }

  it("boots, completes BootNotification and a short transaction", async () => {
    machine = await XsMachine.start({ entry: "tests/xs/entry-firmware.ts" });
    assert.equal((await machine.call("boot", csms.url)).value, 0);
    machine.runRealTime(10);
    await until("accepted", (s) => s.accepted);
    assert.equal(csms.handshakes[0].identity, "XSFW01");
    assert.equal(csms.calls("BootNotification")[0].params.chargePointSerialNumber, "XSFW01");

    await machine.call("plug");
    await until("plugged", (s) => s.plugged);
    await machine.call("card", "XS-CARD");
    await until("charging", (s) => s.relayClosed && s.energyWh > 0);
    await csms.waitForCall("StartTransaction", 1, 10_000);
    assert.equal(csms.calls("StartTransaction")[0].params.idTag, "XS-CARD");

    await machine.call("unplug");
    await csms.waitForCall("StopTransaction", 1, 10_000);
    assert.equal(csms.calls("StopTransaction")[0].params.reason, "EVDisconnected");
    await until("journal empty", (s) => s.journal === 0);
    await machine.call("stop");
  });
});
