// The bench's CSMS-side TriggerMessage and UpdateFirmware against the simulated charger (real
// firmware core with Remote Trigger and Firmware Management): what the dev CSMS recorded.
import assert from "node:assert/strict";
import { FIRMWARE_VERSION } from "boot/version";
import type { SimStack } from "../../tools/sim/stack.ts";
import { FileServer, firmwareImage } from "../support/file-server.ts";
import { getState, post, startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

describe("simulator: TriggerMessage and UpdateFirmware from the bench", function () {
  this.timeout(60_000);
  let stack: SimStack;
  let url: string;

  beforeEach(async () => {
    stack = await startQuietStack({ devCsms: { heartbeatIntervalS: 600 } });
    url = stack.bench!.url;
    await waitUntil("the charger online", async () => (await getState(url)).connection === "online");
  });

  afterEach(async () => {
    await stack.close();
  });

  /** Calls of `action` the charger sent, as the dev CSMS logged them. */
  function sent(action: string): number {
    return stack
      .csms!.frames("SIM-0001")
      .filter((f) => f.direction === "cp-to-csms" && f.text.startsWith("[2,") && f.text.includes(`"${action}"`)).length;
  }

  it("POST /csms/triggerMessage: StatusNotification and Heartbeat are Accepted and sent", async () => {
    await waitUntil("boot statuses", () => sent("StatusNotification") >= 2);
    const statuses = sent("StatusNotification");
    assert.deepEqual(await post(url, "/csms/triggerMessage", { requestedMessage: "StatusNotification", connector: 1 }), {
      status: "Accepted",
    });
    await waitUntil("the triggered StatusNotification", () => sent("StatusNotification") === statuses + 1);
    const heartbeats = sent("Heartbeat");
    assert.deepEqual(await post(url, "/csms/triggerMessage", { requestedMessage: "Heartbeat" }), { status: "Accepted" });
    await waitUntil(
      "the triggered Heartbeat",
      () => stack.csms!.charger("SIM-0001")!.lastHeartbeatAt !== undefined && sent("Heartbeat") === heartbeats + 1,
    );
    assert.deepEqual(await post(url, "/csms/triggerMessage", { requestedMessage: "FirmwareStatusNotification" }), { status: "Accepted" });
    await waitUntil("firmware status Idle", () => stack.csms!.charger("SIM-0001")!.firmwareStatus === "Idle");
  });

  it("POST /csms/updateFirmware: download, reboot into the image, Installed under the image's version", async () => {
    const files = new FileServer();
    await files.listen();
    try {
      files.files.set("/fw.bin", firmwareImage(20_000));
      assert.deepEqual(await post(url, "/csms/updateFirmware", { location: files.url("/fw.bin"), retries: 0 }), {});
      const csms = stack.csms!;
      await waitUntil("Installed", () => csms.charger("SIM-0001")!.firmwareStatus === "Installed");
      assert.equal(csms.charger("SIM-0001")!.bootCount, 2);
      assert.equal(files.count("GET", "/fw.bin"), 1);
      const version = (await getState(url)).firmwareVersion;
      assert.notEqual(version, FIRMWARE_VERSION);
      assert.equal(csms.charger("SIM-0001")!.boot?.firmwareVersion, version);
    } finally {
      await files.close();
    }
  });

  it("TC_044_3 POST /csms/updateFirmware with a corrupt image: InstallationFailed, no reboot, the old version kept", async () => {
    const files = new FileServer();
    await files.listen();
    try {
      const image = firmwareImage(20_000);
      image[10_000] ^= 0x40; // one flipped bit in a segment: checksum and SHA-256 no longer match
      files.files.set("/corrupt.bin", image);
      const csms = stack.csms!;
      assert.deepEqual(await post(url, "/csms/updateFirmware", { location: files.url("/corrupt.bin"), retries: 0 }), {});
      await waitUntil("InstallationFailed", () => csms.charger("SIM-0001")!.firmwareStatus === "InstallationFailed");
      assert.equal(files.count("GET", "/corrupt.bin"), 1);
      assert.equal(csms.charger("SIM-0001")!.bootCount, 1, "no reboot");
      assert.equal((await getState(url)).firmwareVersion, FIRMWARE_VERSION, "the old version runs");
      assert.equal(sent("BootNotification"), 1);
      const statuses = stack
        .csms!.frames("SIM-0001")
        .filter((f) => f.direction === "cp-to-csms" && f.text.includes('"FirmwareStatusNotification"'))
        .map((f) => String((JSON.parse(f.text) as [number, string, string, { status: string }])[3].status));
      assert.deepEqual(statuses, ["Downloading", "Downloaded", "Installing", "InstallationFailed"]);
    } finally {
      await files.close();
    }
  });
});
