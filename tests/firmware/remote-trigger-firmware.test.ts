/**
 * Remote Trigger and Firmware Management through the booted firmware
 * (bootFirmware) on the host, against a strict ocpp-rpc CSMS and a local
 * HTTP server on 127.0.0.1 serving the image; the host file slot keeps it.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimulatedBoard } from "hal/sim/charger";
import { FileFirmwareSlot } from "platform/host/firmware-slot-file";
import { NodeHttpClient } from "platform/host/http-node";
import { FIRMWARE_VERSION } from "boot/version";
import { TestCsms } from "../support/csms-harness.ts";
import { FileServer, firmwareImage } from "../support/file-server.ts";
import {
  csmsCall,
  untilBooted,
  useFirmwareRig,
  newStorage,
  runUntil,
  type Bench,
  type BootExtras,
  type Storage,
} from "../support/firmware-rig.ts";

describe("firmware: Remote Trigger and Firmware Management wired in", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;
  let files: FileServer;
  let dir: string;

  beforeEach(async () => {
    csms = rig.csms;
    files = new FileServer();
    await files.listen();
    dir = mkdtempSync(join(tmpdir(), "oxs-fw-"));
  });

  afterEach(async () => {
    await files.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(storage: Storage, extras: BootExtras = {}, startMs = 0): Bench {
    return rig.boot(storage, createSimulatedBoard({ connectors: 1 }), {}, startMs, extras);
  }

  function managed(slotPath: string, firmwareVersion?: string): BootExtras {
    return { platform: { http: new NodeHttpClient(), firmwareSlot: new FileFirmwareSlot(slotPath) }, firmwareVersion };
  }

  const call = (bench: Bench, action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> =>
    csmsCall(csms, bench, action, params);
  const booted = (bench: Bench): Promise<void> => untilBooted(csms, bench);

  async function profiles(bench: Bench): Promise<string[]> {
    const conf = await call(bench, "GetConfiguration", { key: ["SupportedFeatureProfiles"] });
    const keys = conf.configurationKey as Array<{ key: string; value?: string }>;
    return String(keys[0].value).split(",");
  }

  it("TriggerMessage StatusNotification and Heartbeat: Accepted, then the message with the current status", async () => {
    const bench = start(newStorage());
    await booted(bench);
    assert.ok((await profiles(bench)).includes("RemoteTrigger"));

    const statusesBefore = csms.calls("StatusNotification").length;
    const status = await call(bench, "TriggerMessage", { requestedMessage: "StatusNotification", connectorId: 1 });
    assert.equal(status.status, "Accepted");
    await runUntil(bench, "triggered StatusNotification", () => csms.calls("StatusNotification").length === statusesBefore + 1);
    const triggered = csms.calls("StatusNotification")[statusesBefore].params;
    assert.equal(triggered.connectorId, 1);
    assert.equal(triggered.status, "Available");
    assert.equal(triggered.errorCode, "NoError");

    const heartbeatsBefore = csms.calls("Heartbeat").length;
    const heartbeat = await call(bench, "TriggerMessage", { requestedMessage: "Heartbeat" });
    assert.equal(heartbeat.status, "Accepted");
    await runUntil(bench, "triggered Heartbeat", () => csms.calls("Heartbeat").length === heartbeatsBefore + 1);

    // Accepted already: a triggered BootNotification is Rejected (ERR 3.35) and none is sent.
    const bootsBefore = csms.calls("BootNotification").length;
    assert.equal((await call(bench, "TriggerMessage", { requestedMessage: "BootNotification" })).status, "Rejected");
    assert.equal(csms.calls("BootNotification").length, bootsBefore);
  });

  it("without http and a firmware slot: no FirmwareManagement profile, its triggers NotImplemented", async () => {
    const bench = start(newStorage());
    await booted(bench);
    assert.equal(bench.firmware.firmware, undefined);
    assert.ok(!(await profiles(bench)).includes("FirmwareManagement"));
    const answer = await call(bench, "TriggerMessage", { requestedMessage: "FirmwareStatusNotification" });
    assert.equal(answer.status, "NotImplemented");
  });

  it("UpdateFirmware: image downloaded into the file slot, hard reboot, Installed after the next boot and before its statuses", async () => {
    const image = firmwareImage(40_000);
    files.files.set("/fw/oxs-0.2.0.bin", image);
    const slotPath = join(dir, "firmware-next.bin");
    const storage = newStorage();
    const first = start(storage, managed(slotPath));
    await booted(first);
    assert.ok((await profiles(first)).includes("FirmwareManagement"));
    assert.ok(first.firmware.firmware !== undefined && first.firmware.diagnostics !== undefined);
    assert.equal((await call(first, "TriggerMessage", { requestedMessage: "FirmwareStatusNotification" })).status, "Accepted");
    await runUntil(first, "triggered Idle", () => csms.calls("FirmwareStatusNotification").length === 1);
    assert.equal(csms.calls("FirmwareStatusNotification")[0].params.status, "Idle");

    const retrieveDate = new Date(Date.now() - 1000).toISOString();
    await call(first, "UpdateFirmware", { location: files.url("/fw/oxs-0.2.0.bin"), retrieveDate, retries: 0 });
    await runUntil(first, "reboot requested", () => first.reboots.length > 0, 60_000);
    assert.deepEqual(first.reboots, [true], "a hard reboot into the new image");
    const statuses = (): string[] => csms.calls("FirmwareStatusNotification").map((c) => String(c.params.status));
    assert.deepEqual(statuses(), ["Idle", "Downloading", "Downloaded", "Installing"]);
    assert.equal(files.count("GET", "/fw/oxs-0.2.0.bin"), 1);
    assert.deepEqual(new Uint8Array(readFileSync(slotPath)), image, "the file slot holds the served image");

    // The board restarts: RAM gone, NVS and flash kept; the new image reports its own version.
    rig.cut(first);
    const receivedBefore = csms.received.length;
    const statusesBefore = csms.calls("StatusNotification").length;
    const second = start(storage, managed(slotPath, "0.2.0"), first.time.nowMs());
    await runUntil(
      second,
      "Installed and statuses",
      () => statuses().length === 5 && csms.calls("StatusNotification").length >= statusesBefore + 2,
      60_000,
    );
    assert.equal(statuses()[4], "Installed");
    const after = csms.received.slice(receivedBefore).map((c) => c.action);
    assert.equal(after[0], "BootNotification");
    assert.equal(csms.calls("BootNotification").at(-1)?.params.firmwareVersion, "0.2.0");
    assert.ok(
      after.indexOf("FirmwareStatusNotification") < after.indexOf("StatusNotification"),
      `Installed before the statuses: ${after.join()}`,
    );
    assert.notEqual(FIRMWARE_VERSION, "0.2.0");
  });
});
