/**
 * SignedUpdateFirmware (OCTT TC_080, SEC L01) through the real boot wiring (bootFirmware): the
 * host platform with a file firmware slot and HTTP, a strict ocpp-rpc CSMS and an HTTP server on
 * 127.0.0.1, a ManufacturerRootCertificate installed over OCPP and an image signed with Node's
 * crypto (ECDSA P-256, SHA-256). Virtual time drives the firmware; the board restarts with the
 * same storage and reports Installed with the requestId after its BootNotification.
 */
import { strict as assert } from "node:assert";
import { sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimulatedBoard } from "hal/sim/charger";
import { FileFirmwareSlot } from "platform/host/firmware-slot-file";
import { NodeHttpClient } from "platform/host/http-node";
import { TestCsms } from "../support/csms-harness.ts";
import { FileServer, firmwareImage } from "../support/file-server.ts";
import { boot, newStorage, runUntil, type Bench, type BootExtras, type Storage } from "../support/firmware-rig.ts";
import { CertificateFactory } from "../support/test-pki.ts";

describe("SignedUpdateFirmware through the booted firmware (TC_080)", function () {
  this.timeout(30_000);
  let csms: TestCsms;
  let files: FileServer;
  let certs: CertificateFactory;
  let dir: string;
  const running: Bench[] = [];

  beforeEach(async () => {
    csms = new TestCsms();
    await csms.listen();
    files = new FileServer();
    await files.listen();
    certs = new CertificateFactory();
    dir = mkdtempSync(join(tmpdir(), "oxs-signed-fw-"));
  });

  afterEach(async () => {
    for (const bench of running.splice(0)) bench.firmware.stop();
    await csms.close();
    await files.close();
    certs.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(storage: Storage, extras: BootExtras, startMs = 0): Bench {
    const sim = createSimulatedBoard({ connectors: 1 });
    const bench = boot(storage, sim, { deviceId: "OXS0001", csmsUrlTemplate: csms.url }, startMs, extras);
    running.push(bench);
    return bench;
  }

  function managed(slotPath: string, firmwareVersion?: string): BootExtras {
    return { platform: { http: new NodeHttpClient(), firmwareSlot: new FileFirmwareSlot(slotPath) }, firmwareVersion };
  }

  /** A CALL from the CSMS while virtual time moves on. */
  async function csmsCall(bench: Bench, action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    let answer: Record<string, unknown> | undefined;
    let failure: unknown;
    csms.call(action, params).then(
      (conf: Record<string, unknown>) => (answer = conf),
      (error: unknown) => (failure = error),
    );
    await runUntil(bench, `answer to ${action}`, () => answer !== undefined || failure !== undefined);
    if (failure !== undefined) throw failure;
    return answer as Record<string, unknown>;
  }

  const signedStatuses = (): string[] => csms.calls("SignedFirmwareStatusNotification").map((c) => String(c.params.status));

  it("TC_080: Downloading, Downloaded, SignatureVerified, Installing, hard reboot, Installed after the next boot — all with the requestId", async () => {
    const slotPath = join(dir, "firmware-next.bin");
    const storage = newStorage();
    const first = start(storage, managed(slotPath));
    await runUntil(
      first,
      "accepted and statuses",
      () => first.firmware.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2,
    );
    // The certificates start at the real "now" in whole seconds; the charger's clock came from the CSMS at boot.
    const root = certs.root("Manufacturer Root", 400, 0x4d11);
    const until = first.time.nowMs() + 2000;
    await runUntil(first, "2 s on", () => first.time.nowMs() >= until);
    assert.deepEqual(
      await csmsCall(first, "InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: root.pem }),
      { status: "Accepted" },
    );
    const signer = certs.leafOfLast("Firmware Signer", 0x5311);

    const image = firmwareImage(60_000);
    files.files.set("/fw/signed-0.2.0.bin", image);
    const conf = await csmsCall(first, "SignedUpdateFirmware", {
      requestId: 77,
      retries: 0,
      firmware: {
        location: files.url("/fw/signed-0.2.0.bin"),
        retrieveDateTime: new Date(Date.now() - 1000).toISOString(),
        signingCertificate: signer.pem,
        signature: sign("sha256", image, signer.keyPem!).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "Accepted" });
    await runUntil(first, "reboot requested", () => first.reboots.length > 0, 60_000);
    assert.deepEqual(first.reboots, [true], "a hard reboot into the new image");
    assert.deepEqual(signedStatuses(), ["Downloading", "Downloaded", "SignatureVerified", "Installing"]);
    assert.ok(csms.calls("SignedFirmwareStatusNotification").every((c) => c.params.requestId === 77));
    assert.deepEqual(csms.calls("FirmwareStatusNotification"), [], "no unsigned notifications");
    assert.equal(files.count("GET", "/fw/signed-0.2.0.bin"), 1);
    assert.deepEqual(new Uint8Array(readFileSync(slotPath)), image, "the file slot holds the served image");

    // The board restarts: RAM gone, NVS and flash kept; the new image reports its own version.
    first.firmware.stop();
    running.splice(running.indexOf(first), 1);
    const receivedBefore = csms.received.length;
    const second = start(storage, managed(slotPath, "0.2.0"), first.time.nowMs());
    await runUntil(second, "Installed", () => signedStatuses().length === 5, 60_000);
    assert.equal(signedStatuses()[4], "Installed");
    assert.equal(csms.calls("SignedFirmwareStatusNotification")[4].params.requestId, 77);
    const after = csms.received.slice(receivedBefore).map((c) => c.action);
    assert.equal(after[0], "BootNotification");
    assert.equal(csms.calls("BootNotification").at(-1)?.params.firmwareVersion, "0.2.0");
    // A triggered status after Installed is Idle [SEC L01].
    assert.equal((await csmsCall(second, "ExtendedTriggerMessage", { requestedMessage: "FirmwareStatusNotification" })).status, "Accepted");
    await runUntil(second, "triggered Idle", () => signedStatuses().length === 6);
    assert.equal(signedStatuses()[5], "Idle");
  });

  it("an image that does not match the signature: InvalidSignature with the requestId, no reboot, event InvalidFirmwareSignature", async () => {
    const slotPath = join(dir, "firmware-next.bin");
    const bench = start(newStorage(), managed(slotPath));
    await runUntil(bench, "accepted", () => bench.firmware.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2);
    const root = certs.root("Manufacturer Root", 400, 0x4d12);
    const until = bench.time.nowMs() + 2000;
    await runUntil(bench, "2 s on", () => bench.time.nowMs() >= until);
    assert.deepEqual(
      await csmsCall(bench, "InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: root.pem }),
      { status: "Accepted" },
    );
    const signer = certs.leafOfLast("Firmware Signer", 0x5312);
    files.files.set("/fw/bad.bin", firmwareImage(10_000));
    const conf = await csmsCall(bench, "SignedUpdateFirmware", {
      requestId: 78,
      retries: 0,
      firmware: {
        location: files.url("/fw/bad.bin"),
        retrieveDateTime: new Date(Date.now() - 1000).toISOString(),
        signingCertificate: signer.pem,
        signature: sign("sha256", firmwareImage(10_001), signer.keyPem!).toString("base64"),
      },
    });
    assert.deepEqual(conf, { status: "Accepted" });
    await runUntil(bench, "InvalidSignature", () => signedStatuses().includes("InvalidSignature"), 60_000);
    await runUntil(bench, "security event", () =>
      csms.calls("SecurityEventNotification").some((c) => c.params.type === "InvalidFirmwareSignature"),
    );
    assert.deepEqual(signedStatuses(), ["Downloading", "Downloaded", "InvalidSignature"]);
    assert.ok(csms.calls("SignedFirmwareStatusNotification").every((c) => c.params.requestId === 78));
    assert.deepEqual(bench.reboots, []);
  });
});
