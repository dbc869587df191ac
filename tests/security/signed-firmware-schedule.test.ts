/**
 * SignedUpdateFirmware scheduling [SEC L01]: DownloadScheduled while the charger waits for a
 * retrieveDateTime in the future (nothing is fetched before it), InstallScheduled after
 * SignatureVerified while it waits for an installDateTime in the future (nothing installed, no
 * reboot before it). Virtual time (the charger's timers); the CSMS and HTTP server on 127.0.0.1.
 */
import { strict as assert } from "node:assert";
import { sign } from "node:crypto";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { attachSecurity } from "ocpp/security/attach";
import { TestCsms } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { FileServer, firmwareImage } from "../support/file-server.ts";
import { managedCharger, statusesOf, type ManagedCharger } from "../support/managed-charger.ts";
import { CertificateFactory } from "../support/test-pki.ts";

describe("SignedUpdateFirmware scheduling: DownloadScheduled and InstallScheduled", function () {
  this.timeout(30_000);
  let csms: TestCsms;
  let files: FileServer;
  let certs: CertificateFactory;
  const started: ManagedCharger[] = [];

  beforeEach(async function () {
    csms = new TestCsms();
    await csms.listen();
    files = new FileServer();
    await files.listen();
    certs = new CertificateFactory();
  });
  afterEach(async function () {
    for (const m of started.splice(0)) {
      m.fm.firmware.stop();
      m.fm.diagnostics.stop();
      m.charger.stop();
    }
    await csms.close();
    await files.close();
    certs.dispose();
  });

  async function charger(): Promise<ManagedCharger> {
    const kv = new MemoryKeyValueStore();
    const m = await managedCharger(csms, { kv, firmwareVersion: "0.1.0" });
    started.push(m);
    attachSecurity(m.charger.cp, {
      connectionSettings: {
        deviceId: "CP001",
        installationUrlTemplate: csms.url,
        chargerUrl: "",
        precedence: "installation",
        legacyIdentity: false,
        chargerPassword: "",
        installationInitialPassword: "",
        caCertificates: [],
      },
      kv,
      timers: m.charger.time,
      deviceName: "CP001",
      firmwareVersion: "0.1.0",
      triggerTargets: {
        connectorCount: 1,
        canSendBootNotification: () => false,
        sendBootNotification: () => {},
        sendHeartbeat: () => {},
        sendStatusNotification: () => {},
        sendMeterValues: () => false,
      },
      firmware: m.fm.firmware,
    });
    return m;
  }

  async function signer(m: ManagedCharger): Promise<{ pem: string; keyPem: string }> {
    const root = certs.root("Manufacturer Root", 400, 0x4d21);
    m.charger.advance(2000);
    assert.deepEqual(await csms.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: root.pem }), {
      status: "Accepted",
    });
    const leaf = certs.leafOfLast("Firmware Signer", 0x5321);
    return { pem: leaf.pem, keyPem: leaf.keyPem! };
  }

  const signed = (): string[] => statusesOf(csms, "SignedFirmwareStatusNotification");
  /** Lets socket traffic through after virtual time moved (nothing more is expected to arrive). */
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

  it("retrieveDateTime and installDateTime in the future: DownloadScheduled, wait, Downloading … SignatureVerified, InstallScheduled, wait, Installing", async function () {
    const m = await charger();
    const key = await signer(m);
    const image = firmwareImage(30_000);
    files.files.set("/fw-later.bin", image);
    // Heartbeats answer with the charger's own (virtual) time: the jumps below must not set its clock back.
    csms.handlers.set("Heartbeat", () => ({ currentTime: new Date(m.charger.platform.clock.utcMs()).toISOString() }));
    const base = m.charger.platform.clock.utcMs();
    const conf = await csms.call("SignedUpdateFirmware", {
      requestId: 90,
      retries: 0,
      firmware: {
        location: files.url("/fw-later.bin"),
        retrieveDateTime: new Date(base + 120_000).toISOString(),
        installDateTime: new Date(base + 900_000).toISOString(),
        signingCertificate: key.pem,
        signature: sign("sha256", image, key.keyPem).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "Accepted" });
    await waitFor("DownloadScheduled", () => signed().length === 1);
    assert.deepEqual(signed(), ["DownloadScheduled"]);
    assert.equal(csms.calls("SignedFirmwareStatusNotification")[0].params.requestId, 90);

    // A triggered status while waiting reports the schedule.
    assert.deepEqual(await csms.call("ExtendedTriggerMessage", { requestedMessage: "FirmwareStatusNotification" }), { status: "Accepted" });
    await waitFor("triggered", () => signed().length === 2);
    assert.deepEqual(signed(), ["DownloadScheduled", "DownloadScheduled"]);

    m.charger.advance(60_000);
    await settle();
    assert.equal(files.count("GET"), 0, "nothing fetched before retrieveDateTime");
    assert.equal(signed().length, 2);

    m.charger.advance(70_000);
    await waitFor("InstallScheduled", () => signed().includes("InstallScheduled"));
    assert.deepEqual(signed().slice(2), ["Downloading", "Downloaded", "SignatureVerified", "InstallScheduled"]);
    assert.equal(files.count("GET", "/fw-later.bin"), 1);
    assert.equal(m.fm.firmware.phase, "installScheduled");

    m.charger.advance(600_000);
    await settle();
    assert.equal(m.reboots, 0, "no install before installDateTime");
    assert.equal(signed().at(-1), "InstallScheduled");

    m.charger.advance(300_000);
    await waitFor("reboot", () => m.reboots === 1);
    assert.deepEqual(signed().slice(2), ["Downloading", "Downloaded", "SignatureVerified", "InstallScheduled", "Installing"]);
    assert.ok(
      csms.calls("SignedFirmwareStatusNotification").every((c) => c.params.status === "DownloadScheduled" || c.params.requestId === 90),
    );
    assert.deepEqual(m.slot.pendingImage, image);
  });

  it("dates in the past: no DownloadScheduled or InstallScheduled, straight to Installing", async function () {
    const m = await charger();
    const key = await signer(m);
    const image = firmwareImage(5_000);
    files.files.set("/fw-now.bin", image);
    const past = new Date(Date.now() - 5000).toISOString();
    const conf = await csms.call("SignedUpdateFirmware", {
      requestId: 91,
      retries: 0,
      firmware: {
        location: files.url("/fw-now.bin"),
        retrieveDateTime: past,
        installDateTime: past,
        signingCertificate: key.pem,
        signature: sign("sha256", image, key.keyPem).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "Accepted" });
    m.charger.advance(0);
    await waitFor("reboot", () => m.reboots === 1);
    assert.deepEqual(signed(), ["Downloading", "Downloaded", "SignatureVerified", "Installing"]);
  });

  it("a new request while an install is scheduled cancels it: AcceptedCanceled, the first image is never installed", async function () {
    const m = await charger();
    const key = await signer(m);
    const image = firmwareImage(8_000);
    files.files.set("/fw-a.bin", image);
    const base = Date.now();
    const request = (requestId: number, installInMs: number) => ({
      requestId,
      retries: 0,
      firmware: {
        location: files.url("/fw-a.bin"),
        retrieveDateTime: new Date(base - 5000).toISOString(),
        installDateTime: new Date(base + installInMs).toISOString(),
        signingCertificate: key.pem,
        signature: sign("sha256", image, key.keyPem).toString("base64"),
      },
    });
    assert.deepEqual(await csms.call("SignedUpdateFirmware", request(92, 3_600_000)), { status: "Accepted" });
    m.charger.advance(0);
    await waitFor("InstallScheduled", () => signed().includes("InstallScheduled"));
    assert.deepEqual(await csms.call("SignedUpdateFirmware", request(93, 3_600_000)), { status: "AcceptedCanceled" });
    m.charger.advance(0);
    await waitFor("second InstallScheduled", () => signed().filter((s) => s === "InstallScheduled").length === 2);
    const second = csms.calls("SignedFirmwareStatusNotification").slice(4);
    assert.ok(
      second.every((c) => c.params.requestId === 93),
      JSON.stringify(second.map((c) => c.params)),
    );
    assert.equal(m.reboots, 0);
  });
});
