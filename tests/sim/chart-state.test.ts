// What the bench page's charts read, on the real simulated charger through the bench API: the
// per-phase currents and power the charger's meter measures, the smart-charging limit in force,
// the session's energy against the CSMS's meterStart, and GET /composite-schedule giving the
// answer the charger gives a CSMS's GetCompositeSchedule.
import assert from "node:assert/strict";
import type { CsmsResponse } from "../../tools/csms/ocpp-types.ts";
import type { SimStack } from "../../tools/sim/stack.ts";
import { getState, post, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

const ID = "SIM-0001";

describe("bench state and composite schedule for the page's charts", function () {
  this.timeout(60_000);
  let stack: SimStack;
  let url: string;

  beforeEach(async () => {
    stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 60 } });
    url = stack.bench!.url;
    await waitUntil("online", async () => (await getState(url)).connection === "online", 20_000, 100);
  });

  afterEach(async () => {
    await stack.close();
  });

  async function charging(): Promise<number> {
    await post(url, "/ev", { connector: 1, state: "B" });
    await waitUntil("Preparing", async () => (await getState(url)).connectors[0].ocppStatus === "Preparing", 20_000, 100);
    await post(url, "/card", { idTag: "DEV-ACCEPTED", connector: 1 });
    await post(url, "/ev", { connector: 1, state: "C" });
    const c = await waitUntil(
      "Charging",
      async () => {
        const s = (await getState(url)).connectors[0];
        return s.ocppStatus === "Charging" && s.transactionId !== null ? s : undefined;
      },
      20_000,
      100,
    );
    return c.transactionId!;
  }

  it("reports the meter's phases and power, the profile's limit and the session's energy", async () => {
    const idle = (await getState(url)).connectors[0];
    assert.deepEqual([idle.drawnPhasesA, idle.powerW, idle.smartLimitA, idle.sessionEnergyWh], [[0, 0, 0], 0, null, null]);

    const transactionId = await charging();
    const answer = await post(url, "/csms/setChargingProfile", { connector: 1, limit: 10, purpose: "TxProfile", transactionId });
    assert.deepEqual(answer, { status: "Accepted" });
    const limited = await waitUntil(
      "drawing 10 A on every phase",
      async () => {
        const c = (await getState(url)).connectors[0];
        return c.drawnPhasesA !== null && c.drawnPhasesA.every((a) => Math.abs(a - 10) < 0.6) && c.sessionEnergyWh! > 0 ? c : undefined;
      },
      20_000,
      100,
    );
    assert.equal(limited.smartLimitA, 10);
    assert.equal(limited.drawnPhasesA!.length, 3);
    // Power is the meter's: 230 V on each of the three phases.
    const expectedW = limited.drawnPhasesA!.reduce((sum, a) => sum + 230 * a, 0);
    assert.ok(Math.abs(limited.powerW! - expectedW) < 3 * 230 * 0.1, `${limited.powerW} W for ${limited.drawnPhasesA!.join("/")} A`);
    // The session's energy counts from the meterStart the CSMS got.
    const tx = stack.csms!.transactions().find((t) => t.transactionId === transactionId)!;
    const now = (await getState(url)).connectors[0];
    assert.ok(Math.abs(now.sessionEnergyWh! - (now.energyWh - tx.meterStartWh)) <= 1, `${now.sessionEnergyWh} Wh of ${now.energyWh} Wh`);

    await post(url, "/fault", { connector: 1, kind: "meter-offline", active: true });
    const offline = await waitUntil("no meter reading", async () => {
      const c = (await getState(url)).connectors[0];
      return c.drawnPhasesA === null ? c : undefined;
    });
    assert.equal(offline.powerW, null, "no power without the meter");
    await post(url, "/fault", { connector: 1, kind: "meter-offline", active: false });

    await post(url, "/csms/remoteStop", { transactionId });
    const ended = await waitUntil("the transaction ended", async () => {
      const c = (await getState(url)).connectors[0];
      return c.transactionId === null && c.ocppStatus !== "Charging" ? c : undefined;
    });
    assert.equal(ended.sessionEnergyWh, null);
  });

  it("GET /composite-schedule answers as the charger answers a CSMS's GetCompositeSchedule", async () => {
    const flat = (await (await fetch(`${url}/composite-schedule?connector=1&duration=900`)).json()) as CsmsResponse<"GetCompositeSchedule">;
    assert.deepEqual(flat.chargingSchedule?.chargingSchedulePeriod, [{ startPeriod: 0, limit: 32 }], "no profile: the connector's 32 A");
    await post(url, "/csms/setChargingProfile", {
      connector: 0,
      // TxDefault on 0, Relative: without a transaction it counts from the request's own start, so
      // two requests a moment apart get the same periods (a Relative ChargePointMaxProfile counts
      // from its installation to the millisecond and may show a one-second step before it).
      chargingProfile: {
        chargingProfileId: 9,
        stackLevel: 0,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Relative",
        chargingSchedule: {
          chargingRateUnit: "W",
          chargingSchedulePeriod: [
            { startPeriod: 0, limit: 11040, numberPhases: 3 },
            { startPeriod: 300, limit: 4140, numberPhases: 3 },
          ],
        },
      },
    });
    for (const unit of ["A", "W"] as const) {
      for (const connectorId of [0, 1]) {
        const bench = (await (
          await fetch(`${url}/composite-schedule?connector=${connectorId}&duration=900&unit=${unit}`)
        ).json()) as CsmsResponse<"GetCompositeSchedule">;
        const csms = await stack.csms!.send(ID, "GetCompositeSchedule", { connectorId, duration: 900, chargingRateUnit: unit });
        assert.equal(bench.status, "Accepted");
        // Asked a moment apart: the start may fall in the next second, nothing else may differ.
        assert.ok(Math.abs(Date.parse(bench.scheduleStart!) - Date.parse(csms.scheduleStart!)) <= 1000);
        assert.deepEqual({ ...bench, scheduleStart: "" }, { ...csms, scheduleStart: "" }, `connector ${connectorId} in ${unit}`);
      }
    }
    const amps = (await (await fetch(`${url}/composite-schedule?connector=1&duration=900`)).json()) as CsmsResponse<"GetCompositeSchedule">;
    assert.deepEqual(
      amps.chargingSchedule?.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]),
      [
        [0, 16],
        [300, 6],
      ],
      "11,040 W and 4,140 W over three phases at 230 V",
    );
  });
});
