// End to end, as `npm start` runs it: dev CSMS + the simulated charger (real firmware core) +
// the bench API, driven only over HTTP; the checks look at what the dev CSMS recorded.
import assert from "node:assert/strict";
import type { SimStack } from "../../tools/sim/stack.ts";
import { getState, post, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

describe("simulator end to end (dev CSMS + firmware + bench API)", function () {
  this.timeout(60_000);
  let stack: SimStack;
  let url: string;

  beforeEach(async () => {
    stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 60 } });
    url = stack.bench!.url;
    await waitUntil("the charger online", async () => (await getState(url)).connection === "online");
    const answer = await post(url, "/csms/changeConfiguration", { key: "MeterValueSampleInterval", value: "1" });
    assert.deepEqual(answer, { status: "Accepted" });
  });

  afterEach(async () => {
    await stack.close();
  });

  async function startCharging(): Promise<number> {
    await post(url, "/ev", { connector: 1, state: "B" });
    await waitUntil("Preparing", async () => (await getState(url)).connectors[0].ocppStatus === "Preparing");
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    await post(url, "/ev", { connector: 1, state: "C" });
    const state = await waitUntil("Charging with a transaction", async () => {
      const s = await getState(url);
      const c = s.connectors[0];
      return c.ocppStatus === "Charging" && c.transactionId !== null && c.relayClosed ? s : undefined;
    });
    return state.connectors[0].transactionId!;
  }

  it("runs a full session: card, charge, MeterValues, card again, StopTransaction with the energy", async () => {
    const transactionId = await startCharging();
    await waitUntil("energy above 5 Wh", async () => (await getState(url)).connectors[0].energyWh > 5);
    const csms = stack.csms!;
    await waitUntil("MeterValues of the transaction at the CSMS", () => (csms.transactions()[0]?.meterValues.length ?? 0) >= 1);
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    const tx = await waitUntil("StopTransaction at the CSMS", () =>
      csms.transactions().find((t) => t.transactionId === transactionId && t.stop),
    );
    assert.equal(tx.idTag, "DEV-ACCEPTED");
    assert.equal(tx.stop!.reason, "Local");
    assert.ok(tx.stop!.meterStopWh > tx.meterStartWh + 5, `meterStop ${tx.stop!.meterStopWh} after meterStart ${tx.meterStartWh}`);
    // The EV sees the PWM stop and opens S2 (without that the charger opens after its 6 s grace).
    await post(url, "/ev", { connector: 1, state: "B" });
    const after = await waitUntil("relay open, no transaction", async () => {
      const c = (await getState(url)).connectors[0];
      return !c.relayClosed && c.transactionId === null ? c : undefined;
    });
    assert.equal(after.drawnA, 0);
    const log = await (await fetch(`${url}/log`)).text();
    assert.match(log, /-> \[2,"[^"]+","StartTransaction"/);
    assert.match(log, /-> \[2,"[^"]+","StopTransaction"/);
  });

  it("a power cut mid-session loses RAM; after restore the transaction is stopped with PowerLoss and delivered", async () => {
    const transactionId = await startCharging();
    const csms = stack.csms!;
    await waitUntil("energy above 3 Wh", async () => (await getState(url)).connectors[0].energyWh > 3);
    const bootsBefore = csms.charger("SIM-0001")!.bootCount;
    await post(url, "/power", { action: "cut" });
    const off = await getState(url);
    assert.equal(off.power, "off");
    assert.equal(off.connection, "offline");
    // The contactor drops out once its coil is unpowered (its mechanical delay).
    const dropped = await waitUntil("contactor open", async () => {
      const c = (await getState(url)).connectors[0];
      return !c.relayClosed ? c : undefined;
    });
    assert.equal(dropped.drawnA, 0);
    await waitUntil("the CSMS sees the charger gone", () => !csms.isConnected("SIM-0001"));
    assert.equal(csms.transactions().find((t) => t.transactionId === transactionId)?.stop, undefined, "not stopped before restore");
    const energyAtCut = off.connectors[0].energyWh;

    await post(url, "/power", { action: "restore" });
    await waitUntil("a new BootNotification", () => csms.charger("SIM-0001")!.bootCount > bootsBefore);
    const tx = await waitUntil("the interrupted transaction stopped at the CSMS", () =>
      csms.transactions().find((t) => t.transactionId === transactionId && t.stop),
    );
    assert.equal(tx.stop!.reason, "PowerLoss");
    assert.ok(tx.stop!.meterStopWh >= tx.meterStartWh, "meterStop not below meterStart");
    assert.ok(
      tx.stop!.meterStopWh <= energyAtCut + 1,
      `meterStop ${tx.stop!.meterStopWh} is what the meter had at the cut (${energyAtCut})`,
    );
    assert.equal(csms.transactions().filter((t) => t.transactionId === transactionId).length, 1, "one transaction, not a duplicate");
    const state = await getState(url);
    assert.equal(state.power, "on");
    assert.equal(state.connectors[0].transactionId, null);
  });

  it("a network drop refuses reconnects until restore; a session stopped offline is delivered after", async () => {
    const transactionId = await startCharging();
    const csms = stack.csms!;
    await post(url, "/network", { action: "drop" });
    await waitUntil("the CSMS sees the charger gone", () => !csms.isConnected("SIM-0001"));
    const down = await getState(url);
    assert.equal(down.network, "down");
    assert.equal(down.connection, "offline");
    // Charging goes on offline; the card stops it locally.
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    await waitUntil("transaction ended locally", async () => (await getState(url)).connectors[0].transactionId === null);
    assert.equal(csms.transactions().find((t) => t.transactionId === transactionId)?.stop, undefined, "nothing delivered while down");
    assert.equal(csms.isConnected("SIM-0001"), false, "no reconnect while down");
    await post(url, "/network", { action: "restore" });
    const tx = await waitUntil(
      "StopTransaction after restore",
      () => csms.transactions().find((t) => t.transactionId === transactionId && t.stop),
      20_000,
    );
    assert.equal(tx.stop!.reason, "Local");
  });

  it("an injected RCD fault opens the relay and reports Faulted", async () => {
    await startCharging();
    await post(url, "/fault", { connector: 1, kind: "rcd-dc", active: true });
    const faulted = await waitUntil("Faulted", async () => {
      const c = (await getState(url)).connectors[0];
      return c.ocppStatus === "Faulted" ? c : undefined;
    });
    // The loop commands the contactor open in the very tick it latches the trip (before the status
    // changes); `relayClosed` is the contactor's feedback, which follows after its mechanical delay
    // (contactorMoveMs) at the loop's next poll: it may still read closed right when Faulted shows.
    assert.equal(stack.chargers[0].sims[0].commandedClosed, false, "contactor commanded open once Faulted is reported");
    assert.deepEqual(faulted.faults, ["rcd-dc"]);
    const opened = await waitUntil("contactor feedback open", async () => {
      const c = (await getState(url)).connectors[0];
      return !c.relayClosed ? c : undefined;
    });
    assert.equal(opened.ocppStatus, "Faulted");
    assert.equal(opened.drawnA, 0);
    await waitUntil(
      "StatusNotification Faulted at the CSMS",
      () => stack.csms!.charger("SIM-0001")!.connectors.find((c) => c.connectorId === 1)?.status === "Faulted",
    );
    await post(url, "/fault", { connector: 1, kind: "rcd-dc", active: false });
    const state = await getState(url);
    assert.deepEqual(state.connectors[0].faults, []);
  });

  it("Reset from the CSMS reboots the simulated board: the session ends with HardReset and the charger boots again", async () => {
    const transactionId = await startCharging();
    const csms = stack.csms!;
    const bootsBefore = csms.charger("SIM-0001")!.bootCount;
    const answer = await post(url, "/csms/reset", { type: "Hard" });
    assert.deepEqual(answer, { status: "Accepted" });
    await waitUntil("a new BootNotification", () => csms.charger("SIM-0001")!.bootCount > bootsBefore);
    const tx = await waitUntil("StopTransaction", () => csms.transactions().find((t) => t.transactionId === transactionId && t.stop));
    assert.equal(tx.stop!.reason, "HardReset");
    assert.equal(stack.chargers[0].boots, 2);
  });
});
