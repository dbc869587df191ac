/**
 * The whole firmware (control loop, OCPP charge point, every profile) on the
 * host with a simulated board against a strict ocpp-rpc CSMS on 127.0.0.1.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { TestCsms } from "../support/csms-harness.ts";
import { useFirmwareRig, newStorage, runUntil, type Bench } from "../support/firmware-rig.ts";
import { provisionSetting } from "boot/settings";

function energyOf(call: { params: Record<string, unknown> }): number[] {
  const values: number[] = [];
  for (const mv of (call.params.meterValue as Array<{ sampledValue: Array<{ value: string; measurand?: string }> }>) ?? []) {
    for (const sv of mv.sampledValue) {
      if (sv.measurand === undefined || sv.measurand === "Energy.Active.Import.Register") values.push(Number(sv.value));
    }
  }
  return values;
}

describe("firmware: the whole charger on the host", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;

  beforeEach(async () => {
    csms = rig.csms;
  });

  function start(
    storage = newStorage(),
    sim = createSimulatedBoard({ connectors: 1 }),
    extra: Record<string, unknown> = {},
    startMs = 0,
  ): Bench {
    return rig.boot(storage, sim, extra, startMs);
  }

  it("boots, reports Available and registers with the CSMS under its device id", async () => {
    const bench = start();
    await runUntil(
      bench,
      "accepted and statuses",
      () => bench.firmware.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2,
    );
    assert.equal(csms.handshakes[0].identity, "OXS0001");
    const bootReq = csms.calls("BootNotification")[0].params;
    assert.equal(bootReq.chargePointSerialNumber, "OXS0001");
    const statuses = csms.calls("StatusNotification").map((c) => `${c.params.connectorId}:${c.params.status}`);
    assert.ok(statuses.includes("0:Available"), statuses.join());
    assert.ok(statuses.includes("1:Available"), statuses.join());
    assert.deepEqual(bench.firmware.settingErrors, []);
    assert.equal(bootReq.chargePointVendor, "Wattlight", "our own name by default");
    assert.equal(bootReq.chargePointModel, "Wattlight-AC");
  });

  it("a charger maker's provisioned vendor and model go into BootNotification; a bad one is reported and the default used", async () => {
    const storage = newStorage();
    storage.kv.set("settings", "cpVendor", "ACME Wallbox");
    storage.kv.set("settings", "cpModel", "X".repeat(21));
    const bench = start(storage);
    await runUntil(bench, "accepted", () => bench.firmware.chargePoint.engine.accepted);
    const bootReq = csms.calls("BootNotification")[0].params;
    assert.equal(bootReq.chargePointVendor, "ACME Wallbox");
    assert.equal(bootReq.chargePointModel, "Wattlight-AC");
    assert.equal(bench.firmware.settingErrors.length, 1);
    assert.match(bench.firmware.settingErrors[0], /chargePointModel.*CiString20/);
  });

  it("plug, card, charge, smart-charging limit, unplug: Authorize, StartTransaction, MeterValues, StopTransaction(EVDisconnected)", async () => {
    const sim = createSimulatedBoard({ connectors: 1 });
    const bench = start(newStorage(), sim);
    const fw = bench.firmware;
    await runUntil(bench, "accepted", () => fw.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2);
    assert.equal(fw.chargePoint.config.change("MeterValueSampleInterval", "5"), "Accepted");

    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(bench, "plugged", () => fw.loop.connector(1).snapshot.plugged);
    fw.presentCard("CARD-1");
    await runUntil(
      bench,
      "charging",
      () => fw.loop.connector(1).snapshot.relayClosed && fw.loop.connector(1).snapshot.status === "Charging",
    );
    assert.equal(csms.calls("Authorize")[0].params.idTag, "CARD-1");
    await runUntil(bench, "StartTransaction", () => csms.calls("StartTransaction").length === 1);
    assert.equal(csms.calls("StartTransaction")[0].params.idTag, "CARD-1");
    assert.equal(csms.calls("StartTransaction")[0].params.connectorId, 1);
    await runUntil(bench, "Charging reported", () => csms.calls("StatusNotification").some((c) => c.params.status === "Charging"));
    await runUntil(
      bench,
      "energy rising in MeterValues",
      () => {
        const energies = csms.calls("MeterValues").flatMap(energyOf);
        return energies.length >= 2 && energies[energies.length - 1] > energies[0];
      },
      60_000,
    );
    assert.equal(sim.sims[0].powered, true, "the simulated contactor is closed");
    assert.ok(sim.sims[0].energyWh > 0);

    // A TxDefaultProfile of 10 A reaches the connector's offered current.
    const before = fw.loop.connector(1).snapshot.offeredA;
    assert.ok(before > 10, `offered ${before} A before the profile`);
    const answer = await csms.call("SetChargingProfile", {
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 7,
        stackLevel: 0,
        chargingProfilePurpose: "TxDefaultProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: {
          chargingRateUnit: "A",
          startSchedule: "2020-01-01T00:00:00Z",
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }],
        },
      },
    });
    assert.equal(answer.status, "Accepted");
    await runUntil(bench, "offered 10 A", () => fw.loop.connector(1).snapshot.offeredA === 10);

    sim.sims[0].ev.unplug();
    await runUntil(bench, "StopTransaction", () => csms.calls("StopTransaction").length === 1);
    const stop = csms.calls("StopTransaction")[0].params;
    assert.equal(stop.reason, "EVDisconnected");
    assert.ok(Number(stop.meterStop) > Number(csms.calls("StartTransaction")[0].params.meterStart), "energy was delivered");
    await runUntil(bench, "relay open", () => !fw.loop.connector(1).snapshot.relayClosed);
  });

  it("power cut mid-session: after the next boot StopTransaction(PowerLoss) and the held MeterValues arrive, none answered twice", async () => {
    const storage = newStorage();
    const sim = createSimulatedBoard({ connectors: 1 });
    let holdMeterValues = true;
    const answered: string[] = [];
    csms.handlers.set("MeterValues", (params) => {
      if (holdMeterValues) return new Promise(() => undefined); // the CSMS never answers before the cut
      answered.push(JSON.stringify(params));
      return {};
    });
    csms.handlers.set("StopTransaction", (params) => {
      answered.push(JSON.stringify(params));
      return { idTagInfo: { status: "Accepted" } };
    });
    const first = start(storage, sim);
    await runUntil(first, "accepted", () => first.firmware.chargePoint.engine.accepted);
    assert.equal(first.firmware.chargePoint.config.change("MeterValueSampleInterval", "5"), "Accepted");
    sim.sims[0].ev.plug();
    sim.sims[0].ev.ready = true;
    await runUntil(first, "plugged", () => first.firmware.loop.connector(1).snapshot.plugged);
    first.firmware.presentCard("CARD-2");
    await runUntil(first, "StartTransaction", () => csms.calls("StartTransaction").length === 1);
    await runUntil(first, "a MeterValues sent and held", () => csms.calls("MeterValues").length >= 1, 60_000);
    const journalBefore = first.firmware.chargePoint.transactions.journalSize;
    assert.ok(journalBefore >= 1, "the held MeterValues is still in the journal");

    // Power cut: every timer and the socket stop; flash and NVS stay.
    rig.cut(first);
    holdMeterValues = false;
    const second = start(storage, sim, {}, first.time.nowMs());
    await runUntil(
      second,
      "StopTransaction after reboot",
      () => csms.calls("StopTransaction").length >= 1 && second.firmware.chargePoint.transactions.journalSize === 0,
      60_000,
    );
    const stops = csms.calls("StopTransaction");
    assert.equal(stops.length, 1);
    assert.equal(stops[0].params.reason, "PowerLoss");
    assert.equal(csms.calls("StartTransaction").length, 1, "StartTransaction not repeated");
    assert.ok(
      answered.some((a) => a.includes('"transactionId"') && !a.includes('"reason"')),
      "the held MeterValues was delivered",
    );
    assert.equal(new Set(answered).size, answered.length, `a message was answered twice: ${answered.join("\n")}`);
  });

  it("a bad setting is reported and its default used; provisioning in NVS wins over build defaults", async () => {
    const storage = newStorage();
    assert.equal(provisionSetting(storage.kv, "deviceId", "NVS-42"), undefined);
    assert.match(String(provisionSetting(storage.kv, "csmsUrl", "http://x/y")), /^settings\.csmsUrl: .*ws:\/\//);
    assert.equal(storage.kv.get("settings", "csmsUrl"), undefined);
    storage.kv.set("settings", "wsPingS", -5);
    const bench = start(storage, createSimulatedBoard({ connectors: 1 }), {
      circuitLimitA: "lots",
      freeCharging: true,
      freeChargingIdTag: "FREE1",
    });
    const fw = bench.firmware;
    assert.equal(fw.settings.deviceId, "NVS-42");
    assert.equal(fw.settings.webSocketPingIntervalS, 0);
    assert.equal(fw.settings.circuitLimitA, 32);
    assert.ok(
      fw.settingErrors.some((e) => e.startsWith("settings.webSocketPingIntervalS")),
      fw.settingErrors.join("\n"),
    );
    assert.ok(
      fw.settingErrors.some((e) => e.startsWith("settings.circuitLimitA")),
      fw.settingErrors.join("\n"),
    );
    assert.ok(bench.log.lines.some((l) => l.startsWith("warn [boot] settings.circuitLimitA")));
    assert.equal(fw.chargePoint.config.bool("FreeCharging"), true);
    assert.equal(fw.chargePoint.config.string("FreeChargingIdTag"), "FREE1");
    await runUntil(bench, "accepted", () => fw.chargePoint.engine.accepted);
    assert.equal(csms.handshakes[0].identity, "NVS-42");
  });
});
