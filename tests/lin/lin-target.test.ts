// The firmware as mcconfig builds it for lin (XS 17, the ECMA-419 WebSocket client, our lin
// platform with file-backed NVS and flash), run headless through `npm start -- --target lin`'s
// stack and driven only over the bench API; the checks look at what the dev CSMS recorded. Each
// test's OCPP exchange goes to build/test-logs/lin-target.log. Without an SDK the suite says so
// and skips; with CI=true it never skips.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CsmsResponse } from "../../tools/csms/ocpp-types.ts";
import type { LinBuild } from "../../tools/lin/build.ts";
import type { LinStack } from "../../tools/lin/lin-stack.ts";
import { parseScenario } from "../../tools/scenario/scenario.ts";
import { runScenario } from "../../tools/scenario/runner.ts";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";
import type { MemoryLogSink } from "platform/host/log-console";
import { getState, post, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";
import { linBuildOrSkip, logExchange, startQuietLinStack, xsAborts } from "../support/lin-stack.ts";

const ID = "LIN-0001";
const WAIT = 60_000;

describe("lin firmware (mcconfig build on XS 17) through --target lin", function () {
  this.timeout(240_000);
  let build: LinBuild;
  let stack: (LinStack & { logs: MemoryLogSink }) | undefined;
  let url: string;

  before(function () {
    this.timeout(1_800_000); // the first build of a fresh clone
    build = linBuildOrSkip(this);
  });

  const cleanup: (() => void)[] = [];

  afterEach(async function () {
    logExchange("lin-target.log", this.currentTest?.fullTitle() ?? "?", stack);
    const aborts = xsAborts(stack);
    await stack?.close();
    stack = undefined;
    assert.deepEqual(aborts, [], "the firmware aborted (XS)");
    for (const step of cleanup.splice(0)) step();
  });

  async function online(options: Parameters<typeof startQuietLinStack>[1] = {}): Promise<void> {
    stack = await startQuietLinStack(build, options);
    url = stack.bench!.url;
    await waitUntil("the charger online", async () => (await getState(url)).connection === "online", WAIT, 100);
  }

  async function sampleEverySecond(): Promise<void> {
    assert.deepEqual(await post(url, "/csms/changeConfiguration", { key: "MeterValueSampleInterval", value: "1" }), { status: "Accepted" });
  }

  async function startCharging(): Promise<number> {
    await post(url, "/ev", { connector: 1, state: "B" });
    await waitUntil("Preparing", async () => (await getState(url)).connectors[0].ocppStatus === "Preparing", WAIT, 100);
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    await post(url, "/ev", { connector: 1, state: "C" });
    const state = await waitUntil(
      "Charging with a transaction",
      async () => {
        const s = await getState(url);
        const c = s.connectors[0];
        return c.ocppStatus === "Charging" && c.transactionId !== null && c.relayClosed ? s : undefined;
      },
      WAIT,
      100,
    );
    return state.connectors[0].transactionId!;
  }

  it("boots and registers: BootNotification accepted, StatusNotification Available, state over the bench link", async () => {
    await online();
    const csms = stack!.csms!;
    const charger = csms.charger(ID)!;
    assert.equal(charger.bootCount, 1);
    assert.equal(charger.boot?.chargePointModel !== undefined, true);
    await waitUntil(
      "Available at the CSMS",
      () => csms.charger(ID)!.connectors.find((c) => c.connectorId === 1)?.status === "Available",
      WAIT,
    );
    const state = await getState(url);
    assert.equal(state.power, "on");
    assert.equal(state.network, "up");
    assert.match(state.firmwareVersion, /\S/);
    assert.equal(state.connectors[0].pilot, "A");
    assert.equal(state.connectors[0].relayClosed, false);
    const frames = (await (await fetch(`${url}/log`)).text()).split("\n");
    assert.ok(
      frames.some((l) => / -> \[2,"[^"]+","BootNotification"/.test(l)),
      "the bench saw the BootNotification frame",
    );
  });

  it("a card session with MeterValues: StartTransaction, MeterValues, StopTransaction with the energy", async () => {
    await online();
    await sampleEverySecond();
    const transactionId = await startCharging();
    const csms = stack!.csms!;
    await waitUntil("MeterValues of the transaction", () => (csms.transactions()[0]?.meterValues.length ?? 0) >= 2, WAIT);
    await waitUntil("energy above 5 Wh", async () => (await getState(url)).connectors[0].energyWh > 5, WAIT, 100);
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    const tx = await waitUntil("StopTransaction", () => csms.transactions().find((t) => t.transactionId === transactionId && t.stop), WAIT);
    assert.equal(tx.stop!.reason, "Local");
    assert.ok(tx.stop!.meterStopWh > tx.meterStartWh + 5, `meterStop ${tx.stop!.meterStopWh} after meterStart ${tx.meterStartWh}`);
    await post(url, "/ev", { connector: 1, state: "B" });
    await waitUntil("relay open", async () => !(await getState(url)).connectors[0].relayClosed, WAIT, 100);
  });

  it("remote start and remote stop from the CSMS", async () => {
    await online();
    await post(url, "/ev", { connector: 1, state: "B" });
    await waitUntil("Preparing", async () => (await getState(url)).connectors[0].ocppStatus === "Preparing", WAIT, 100);
    assert.deepEqual(await post(url, "/csms/remoteStart", { idTag: "DEV-ACCEPTED", connector: 1 }), { status: "Accepted" });
    await post(url, "/ev", { connector: 1, state: "C" });
    const charging = await waitUntil(
      "Charging",
      async () => {
        const c = (await getState(url)).connectors[0];
        return c.ocppStatus === "Charging" && c.transactionId !== null ? c : undefined;
      },
      WAIT,
      100,
    );
    assert.deepEqual(await post(url, "/csms/remoteStop", { transactionId: charging.transactionId }), { status: "Accepted" });
    const csms = stack!.csms!;
    const tx = await waitUntil(
      "StopTransaction Remote",
      () => csms.transactions().find((t) => t.transactionId === charging.transactionId && t.stop),
      WAIT,
    );
    assert.equal(tx.stop!.reason, "Remote");
  });

  it("a smart-charging limit reaches the pilot PWM (offered current follows the profile)", async () => {
    await online();
    const transactionId = await startCharging();
    await waitUntil("offering 32 A", async () => (await getState(url)).connectors[0].offeredA >= 31, WAIT, 100);
    const answer = await post(url, "/csms/setChargingProfile", { connector: 1, limit: 10, unit: "A", purpose: "TxProfile", transactionId });
    assert.deepEqual(answer, { status: "Accepted" });
    const limited = await waitUntil(
      "offering 10 A",
      async () => {
        const c = (await getState(url)).connectors[0];
        return Math.abs(c.offeredA - 10) < 0.6 ? c : undefined;
      },
      WAIT,
      100,
    );
    assert.ok(limited.drawnA <= 10.5, `the EV draws ${limited.drawnA} A under a 10 A limit`);
  });

  it("the page's data over the bench link: phases, power, limit, session energy and the composite schedule a CSMS gets", async () => {
    await online();
    const schedule = async (connector: number): Promise<CsmsResponse<"GetCompositeSchedule">> => {
      const res = await fetch(`${url}/composite-schedule?connector=${connector}&duration=900&unit=A`);
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as CsmsResponse<"GetCompositeSchedule">;
    };
    const flat = await schedule(1);
    assert.deepEqual(
      flat.chargingSchedule?.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]),
      [[0, 32]],
      "no profile: the connector's 32 A",
    );
    const transactionId = await startCharging();
    const answer = await post(url, "/csms/setChargingProfile", {
      connector: 1,
      chargingProfile: {
        chargingProfileId: 5,
        stackLevel: 0,
        chargingProfilePurpose: "TxProfile",
        transactionId,
        chargingProfileKind: "Relative",
        chargingSchedule: {
          chargingRateUnit: "A",
          chargingSchedulePeriod: [
            { startPeriod: 0, limit: 10 },
            { startPeriod: 300, limit: 6 },
          ],
        },
      },
    });
    assert.deepEqual(answer, { status: "Accepted" });
    // The two answers may start a second apart, and the composite starts at the whole second
    // before the request: asked within the transaction's first second it opens with a period of
    // at most a second at the limit before the transaction. So compare them as limits in force at
    // instants: the profile's 10 A two seconds in, and the drop to 6 A at the same instant.
    const limitAt = (conf: CsmsResponse<"GetCompositeSchedule">, atMs: number): number | undefined => {
      let limit: number | undefined;
      for (const p of conf.chargingSchedule?.chargingSchedulePeriod ?? [])
        if (Date.parse(conf.scheduleStart!) + p.startPeriod * 1000 <= atMs) limit = p.limit;
      return limit;
    };
    const dropAt = (conf: CsmsResponse<"GetCompositeSchedule">): number => {
      const drop = conf.chargingSchedule?.chargingSchedulePeriod.find((p) => p.limit === 6);
      assert.ok(drop, `a drop to 6 A in ${JSON.stringify(conf)}`);
      return Date.parse(conf.scheduleStart!) + drop.startPeriod * 1000;
    };
    const bench = await schedule(1);
    const csms = await stack!.csms!.send(ID, "GetCompositeSchedule", { connectorId: 1, duration: 900, chargingRateUnit: "A" });
    assert.equal(bench.status, "Accepted");
    assert.equal(dropAt(bench), dropAt(csms), "the drop to 6 A at the same instant");
    const twoSecondsIn = Date.parse(bench.scheduleStart!) + 2000;
    assert.equal(limitAt(bench, twoSecondsIn), 10);
    assert.equal(limitAt(csms, twoSecondsIn), 10);
    assert.equal(limitAt(bench, dropAt(bench) + 1000), 6);
    const c = await waitUntil(
      "10 A on every phase",
      async () => {
        const s = (await getState(url)).connectors[0];
        return s.drawnPhasesA?.every((a) => Math.abs(a - 10) < 0.6) && s.sessionEnergyWh! > 0 ? s : undefined;
      },
      WAIT,
      100,
    );
    assert.equal(c.smartLimitA, 10);
    assert.ok(Math.abs(c.powerW! - 3 * 230 * 10) < 3 * 230 * 0.6, `${c.powerW} W`);
    assert.ok(c.sessionEnergyWh! <= c.energyWh);
  });

  it("a power cut mid-session: the process is killed, restarted on the same state, the transaction delivered (meterStop >= meterStart)", async () => {
    await online();
    const transactionId = await startCharging();
    const csms = stack!.csms!;
    await waitUntil("energy above 3 Wh", async () => (await getState(url)).connectors[0].energyWh > 3, WAIT, 100);
    const boots = csms.charger(ID)!.bootCount;
    await post(url, "/power", { action: "cut" });
    const off = await getState(url);
    assert.equal(off.power, "off");
    assert.equal(off.connection, "offline");
    assert.equal(off.connectors[0].relayClosed, false);
    await waitUntil("the CSMS sees the charger gone", () => !csms.isConnected(ID), WAIT);
    assert.equal(csms.transactions().find((t) => t.transactionId === transactionId)?.stop, undefined, "not stopped before restore");
    await post(url, "/power", { action: "restore" });
    await waitUntil("a new BootNotification", () => csms.charger(ID)!.bootCount > boots, WAIT);
    const tx = await waitUntil(
      "the interrupted transaction stopped",
      () => csms.transactions().find((t) => t.transactionId === transactionId && t.stop),
      WAIT,
    );
    assert.equal(tx.stop!.reason, "PowerLoss");
    assert.ok(tx.stop!.meterStopWh >= tx.meterStartWh, `meterStop ${tx.stop!.meterStopWh} >= meterStart ${tx.meterStartWh}`);
    assert.equal(csms.transactions().filter((t) => t.transactionId === transactionId).length, 1, "one transaction, no duplicate");
    assert.equal(stack!.chargers[0].boots, 2);
  });

  it("a network drop: charging goes on offline, the queued messages are delivered in order after restore", async () => {
    await online();
    await sampleEverySecond();
    const transactionId = await startCharging();
    const csms = stack!.csms!;
    await post(url, "/network", { action: "drop" });
    await waitUntil("the CSMS sees the charger gone", () => !csms.isConnected(ID), WAIT);
    const down = await getState(url);
    assert.equal(down.network, "down");
    const before = csms.transactions().find((t) => t.transactionId === transactionId)!.meterValues.length;
    await waitUntil("energy rises offline", async () => (await getState(url)).connectors[0].energyWh > 5, WAIT, 100);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // a few samples queue up offline
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    await waitUntil("transaction ended locally", async () => (await getState(url)).connectors[0].transactionId === null, WAIT, 100);
    assert.equal(csms.transactions().find((t) => t.transactionId === transactionId)?.stop, undefined, "nothing delivered while down");
    await post(url, "/network", { action: "restore" });
    const tx = await waitUntil(
      "StopTransaction after restore",
      () => csms.transactions().find((t) => t.transactionId === transactionId && t.stop),
      WAIT,
    );
    assert.equal(tx.stop!.reason, "Local");
    assert.ok(tx.meterValues.length > before, "the MeterValues sampled offline were delivered");
    // In order: the transaction's messages after the reconnect are MeterValues (timestamps rising) then StopTransaction.
    const calls = csms
      .frames(ID)
      .filter((f) => f.direction === "cp-to-csms")
      .map((f) => JSON.parse(f.text) as [number, string, string, Record<string, unknown>])
      .filter((f) => f[0] === 2 && (f[2] === "MeterValues" || f[2] === "StopTransaction") && f[3].transactionId === transactionId);
    const stopAt = calls.findIndex((f) => f[2] === "StopTransaction");
    assert.equal(stopAt, calls.length - 1, "StopTransaction comes after every MeterValues of the transaction");
    const stamps = calls
      .filter((f) => f[2] === "MeterValues")
      .map((f) => Date.parse((f[3].meterValue as { timestamp: string }[])[0].timestamp));
    for (let i = 1; i < stamps.length; i++) assert.ok(stamps[i] >= stamps[i - 1], `MeterValues ${i} not before ${i - 1}`);
  });

  it("a configuration change is kept across a restart of the process", async () => {
    await online();
    assert.deepEqual(await post(url, "/csms/changeConfiguration", { key: "MeterValueSampleInterval", value: "17" }), {
      status: "Accepted",
    });
    const csms = stack!.csms!;
    const boots = csms.charger(ID)!.bootCount;
    await post(url, "/power", { action: "cut" });
    await post(url, "/power", { action: "restore" });
    await waitUntil("booted again", () => csms.charger(ID)!.bootCount > boots && csms.isConnected(ID), WAIT);
    const answer = (await csms.send(ID, "GetConfiguration", { key: ["MeterValueSampleInterval"] })) as {
      configurationKey?: { key: string; value?: string }[];
    };
    assert.equal(answer.configurationKey?.find((k) => k.key === "MeterValueSampleInterval")?.value, "17");
  });

  it("shares the Node simulator's state dir format: a key changed on the simulator is there on the lin firmware", async () => {
    const dir = mkdtempSync(join(tmpdir(), "oxs-lin-shared-"));
    try {
      const sim = await startQuietStack({ stateDir: dir, deviceId: ID, benchPort: null });
      await waitUntil("the simulator online", () => sim.csms!.isConnected(ID), WAIT);
      assert.deepEqual(await sim.csms!.send(ID, "ChangeConfiguration", { key: "MeterValueSampleInterval", value: "23" }), {
        status: "Accepted",
      });
      await sim.close();
      await online({ stateDir: dir });
      const answer = (await stack!.csms!.send(ID, "GetConfiguration", { key: ["MeterValueSampleInterval"] })) as {
        configurationKey?: { key: string; value?: string }[];
      };
      assert.equal(answer.configurationKey?.find((k) => k.key === "MeterValueSampleInterval")?.value, "23");
    } finally {
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    }
  });

  it("Reset from the CSMS: the firmware ends its process (exit 3) and is started again; it boots and registers", async () => {
    await online();
    const csms = stack!.csms!;
    assert.deepEqual(await post(url, "/csms/reset", { type: "Soft" }), { status: "Accepted" });
    await waitUntil("a second BootNotification", () => csms.charger(ID)!.bootCount === 2 && csms.isConnected(ID), WAIT);
    assert.deepEqual(stack!.chargers[0].exits, [3]);
    assert.equal(stack!.chargers[0].boots, 2);
  });

  it("answers 501 for what it cannot do (a network drop when --config's csmsUrl bypasses the proxy), 409 for what the EV cannot", async () => {
    const direct = await startQuietLinStack(build, { config: {} });
    const csmsUrl = `${direct.csmsUrlTemplate.replace("{deviceId}", ID)}`;
    await direct.close();
    await online({ config: { csmsUrl } }).catch(() => undefined); // no CSMS behind that URL now: online is not needed
    url = stack!.bench!.url;
    const res = await fetch(`${url}/network`, { method: "POST", body: JSON.stringify({ action: "drop" }) });
    assert.equal(res.status, 501);
    assert.match(((await res.json()) as { error: string }).error, /csmsUrl/);
    const ev = await fetch(`${url}/ev`, { method: "POST", body: JSON.stringify({ connector: 1, state: "F" }) });
    assert.equal(ev.status, 409);
    assert.match(((await ev.json()) as { error: string }).error, /cannot present state F/);
  });

  describe("every scenario in scenarios/", () => {
    const files = readdirSync(join(PROJECT_ROOT, "scenarios")).filter((f) => f.endsWith(".json"));
    it("finds the scenario files", () => assert.ok(files.length >= 3));
    for (const file of files) {
      it(`scenarios/${file} passes on the lin firmware`, async () => {
        await online();
        const lines: string[] = [];
        const scenario = parseScenario(JSON.parse(readFileSync(join(PROJECT_ROOT, "scenarios", file), "utf8")));
        const result = await runScenario(scenario, url, { write: (l) => lines.push(l) });
        assert.equal(result.passed, true, lines.join("\n"));
      });
    }
  });
});
