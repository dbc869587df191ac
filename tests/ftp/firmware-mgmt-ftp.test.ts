/**
 * GetDiagnostics uploads and UpdateFirmware downloads over ftp:// (issue 6)
 * against a strict ocpp-rpc CSMS and the test FTP server on 127.0.0.1:
 * Firmware Management attached to a TestCharger with the FTP-capable client,
 * as the boot wires it when the platform has TCP (the FTP idle timeout runs
 * on the charger's virtual time).
 */
import { strict as assert } from "node:assert";
import type { KeyValueStore } from "ports/kv";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";
import { NodeHttpClient } from "platform/host/http-node";
import { NodeTcpClient } from "platform/host/tcp-node";
import { attachFirmwareManagement, type FirmwareManagement } from "ocpp/firmware-management/attach";
import { FIRMWARE_KV_NAMESPACE } from "ocpp/firmware-management/firmware-service";
import { FtpClient } from "ocpp/firmware-management/ftp-client";
import { FtpAndHttpClient } from "ocpp/firmware-management/ftp-transfer";
import { TestCharger, TestCsms } from "../support/csms-harness.ts";
import { loggedCount } from "../support/logs.ts";
import { sleep, waitFor } from "../support/waits.ts";
import { firmwareImage } from "../support/file-server.ts";
import { TestFtpServer } from "./ftp-server.ts";

const LOG_TEXT = "2030-01-01T10:00:00Z first line\n2030-01-01T11:00:00Z second line äöü\n";
/** The diagnostics file made of the one source below. */
const EXPECTED_FILE = new Uint8Array(Buffer.from(`== test log ==\n${LOG_TEXT}`, "utf8"));

interface Managed {
  charger: TestCharger;
  fm: FirmwareManagement;
  slot: SimFirmwareSlot;
  reboots: number;
}

