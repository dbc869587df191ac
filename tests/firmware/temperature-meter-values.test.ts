/**
 * Measurand Temperature through the booted firmware: the connector
 * temperature the control loop measures (`snapshot.temperatureC`) reaches
 * MeterValues with unit Celsius and location Body; a connector without a
 * sensor (NaN) reports none. Simulated board, strict ocpp-rpc CSMS on
 * 127.0.0.1, virtual time.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { TestCsms } from "../support/csms-harness.ts";
import { useFirmwareRig, newStorage, runUntil, type Bench } from "../support/firmware-rig.ts";

type Sampled = Record<string, string>;

describe("firmware: measurand Temperature from the connector's sensor", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;

  beforeEach(async () => {
    csms = rig.csms;
  });

  /** Boots the board, turns on clock-aligned Temperature and Frequency every 10 s; returns connector 1's first aligned reading. */
  async function alignedReadingOf(sim: ReturnType<typeof createSimulatedBoard>): Promise<{ bench: Bench; sampled: Sampled[] }> {
    const bench = rig.boot(newStorage(), sim);
    const fw = bench.firmware;
    await runUntil(bench, "accepted", () => fw.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2);
    assert.equal(fw.chargePoint.config.change("MeterValuesAlignedData", "Temperature,Frequency"), "Accepted");
    assert.equal(fw.chargePoint.config.change("ClockAlignedDataInterval", "10"), "Accepted");
    const ofConnector1 = () => csms.calls("MeterValues").find((c) => c.params.connectorId === 1);
    await runUntil(bench, "aligned MeterValues of connector 1", () => ofConnector1() !== undefined, 30_000);
    const call = ofConnector1()!;
    return { bench, sampled: (call.params.meterValue as Array<{ sampledValue: Sampled[] }>)[0].sampledValue };
  }

  it("sends the measured connector temperature in Celsius at the Body", async () => {
    const sim = createSimulatedBoard({ connectors: 1 });
    sim.sims[0].ambientC = 31.4;
    sim.sims[0].temperatureC = 31.4;
    const { bench, sampled } = await alignedReadingOf(sim);
    assert.equal(bench.firmware.loop.connector(1).snapshot.temperatureC, 31.4);
    assert.deepEqual(
      sampled.map((s) => s.measurand),
      ["Temperature", "Frequency"],
    );
    assert.deepEqual(sampled[0], { value: "31.4", context: "Sample.Clock", measurand: "Temperature", unit: "Celsius", location: "Body" });
  });

  it("leaves Temperature out for a connector without a sensor", async () => {
    const sim = createSimulatedBoard({ connectors: 1, withTemperature: false });
    const { bench, sampled } = await alignedReadingOf(sim);
    assert.ok(Number.isNaN(bench.firmware.loop.connector(1).snapshot.temperatureC));
    assert.deepEqual(
      sampled.map((s) => s.measurand),
      ["Frequency"],
    );
  });
});
