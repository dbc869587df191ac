// --target lin with a firmware built before the bench link's `schedule` command and chart fields
// (tests/lin/old-link-firmware.ts stands in for it; only Xvfb is needed): the bench answers the
// composite schedule with 501 and a reason, and the chart fields as null.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { MemoryLogSink } from "platform/host/log-console";
import { startLinStack, type LinStack } from "../../tools/lin/lin-stack.ts";
import { PROJECT_ROOT } from "../../tools/xs/bundle.ts";
import { getState } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

describe("--target lin with a bench link older than 'schedule'", function () {
  this.timeout(60_000);
  let stack: LinStack | undefined;

  before(function () {
    if (spawnSync("sh", ["-c", "command -v Xvfb"], { stdio: "ignore" }).status !== 0) {
      if (process.env.CI === "true") throw new Error("CI must run the lin tests, but Xvfb is missing");
      process.stdout.write("      (skipped: no Xvfb, which the lin charger starts; apt-get install xvfb)\n");
      this.skip();
    }
  });

  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it("answers GET /composite-schedule with 501 and reports no chart fields", async () => {
    stack = await startLinStack({
      benchPort: 0,
      log: () => new MemoryLogSink(),
      build: {
        moddable: "",
        mcsim: join(PROJECT_ROOT, "node_modules", ".bin", "tsx"),
        simulators: join(PROJECT_ROOT, "tests", "lin", "old-link-firmware.ts"),
        mcSo: "",
      },
    });
    await stack.chargers[0].linked();
    const url = stack.bench!.url;
    const c = await waitUntil("the old firmware's state", async () => {
      const connector = (await getState(url)).connectors[0];
      return connector.ocppStatus === "Available" ? connector : undefined;
    });
    assert.deepEqual([c.drawnPhasesA, c.powerW, c.smartLimitA, c.sessionEnergyWh], [null, null, null, null]);
    const res = await fetch(`${url}/composite-schedule?connector=1`);
    assert.equal(res.status, 501);
    assert.match(((await res.json()) as { error: string }).error, /bench link has no 'schedule' command: update the firmware/);
  });
});
