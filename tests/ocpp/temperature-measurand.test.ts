/**
 * Measurand Temperature [SPEC 7.31]: the connector's own sensor, sent with
 * unit Celsius and location Body when it is in MeterValuesSampledData or
 * MeterValuesAlignedData and the connector has a reading (a number); left
 * out while there is none (NaN: no sensor or an invalid reading). Strict
 * ocpp-rpc CSMS on 127.0.0.1 (every frame checked against the schemas),
 * fake connector, virtual timers.
 */
import { strict as assert } from "node:assert";
import type { ConnectorMeterSample } from "ocpp/charge-point-hw";
import { TestCsms, TestCharger, useCoreRig } from "../support/csms-harness.ts";

type Sampled = Record<string, string>;

function sampledValues(call: { params: Record<string, unknown> }): Sampled[] {
  return (call.params.meterValue as Array<{ sampledValue: Sampled[] }>)[0].sampledValue;
}

/** The fake connector with a temperature sensor reading `celsius` (NaN: none). */
function withTemperature(charger: TestCharger, celsius: { value: number }): void {
  const connector = charger.connector;
  const read = connector.readMeter.bind(connector);
  connector.readMeter = (into: ConnectorMeterSample): ConnectorMeterSample => {
    read(into);
    into.temperatureC = celsius.value;
    return into;
  };
}

describe("measurand Temperature", function () {
  const rig = useCoreRig();
  let csms: TestCsms;
  let charger: TestCharger | undefined;

  beforeEach(function () {
    csms = rig.csms;
    charger = undefined;
  });

  it("MeterValuesSampledData and MeterValuesAlignedData accept Temperature (not with a phase)", async function () {
    charger = await rig.boot();
    for (const key of ["MeterValuesSampledData", "MeterValuesAlignedData", "StopTxnSampledData", "StopTxnAlignedData"]) {
      const value = "Energy.Active.Import.Register,Temperature";
      assert.deepEqual(await csms.call("ChangeConfiguration", { key, value }), { status: "Accepted" }, key);
      const conf = await csms.call("GetConfiguration", { key: [key] });
      assert.deepEqual(conf.configurationKey, [{ key, readonly: false, value }]);
    }
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "MeterValuesSampledData", value: "Temperature.L1" }), {
      status: "Rejected",
    });
    assert.equal(charger.cp.config.string("MeterValuesSampledData"), "Energy.Active.Import.Register,Temperature");
  });

  it("sampled MeterValues carry Temperature in Celsius at the Body while the sensor reads, and leave it out without a reading", async function () {
    charger = await rig.boot({
      config: { MeterValueSampleInterval: "10", MeterValuesSampledData: "Energy.Active.Import.Register,Temperature" },
    });
    const celsius = { value: 41.26 };
    withTemperature(charger, celsius);
    charger.connector.plug();
    await charger.cp.sessions.presentIdTag(1, "TAG1");
    await csms.waitForCall("StartTransaction");
    charger.advance(10_000);
    await csms.waitForCall("MeterValues", 1);
    const first = sampledValues(csms.calls("MeterValues")[0]);
    assert.deepEqual(
      first.map((s) => s.measurand),
      ["Energy.Active.Import.Register", "Temperature"],
    );
    assert.deepEqual(first[1], { value: "41.3", context: "Sample.Periodic", measurand: "Temperature", unit: "Celsius", location: "Body" });

    celsius.value = NaN;
    charger.advance(10_000);
    await csms.waitForCall("MeterValues", 2);
    const second = sampledValues(csms.calls("MeterValues")[1]);
    assert.deepEqual(
      second.map((s) => s.measurand),
      ["Energy.Active.Import.Register"],
    );
  });

  it("clock-aligned MeterValues carry the connector's Temperature; connector 0 (the supply) has none", async function () {
    csms.handlers.set("BootNotification", () => ({ status: "Accepted", currentTime: "2030-01-01T00:00:05Z", interval: 300 }));
    charger = await rig.boot({
      config: { ClockAlignedDataInterval: "20", MeterValueSampleInterval: "0", MeterValuesAlignedData: "Temperature,Frequency" },
    });
    withTemperature(charger, { value: -5 });
    charger.advance(20_000);
    await csms.waitForCall("MeterValues", 2);
    const byConnector = new Map<unknown, Sampled[]>();
    for (const call of csms.calls("MeterValues")) byConnector.set(call.params.connectorId, sampledValues(call));
    assert.deepEqual(byConnector.get(1), [
      { value: "-5", context: "Sample.Clock", measurand: "Temperature", unit: "Celsius", location: "Body" },
      { value: "50", context: "Sample.Clock", measurand: "Frequency", location: "Outlet" },
    ]);
    assert.deepEqual(byConnector.get(0), [{ value: "50", context: "Sample.Clock", measurand: "Frequency", location: "Inlet" }]);
  });
});
