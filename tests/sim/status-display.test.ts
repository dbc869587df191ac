/**
 * The simulator's terminal status line (tools/sim/status-display.ts): each connector shows its
 * temperature when the charger has a reading, nothing in its place without one; and on a
 * running simulated charger (which has a sensor) the line carries the measured temperature.
 */
import { strict as assert } from "node:assert";
import { connectorLine, StatusDisplay } from "../../tools/sim/status-display.ts";
import type { BenchConnectorState, BenchState } from "../../tools/bench-api/target.ts";
import { idleConnectorState } from "../../tools/bench-api/fake-target.ts";
import { startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

function connector(connectorId: number, temperatureC: number | null): BenchConnectorState {
  return { ...idleConnectorState(connectorId), energyWh: 1234, temperatureC };
}

function state(...connectors: BenchConnectorState[]): BenchState {
  return { firmwareVersion: "0.1.0", connection: "online", power: "on", network: "up", connectors };
}

describe("sim: terminal status line", function () {
  it("shows each connector's temperature with one decimal when it has a reading, nothing without", function () {
    const s = state(connector(1, 41.26), connector(2, null));
    const withReading = connectorLine("SIM1", s, s.connectors[0]);
    assert.match(withReading, / 1\.234 kWh 41\.3 °C /);
    const without = connectorLine("SIM1", s, s.connectors[1]);
    assert.doesNotMatch(without, /°C/);
    assert.match(without, / 1\.234 kWh Available/);
    assert.doesNotMatch(connectorLine("SIM1", s, connector(3, NaN)), /°C/, "a NaN reading is no reading");
    const display = new StatusDisplay([{ identity: "SIM1", getState: () => s }]);
    const lines = display.lines();
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^SIM1#1 .* 41\.3 °C /);
    assert.doesNotMatch(lines[1], /°C/);
  });

  it("a running simulated charger's line carries its measured temperature", async function () {
    this.timeout(20_000);
    const stack = await startQuietStack({ benchPort: null });
    try {
      const charger = stack.chargers[0];
      const display = new StatusDisplay([charger]);
      const line = await waitUntil("a temperature on the line", () => {
        const first = display.lines()[0];
        return first !== undefined && / \d+\.\d °C /.test(first) ? first : undefined;
      });
      const shown = Number(/ (\d+\.\d) °C /.exec(line)![1]);
      const measured = charger.getState().connectors[0].temperatureC;
      assert.ok(measured !== null && Math.abs(shown - measured) < 0.5, `${shown} vs ${measured}`);
    } finally {
      await stack.close();
    }
  });
});
