// The bench fault "over-temp" on the simulated charger: the terminals read above the trip at once,
// the control loop opens and the charger reports Faulted + HighTemperature to the CSMS.
import assert from "node:assert/strict";
import type { SimStack } from "../../tools/sim/stack.ts";
import { getState, post, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

describe("simulator: over-temperature from the bench", function () {
  this.timeout(60_000);
  let stack: SimStack;
  let url: string;

  before(async () => {
    stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 600 } });
    url = stack.bench!.url;
    await waitUntil("the charger online", async () => (await getState(url)).connection === "online");
  });

  after(async () => {
    await stack.close();
  });

  it("POST /fault over-temp: Faulted with HighTemperature reaches the CSMS; the kind is listed while injected", async () => {
    const before = (await getState(url)).connectors[0].temperatureC;
    assert.ok(before !== null && before > 0 && before < 60, `connector temperature ${before} °C before the fault`);
    await post(url, "/fault", { connector: 1, kind: "over-temp", active: true });
    const state = await waitUntil("connector 1 Faulted", async () => {
      const s = await getState(url);
      return s.connectors[0].ocppStatus === "Faulted" ? s : undefined;
    });
    assert.deepEqual(state.connectors[0].faults, ["over-temp"]);
    assert.equal(state.connectors[0].relayClosed, false);
    const hot = state.connectors[0].temperatureC;
    assert.ok(hot !== null && hot >= 85, `connector temperature ${hot} °C at the trip`);
    await waitUntil("StatusNotification Faulted / HighTemperature", () =>
      stack
        .csms!.frames("SIM-0001")
        .some((f) => f.direction === "cp-to-csms" && f.text.includes('"StatusNotification"') && f.text.includes('"HighTemperature"')),
    );
    await post(url, "/fault", { connector: 1, kind: "over-temp", active: false });
    assert.deepEqual((await getState(url)).connectors[0].faults, []);
  });
});