describe("Firmware Management over FTP", function () {
  let csms: TestCsms;
  let ftp: TestFtpServer;
  const started: Managed[] = [];

  beforeEach(async function () {
    csms = new TestCsms();
    await csms.listen();
    ftp = new TestFtpServer();
    await ftp.listen();
  });
  afterEach(async function () {
    for (const m of started.splice(0)) stop(m);
    await csms.close();
    await ftp.close();
  });

  function stop(m: Managed): void {
    m.fm.firmware.stop();
    m.fm.diagnostics.stop();
    m.charger.stop();
  }

  async function charger(options: { kv?: KeyValueStore; firmwareVersion?: string } = {}): Promise<Managed> {
    const charger = new TestCharger({ csms, kv: options.kv });
    const slot = new SimFirmwareSlot();
    const m: Managed = { charger, slot, reboots: 0, fm: undefined as unknown as FirmwareManagement };
    m.fm = attachFirmwareManagement(charger.cp, {
      connectors: charger.hardware.connectors,
      timers: charger.time,
      kv: charger.kv,
      http: new FtpAndHttpClient(new NodeHttpClient(), new FtpClient({ tcp: new NodeTcpClient(), timers: charger.time })),
      slot,
      reboot: () => {
        m.reboots++;
      },
      firmwareVersion: options.firmwareVersion ?? "0.1.0",
      deviceName: "CP001",
      extraSources: [{ name: "test log", text: () => LOG_TEXT }],
      defaultRetries: 0,
      defaultRetryIntervalS: 10,
    });
    // Counted from here: a charger booted again on the same CSMS must send the statuses of its own boot.
    const statusesBefore = csms.calls("StatusNotification").length;
    charger.start();
    started.push(m);
    const n = charger.hardware.connectors.length;
    await waitFor(
      "boot and statuses",
      () => charger.cp.engine.accepted && csms.calls("StatusNotification").length >= statusesBefore + n + 1,
    );
    return m;
  }

  const statuses = (action: string): string[] => csms.calls(action).map((c) => String(c.params.status));

  it("GetDiagnostics to ftp://user:pass@host:port/dir/: Uploading, Uploaded; the server stored the exact file under the answered name", async function () {
    ftp.user = "diag";
    ftp.password = "pw";
    await charger();
    const conf = await csms.call("GetDiagnostics", { location: ftp.url("/diag/", "diag:pw@") });
    assert.equal(typeof conf.fileName, "string");
    await waitFor("Uploaded", () => statuses("DiagnosticsStatusNotification").length === 2);
    assert.deepEqual(statuses("DiagnosticsStatusNotification"), ["Uploading", "Uploaded"]);
    assert.deepEqual(ftp.files.get(`/diag/${conf.fileName}`), EXPECTED_FILE);
    assert.ok(ftp.commands.includes(`STOR ${conf.fileName}`));
  });

  it("wrong password (retries 0): Uploading, UploadFailed after one login, nothing stored", async function () {
    ftp.user = "diag";
    ftp.password = "pw";
    await charger();
    await csms.call("GetDiagnostics", { location: ftp.url("/diag/", "diag:nope@"), retries: 0 });
    await waitFor("UploadFailed", () => statuses("DiagnosticsStatusNotification").length === 2);
    assert.deepEqual(statuses("DiagnosticsStatusNotification"), ["Uploading", "UploadFailed"]);
    assert.equal(ftp.count("PASS"), 1);
    assert.equal(ftp.count("STOR"), 0);
    assert.equal(ftp.files.size, 0);
  });

  it("dropped data connection with retries 1: a second STOR after retryInterval, then UploadFailed", async function () {
    ftp.dropTransfers = 2;
    const m = await charger();
    await csms.call("GetDiagnostics", { location: ftp.url("/d/"), retries: 1, retryInterval: 20 });
    // The retry timer is armed when the client saw the failure (it logs it then), not when the server ended the session.
    await waitFor("first attempt failed", () => loggedCount(m.charger, "diagnostics upload failed") === 1);
    m.charger.advance(19_000);
    await sleep(30);
    assert.equal(ftp.count("STOR"), 1, "no retry before retryInterval");
    m.charger.advance(1_000);
    await waitFor("UploadFailed", () => statuses("DiagnosticsStatusNotification").length === 2);
    assert.deepEqual(statuses("DiagnosticsStatusNotification"), ["Uploading", "UploadFailed"]);
    assert.equal(ftp.count("STOR"), 2);
    assert.equal(ftp.files.size, 0);
  });

  it("dropped data connection once, retry succeeds: Uploading, Uploaded with the exact file", async function () {
    ftp.dropTransfers = 1;
    const m = await charger();
    const conf = await csms.call("GetDiagnostics", { location: ftp.url("/d/"), retries: 2, retryInterval: 5 });
    await waitFor("first attempt failed", () => loggedCount(m.charger, "diagnostics upload failed") === 1);
    m.charger.advance(5_000);
    await waitFor("Uploaded", () => statuses("DiagnosticsStatusNotification").length === 2);
    assert.deepEqual(statuses("DiagnosticsStatusNotification"), ["Uploading", "Uploaded"]);
    assert.deepEqual(ftp.files.get(`/d/${conf.fileName}`), EXPECTED_FILE);
  });

  it("UpdateFirmware from ftp://: Downloading, Downloaded, Installing, reboot; Installed after the next boot", async function () {
    const image = firmwareImage(60_000);
    ftp.files.set("/fw/cp-0.2.0.bin", image);
    const kv = new MemoryKeyValueStore();
    const first = await charger({ kv, firmwareVersion: "0.1.0" });
    const retrieveDate = new Date(Date.now() - 1000).toISOString();
    assert.deepEqual(await csms.call("UpdateFirmware", { location: ftp.url("/fw/cp-0.2.0.bin"), retrieveDate }), {});
    first.charger.advance(0);
    await waitFor("reboot", () => first.reboots === 1);
    assert.deepEqual(statuses("FirmwareStatusNotification"), ["Downloading", "Downloaded", "Installing"]);
    assert.deepEqual(first.slot.pendingImage, image, "the whole image was written and set to boot");
    assert.equal(ftp.count("RETR"), 1);

    stop(first);
    started.splice(started.indexOf(first), 1);
    await charger({ kv, firmwareVersion: "0.2.0" });
    await waitFor("Installed", () => statuses("FirmwareStatusNotification").length === 4);
    assert.deepEqual(statuses("FirmwareStatusNotification"), ["Downloading", "Downloaded", "Installing", "Installed"]);
    assert.equal(kv.get(FIRMWARE_KV_NAMESPACE, "stage"), undefined);
  });

  it("UpdateFirmware from a missing ftp:// file (retries 0): Downloading, DownloadFailed, nothing set to boot", async function () {
    const m = await charger();
    await csms.call("UpdateFirmware", {
      location: ftp.url("/fw/missing.bin"),
      retrieveDate: new Date(Date.now() - 1000).toISOString(),
      retries: 0,
    });
    m.charger.advance(0);
    await waitFor("DownloadFailed", () => statuses("FirmwareStatusNotification").length === 2);
    assert.deepEqual(statuses("FirmwareStatusNotification"), ["Downloading", "DownloadFailed"]);
    assert.equal(m.slot.pendingImage, undefined);
    assert.equal(m.reboots, 0);
  });
});
