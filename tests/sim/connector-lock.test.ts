// The simulated charger's connector: a Type 2 socket with a lock by default (UnlockConnector drives it,
// the bench fault lock-jam jams it), a tethered cable without a lock on request (issue 10, defect 12).
import assert from "node:assert/strict";
import type { SimStack } from "../../tools/sim/stack.ts";
import { getState, post, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

describe("simulator: connector lock (default) and tethered cable (option)", function () {
  this.timeout(60_000);
  let stack: SimStack | undefined;

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  async function online(options: { tethered?: boolean } = {}): Promise<{ stack: SimStack; url: string }> {
    stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 600 }, ...options });
    const url = stack.bench!.url;
    await waitUntil("the charger online", async () => (await getState(url)).connection === "online");
    return { stack, url };
  }

  async function charging(url: string): Promise<number> {
    await post(url, "/ev", { connector: 1, state: "C" });
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    return waitUntil("a transaction", async () => (await getState(url)).connectors[0].transactionId ?? undefined);
  }

  it("by default the connector has a lock: UnlockConnector stops the session and answers Unlocked", async () => {
    const { stack, url } = await online();
    assert.ok(stack.chargers[0].sims[0].hal.lock !== null, "a lock is fitted");
    await charging(url);
    const answer = await stack.csms!.send("SIM-0001", "UnlockConnector", { connectorId: 1 });
    assert.deepEqual(answer, { status: "Unlocked" });
    await waitUntil("the transaction stopped", async () => (await getState(url)).connectors[0].transactionId === null);
  });

  it("POST /fault lock-jam: the jammed lock fails to unlock (UnlockFailed) and shows in the state; cleared, it unlocks", async () => {
    const { stack, url } = await online();
    await charging(url);
    await post(url, "/fault", { connector: 1, kind: "lock-jam", active: true });
    assert.deepEqual((await getState(url)).connectors[0].faults, ["lock-jam"]);
    assert.equal(stack.chargers[0].sims[0].faults.lockJammed, true);
    // Through the bench API, as a user at the bench does it (OCTT TC_030).
    assert.deepEqual(await post(url, "/csms/unlockConnector", { connector: 1 }), { status: "UnlockFailed" });
    await post(url, "/fault", { connector: 1, kind: "lock-jam", active: false });
    assert.deepEqual((await getState(url)).connectors[0].faults, []);
    assert.deepEqual(await stack.csms!.send("SIM-0001", "UnlockConnector", { connectorId: 1 }), { status: "Unlocked" });
  });

  it("POST /fault lock-jam before a session: the lock fails, no transaction, Faulted (OCTT TC_024)", async () => {
    const { stack, url } = await online();
    await post(url, "/fault", { connector: 1, kind: "lock-jam", active: true });
    await post(url, "/ev", { connector: 1, state: "C" });
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    await waitUntil("Faulted", async () => (await getState(url)).connectors[0].ocppStatus === "Faulted");
    const sent = stack.csms!.frames("SIM-0001").filter((f) => f.direction === "cp-to-csms" && f.text.includes('"StatusNotification"'));
    assert.ok(
      sent.some((f) => f.text.includes('"ConnectorLockFailure"')),
      "StatusNotification with ConnectorLockFailure",
    );
    assert.equal((await getState(url)).connectors[0].transactionId, null);
  });

  it("tethered (npm start --tethered): no lock, UnlockConnector NotSupported, lock-jam refused with 409", async () => {
    const { stack, url } = await online({ tethered: true });
    assert.equal(stack.chargers[0].sims[0].hal.lock, null);
    assert.deepEqual(await stack.csms!.send("SIM-0001", "UnlockConnector", { connectorId: 1 }), { status: "NotSupported" });
    const res = await fetch(`${url}/fault`, { method: "POST", body: JSON.stringify({ connector: 1, kind: "lock-jam", active: true }) });
    assert.equal(res.status, 409);
    assert.match(((await res.json()) as { error: string }).error, /tethered cable: no lock/);
    assert.deepEqual((await getState(url)).connectors[0].faults, []);
  });
});
