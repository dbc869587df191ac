/**
 * SignedUpdateFirmware (OCTT TC_080/081, SEC L01) against the strict
 * ocpp-rpc CSMS and a 127.0.0.1 HTTP server: a charger with Firmware
 * Management (simulated slot) and the Security white paper attached, a
 * ManufacturerRootCertificate and a signing certificate made by openssl at
 * test time, images signed with Node's crypto (ECDSA P-256, SHA-256).
 */
import { strict as assert } from "node:assert";
import { sign } from "node:crypto";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { attachSecurity } from "ocpp/security/attach";
import { TestCsms } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { FileServer, firmwareImage } from "../support/file-server.ts";
import { statusesOf, useManagedRig, type ManagedCharger } from "../support/managed-charger.ts";
import { CertificateFactory } from "../support/test-pki.ts";

describe("SignedUpdateFirmware (TC_080, TC_081)", function () {
  this.timeout(30_000);
  const rig = useManagedRig({ files: true });
  let csms: TestCsms;
  let files: FileServer;
  let certs: CertificateFactory;

  beforeEach(function () {
    ({ csms, files } = rig);
    certs = new CertificateFactory();
  });
  afterEach(function () {
    certs.dispose();
  });

  /** A charger with Firmware Management and Security; the same kv for a "reboot". */
  async function charger(kv: MemoryKeyValueStore, firmwareVersion = "0.1.0"): Promise<ManagedCharger> {
    const m = await rig.charger({ kv, firmwareVersion });
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
      firmwareVersion,
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

  const signedStatuses = (): string[] => statusesOf(csms, "SignedFirmwareStatusNotification");
  const past = (): string => new Date(Date.now() - 1000).toISOString();
  const events = (): string[] => csms.calls("SecurityEventNotification").map((c) => String(c.params.type));

  /**
   * Installs a manufacturer root and returns a signing certificate under it with its key.
   * The certificates start at the real "now" (whole seconds) while the charger's clock stands
   * at the CSMS time of its boot: it is moved on 2 s so they are valid for it.
   */
  async function signer(m: ManagedCharger): Promise<{ pem: string; keyPem: string }> {
    const root = certs.root("Manufacturer Root", 400, 0x4d01);
    m.charger.advance(2000);
    assert.deepEqual(await csms.call("InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: root.pem }), {
      status: "Accepted",
    });
    const leaf = certs.leafOfLast("Firmware Signer", 0x5301);
    return { pem: leaf.pem, keyPem: leaf.keyPem! };
  }

  it("TC_080: Downloading, Downloaded, SignatureVerified, Installing, reboot, Installed — every status with the requestId", async function () {
    const kv = new MemoryKeyValueStore();
    const first = await charger(kv);
    const key = await signer(first);
    const image = firmwareImage(50_000);
    files.files.set("/fw-signed.bin", image);
    const conf = await csms.call("SignedUpdateFirmware", {
      requestId: 42,
      retries: 0,
      firmware: {
        location: files.url("/fw-signed.bin"),
        retrieveDateTime: past(),
        signingCertificate: key.pem,
        signature: sign("sha256", image, key.keyPem).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "Accepted" });
    first.charger.advance(0);
    await waitFor("reboot", () => first.reboots === 1);
    assert.deepEqual(signedStatuses(), ["Downloading", "Downloaded", "SignatureVerified", "Installing"]);
    assert.ok(csms.calls("SignedFirmwareStatusNotification").every((c) => c.params.requestId === 42));
    assert.deepEqual(statusesOf(csms, "FirmwareStatusNotification"), [], "no unsigned notifications");
    assert.deepEqual(first.slot.pendingImage, image);

    first.charger.stop();
    await charger(kv, "0.2.0");
    await waitFor("Installed", () => signedStatuses().length === 5);
    assert.equal(signedStatuses()[4], "Installed");
    assert.equal(csms.calls("SignedFirmwareStatusNotification")[4].params.requestId, 42);
  });

  it("TC_081: a signature over another image: Downloading, Downloaded, InvalidSignature, event InvalidFirmwareSignature, no install", async function () {
    const kv = new MemoryKeyValueStore();
    const m = await charger(kv);
    const key = await signer(m);
    const image = firmwareImage(20_000);
    files.files.set("/fw-bad.bin", image);
    const other = firmwareImage(20_001);
    const conf = await csms.call("SignedUpdateFirmware", {
      requestId: 7,
      firmware: {
        location: files.url("/fw-bad.bin"),
        retrieveDateTime: past(),
        signingCertificate: key.pem,
        signature: sign("sha256", other, key.keyPem).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "Accepted" });
    m.charger.advance(0);
    await waitFor("InvalidSignature", () => signedStatuses().includes("InvalidSignature"));
    await waitFor("security event", () => events().includes("InvalidFirmwareSignature"));
    assert.deepEqual(signedStatuses(), ["Downloading", "Downloaded", "InvalidSignature"]);
    assert.equal(m.reboots, 0);
    assert.equal(m.slot.pendingImage, undefined, "the image was dropped");
    assert.equal(m.fm.firmware.phase, "idle");
  });

  it("a signing certificate not issued by an installed ManufacturerRootCertificate: InvalidCertificate + InvalidFirmwareSigningCertificate, nothing downloaded", async function () {
    const kv = new MemoryKeyValueStore();
    await signer(await charger(kv));
    certs.root("Other Root", 400, 0x99); // not installed
    const stranger = certs.leafOfLast("Stranger", 0x98);
    files.files.set("/fw.bin", firmwareImage(1000));
    const conf = await csms.call("SignedUpdateFirmware", {
      requestId: 8,
      firmware: {
        location: files.url("/fw.bin"),
        retrieveDateTime: past(),
        signingCertificate: stranger.pem,
        signature: sign("sha256", firmwareImage(1000), stranger.keyPem!).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "InvalidCertificate" });
    await waitFor("security event", () => events().includes("InvalidFirmwareSigningCertificate"));
    assert.equal(files.count("GET"), 0);
    assert.deepEqual(signedStatuses(), []);
  });

  it("a forged signing certificate (right issuer name, signed by another key): InvalidCertificate", async function () {
    const kv = new MemoryKeyValueStore();
    await signer(await charger(kv));
    // Same subject name as the installed root, but another key: the name matches, the signature does not.
    certs.root("Manufacturer Root", 400, 0x4d01);
    const forged = certs.leafOfLast("Forged Signer", 0x97);
    const conf = await csms.call("SignedUpdateFirmware", {
      requestId: 9,
      firmware: { location: files.url("/fw.bin"), retrieveDateTime: past(), signingCertificate: forged.pem, signature: "AAAA" },
    });
    assert.deepEqual(conf, { status: "InvalidCertificate" });
  });

  it("a download that fails (404, retries 0): Downloading, DownloadFailed with the requestId", async function () {
    const kv = new MemoryKeyValueStore();
    const m = await charger(kv);
    const key = await signer(m);
    const conf = await csms.call("SignedUpdateFirmware", {
      requestId: 11,
      retries: 0,
      firmware: {
        location: files.url("/missing.bin"),
        retrieveDateTime: past(),
        signingCertificate: key.pem,
        signature: sign("sha256", firmwareImage(10), key.keyPem).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "Accepted" });
    m.charger.advance(0);
    await waitFor("DownloadFailed", () => signedStatuses().includes("DownloadFailed"));
    assert.deepEqual(signedStatuses(), ["Downloading", "DownloadFailed"]);
    assert.ok(csms.calls("SignedFirmwareStatusNotification").every((c) => c.params.requestId === 11));
  });

  it("ExtendedTriggerMessage FirmwareStatusNotification sends SignedFirmwareStatusNotification Idle", async function () {
    await charger(new MemoryKeyValueStore());
    assert.deepEqual(await csms.call("ExtendedTriggerMessage", { requestedMessage: "FirmwareStatusNotification" }), { status: "Accepted" });
    await waitFor("Idle", () => signedStatuses().length === 1);
    assert.deepEqual(csms.calls("SignedFirmwareStatusNotification")[0].params, { status: "Idle" });
  });
});
