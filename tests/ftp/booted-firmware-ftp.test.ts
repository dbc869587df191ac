/**
 * FTP through the booted firmware (bootFirmware) on the host: a platform with
 * TCP lists FTP in SupportedFileTransferProtocols, uploads GetDiagnostics to
 * an ftp:// directory and installs an UpdateFirmware image from ftp://
 * (Installed after the reboot), against a strict CSMS and the test FTP
 * server on 127.0.0.1; the FTP timeout runs on virtual time.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Platform } from "ports/platform";
import { createSimulatedBoard } from "hal/sim/charger";
import { FileFirmwareSlot } from "platform/host/firmware-slot-file";
import { NodeHttpClient } from "platform/host/http-node";
import { NodeTcpClient } from "platform/host/tcp-node";
import { TestCsms } from "../support/csms-harness.ts";
import { firmwareImage } from "../support/file-server.ts";
import { csmsCall, untilBooted, useFirmwareRig, newStorage, runUntil, type Bench, type Storage } from "../support/firmware-rig.ts";
import { TestFtpServer } from "./ftp-server.ts";

describe("firmware: FTP for GetDiagnostics and UpdateFirmware", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;
  let ftp: TestFtpServer;
  let dir: string;

  beforeEach(async () => {
    csms = rig.csms;
    ftp = new TestFtpServer();
    await ftp.listen();
    dir = mkdtempSync(join(tmpdir(), "oxs-ftp-"));
  });

  afterEach(async () => {
    await ftp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(storage: Storage, slotPath: string, firmwareVersion?: string, startMs = 0): Bench {
    const services: Pick<Platform, "http" | "firmwareSlot" | "tcp"> = {
      http: new NodeHttpClient(),
      firmwareSlot: new FileFirmwareSlot(slotPath),
      tcp: new NodeTcpClient(),
    };
    return rig.boot(storage, createSimulatedBoard({ connectors: 1 }), {}, startMs, { platform: services, firmwareVersion });
  }

  const call = (bench: Bench, action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> =>
    csmsCall(csms, bench, action, params);
  const booted = (bench: Bench): Promise<void> => untilBooted(csms, bench);

  const statuses = (action: string): string[] => csms.calls(action).map((c) => String(c.params.status));

  it("SupportedFileTransferProtocols lists FTP; GetDiagnostics to ftp://user:pass@.../dir/ stores the frame log: Uploading, Uploaded", async () => {
    ftp.user = "diag";
    ftp.password = "pw";
    const bench = start(newStorage(), join(dir, "slot.bin"));
    await booted(bench);
    const config = await call(bench, "GetConfiguration", { key: ["SupportedFileTransferProtocols"] });
    assert.deepEqual(config.configurationKey, [{ key: "SupportedFileTransferProtocols", readonly: true, value: "HTTP,HTTPS,FTP" }]);
    const conf = await call(bench, "GetDiagnostics", { location: ftp.url("/logs/", "diag:pw@") });
    assert.equal(typeof conf.fileName, "string");
    await runUntil(bench, "Uploaded", () => statuses("DiagnosticsStatusNotification").length === 2);
    assert.deepEqual(statuses("DiagnosticsStatusNotification"), ["Uploading", "Uploaded"]);
    const stored = ftp.files.get(`/logs/${conf.fileName}`);
    assert.ok(stored, "stored under the answered file name");
    const text = Buffer.from(stored).toString("utf8");
    assert.ok(text.includes("BootNotification"), "the OCPP frame log is in the file");
  });

  it("UpdateFirmware from ftp://: the file slot holds the served image, hard reboot, Installed after the next boot", async () => {
    const image = firmwareImage(45_000);
    ftp.files.set("/fw/oxs-0.2.0.bin", image);
    const slotPath = join(dir, "firmware-next.bin");
    const storage = newStorage();
    const first = start(storage, slotPath);
    await booted(first);
    const retrieveDate = new Date(Date.now() - 1000).toISOString();
    await call(first, "UpdateFirmware", { location: ftp.url("/fw/oxs-0.2.0.bin"), retrieveDate, retries: 0 });
    await runUntil(first, "reboot requested", () => first.reboots.length > 0, 60_000);
    assert.deepEqual(first.reboots, [true]);
    assert.deepEqual(statuses("FirmwareStatusNotification"), ["Downloading", "Downloaded", "Installing"]);
    assert.equal(ftp.count("RETR"), 1);
    assert.deepEqual(new Uint8Array(readFileSync(slotPath)), image, "the file slot holds the served image");

    rig.cut(first);
    const second = start(storage, slotPath, "0.2.0", first.time.nowMs());
    await runUntil(second, "Installed", () => statuses("FirmwareStatusNotification").length === 4, 60_000);
    assert.deepEqual(statuses("FirmwareStatusNotification"), ["Downloading", "Downloaded", "Installing", "Installed"]);
  });
});
