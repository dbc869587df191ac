/**
 * OCTT Security white paper cases (TC_075_1 … TC_085) and the security
 * events, through the booted firmware against the strict ocpp-rpc CSMS on
 * 127.0.0.1 (every frame checked against the official 1.6 schemas, which
 * include the white paper's messages).
 */
import { strict as assert } from "node:assert";
import { runUntil } from "../support/firmware-rig.ts";
import { advance, T0_MS } from "../support/profile-harness.ts";
import { SecurityHarness, securityStorage, UploadServer } from "./helpers.ts";
import { CertificateFactory } from "../support/test-pki.ts";

describe("OCPP 1.6 Security white paper on the booted firmware", function () {
  this.timeout(60_000);
  let h: SecurityHarness;
  let certs: CertificateFactory;
  let uploads: UploadServer;

  beforeEach(async () => {
    h = new SecurityHarness();
    await h.open();
    certs = new CertificateFactory();
    uploads = new UploadServer();
    await uploads.listen();
  });

  afterEach(async () => {
    await h.close();
    await uploads.close();
    certs.dispose();
  });

  describe("SecurityEventNotification and the security log", () => {
    it("StartupOfTheDevice goes out after BootNotification Accepted with the CSMS time, and is in the security log", async () => {
      const rig = await h.boot();
      await runUntil(rig.bench, "StartupOfTheDevice", () => h.eventTypes().includes("StartupOfTheDevice"));
      const event = h.calls("SecurityEventNotification").find((c) => c.params.type === "StartupOfTheDevice")!;
      const sentAt = Date.parse(String(event.params.timestamp));
      assert.ok(sentAt >= T0_MS - 60_000 && sentAt <= T0_MS + 60_000, `timestamp ${String(event.params.timestamp)} near the CSMS time`);
      assert.match(rig.fw.security.events.exportText(), /StartupOfTheDevice firmware /);
      const bootIndex = h.csms.actions().indexOf("BootNotification");
      assert.ok(h.csms.actions().indexOf("SecurityEventNotification") > bootIndex, "not before the BootNotification");
    });

    it("events the CSMS never confirmed, and ResetOrReboot (logged before a Reset), are sent at the next boot, and only once", async () => {
      let answer = false;
      h.csms.handlers.set("SecurityEventNotification", () => (answer ? {} : new Promise(() => undefined)));
      const storage = securityStorage();
      const first = await h.boot(storage);
      assert.equal((await h.call(first, "Reset", { type: "Hard" })).status, "Accepted");
      await runUntil(first.bench, "reboot requested", () => first.bench.reboots.length > 0, 60_000);
      await runUntil(first.bench, "StartupOfTheDevice sent (never answered)", () => h.eventTypes().includes("StartupOfTheDevice"));
      assert.match(first.fw.security.events.exportText(), /ResetOrReboot hard reset/);
      assert.ok(!h.eventTypes().includes("ResetOrReboot"), "not sent on a socket about to die");
      h.powerCut(first);
      const before = h.eventTypes().length;

      answer = true;
      const second = await h.boot(storage);
      await runUntil(second.bench, "events of the first boot", () => h.eventTypes().slice(before).length >= 3);
      const resent = h.eventTypes().slice(before);
      assert.deepEqual(resent.slice().sort(), ["ResetOrReboot", "StartupOfTheDevice", "StartupOfTheDevice"]);
      // The first boot's StartupOfTheDevice was logged before its clock was set: sent again at this
      // boot, it carries the time the first boot sent it with (kept in NVS), not 1970.
      const events = h.calls("SecurityEventNotification");
      const firstSent = events.slice(0, before).find((c) => c.params.type === "StartupOfTheDevice");
      const firstResent = events.slice(before).find((c) => c.params.type === "StartupOfTheDevice");
      assert.ok(firstSent && firstResent);
      assert.equal(Date.parse(String(firstResent.params.timestamp)), Date.parse(String(firstSent.params.timestamp)));
      for (const event of events.slice(before)) assert.ok(Date.parse(String(event.params.timestamp)) >= T0_MS - 60_000, "a real time");
      await advance(second, 2_000);
      h.powerCut(second);

      const after = h.eventTypes().length;
      const third = await h.boot(storage);
      await runUntil(third.bench, "StartupOfTheDevice of the third boot", () => h.eventTypes().length > after);
      await advance(third, 2_000);
      assert.deepEqual(h.eventTypes().slice(after), ["StartupOfTheDevice"], "delivered events are not sent again");
    });

    it("an event of a boot that never had the time goes out at the next boot with the time of sending, and says so", async () => {
      const accept = h.csms.handlers.get("BootNotification")!;
      h.csms.handlers.set("BootNotification", () => new Promise(() => undefined)); // never answered: no clock
      const storage = securityStorage();
      const first = await h.boot(storage, {}, true, false);
      await advance(first, 5_000);
      assert.match(first.fw.security.events.exportText(), /^1970-\S+\? StartupOfTheDevice/m);
      h.powerCut(first);
      h.csms.handlers.set("BootNotification", accept);
      const before = h.calls("SecurityEventNotification").length;
      const second = await h.boot(storage);
      await runUntil(second.bench, "both boots' StartupOfTheDevice", () => h.eventTypes().slice(before).length >= 2);
      const events = h.calls("SecurityEventNotification").slice(before);
      const unknown = events.filter((c) => String(c.params.techInfo ?? "").includes("logged before the clock was set"));
      assert.equal(unknown.length, 1, "the first boot's event, and only it, is marked");
      assert.equal(unknown[0].params.type, "StartupOfTheDevice");
      for (const event of events) {
        const sentAt = Date.parse(String(event.params.timestamp));
        assert.ok(sentAt >= T0_MS - 60_000 && sentAt <= T0_MS + 60_000, `timestamp ${String(event.params.timestamp)} near the CSMS time`);
      }
    });
  });

  describe("Certificate management", () => {
    it("TC_075_1 / TC_075_2: InstallCertificate Manufacturer and CentralSystem roots → Accepted; GetInstalledCertificateIds lists each with openssl's CertID", async () => {
      const rig = await h.boot();
      assert.deepEqual(await h.call(rig, "GetInstalledCertificateIds", { certificateType: "ManufacturerRootCertificate" }), {
        status: "NotFound",
      });
      const manufacturer = certs.root("Manufacturer Root", 3650, 4095);
      const central = certs.root("CSMS Root", 3650, 0x1234567);
      assert.equal(
        (await h.call(rig, "InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: manufacturer.pem })).status,
        "Accepted",
      );
      assert.equal(
        (await h.call(rig, "InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: central.pem })).status,
        "Accepted",
      );
      for (const [type, cert] of [
        ["ManufacturerRootCertificate", manufacturer],
        ["CentralSystemRootCertificate", central],
      ] as const) {
        const answer = await h.call(rig, "GetInstalledCertificateIds", { certificateType: type });
        assert.equal(answer.status, "Accepted");
        assert.equal(answer.certificateHashData.length, 1);
        const hash = answer.certificateHashData[0];
        assert.equal(hash.hashAlgorithm, "SHA256");
        assert.equal(hash.issuerNameHash.toUpperCase(), cert.issuerNameHash);
        assert.equal(hash.issuerKeyHash.toUpperCase(), cert.issuerKeyHash);
        assert.equal(hash.serialNumber, cert.serialNumber.replace(/^0+/, ""), "hex without leading zeroes");
      }
      assert.equal(
        (await h.call(rig, "GetInstalledCertificateIds", { certificateType: "ManufacturerRootCertificate" })).certificateHashData[0]
          .serialNumber,
        "FFF",
      );
      // The CentralSystemRootCertificate is the wss:// CA list from now on.
      const cas = rig.fw.security.certificates.pems("CentralSystemRootCertificate");
      assert.equal(cas.length, 1);
      assert.equal(cas[0].replace(/\s+/g, ""), central.pem.replace(/\s+/g, ""), "PEM back from DER");
    });

    it("installed roots survive a reboot and feed the connection's CA list", async () => {
      const storage = securityStorage();
      const rig = await h.boot(storage);
      const central = certs.root("CSMS Root", 3650, 77);
      assert.equal(
        (await h.call(rig, "InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: central.pem })).status,
        "Accepted",
      );
      h.powerCut(rig);
      const again = await h.boot(storage);
      const answer = await h.call(again, "GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" });
      assert.equal(answer.status, "Accepted");
      assert.equal(answer.certificateHashData[0].serialNumber, "4D");
    });

    it("TC_076: DeleteCertificate → Accepted, then no longer listed; deleting again → NotFound", async () => {
      const rig = await h.boot();
      const central = certs.root("CSMS Root", 3650, 1000);
      const other = certs.root("Other Root", 3650, 1001);
      await h.call(rig, "InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: central.pem });
      await h.call(rig, "InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: other.pem });
      const listed = await h.call(rig, "GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" });
      assert.equal(listed.certificateHashData.length, 2);
      const target = listed.certificateHashData[0];
      assert.deepEqual(await h.call(rig, "DeleteCertificate", { certificateHashData: target }), { status: "Accepted" });
      const rest = await h.call(rig, "GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" });
      assert.equal(rest.certificateHashData.length, 1);
      assert.notEqual(rest.certificateHashData[0].serialNumber, target.serialNumber);
      assert.deepEqual(await h.call(rig, "DeleteCertificate", { certificateHashData: target }), { status: "NotFound" });
      assert.deepEqual(await h.call(rig, "DeleteCertificate", { certificateHashData: rest.certificateHashData[0] }), {
        status: "Accepted",
      });
      assert.deepEqual(await h.call(rig, "GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" }), {
        status: "NotFound",
      });
    });

    it("TC_078: an invalid CentralSystemRootCertificate → Rejected and SecurityEventNotification InvalidCentralSystemCertificate (garbage, expired, not a root)", async () => {
      const rig = await h.boot();
      const garbage =
        "-----BEGIN CERTIFICATE-----\nTUlJQmtUQ0NBVGVnQXdJQkFnSUJBVEFLQmdncWhrak9QUVFEQWpBUU1RNHdEQVlEVlFRRERBVlNiMjkw\n-----END CERTIFICATE-----\n";
      const expired = certs.root("Old Root", 30, 5); // valid 30 days from today, long over at the CSMS time (2030)
      certs.root("Issuer", 3650, 6);
      const leaf = certs.leafOfLast("Leaf", 7);
      const cases = [garbage, "not a certificate", expired.pem, leaf.pem];
      for (let i = 0; i < cases.length; i++) {
        const answer = await h.call(rig, "InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: cases[i] });
        assert.equal(answer.status, "Rejected", `case ${i}`);
        await runUntil(
          rig.bench,
          `InvalidCentralSystemCertificate #${i + 1}`,
          () => h.eventTypes().filter((t) => t === "InvalidCentralSystemCertificate").length >= i + 1,
        );
      }
      assert.deepEqual(await h.call(rig, "GetInstalledCertificateIds", { certificateType: "CentralSystemRootCertificate" }), {
        status: "NotFound",
      });
    });

    it("CertificateStoreMaxLength: a root beyond it → Rejected; the keys are reported read-only", async () => {
      const rig = await h.boot();
      const config = await h.call(rig, "GetConfiguration", {
        key: ["CertificateStoreMaxLength", "AdditionalRootCertificateCheck", "SecurityProfile"],
      });
      const byKey = new Map<string, { readonly: boolean; value?: string }>(
        config.configurationKey.map((k: { key: string; readonly: boolean; value?: string }) => [k.key, k]),
      );
      assert.equal(byKey.get("CertificateStoreMaxLength")?.readonly, true);
      assert.equal(byKey.get("AdditionalRootCertificateCheck")?.value, "false");
      assert.equal(byKey.get("SecurityProfile")?.value, "0");
      const max = Number(byKey.get("CertificateStoreMaxLength")?.value);
      for (let i = 0; i < max; i++) {
        const type = i % 2 === 0 ? "CentralSystemRootCertificate" : "ManufacturerRootCertificate";
        assert.equal(
          (await h.call(rig, "InstallCertificate", { certificateType: type, certificate: certs.root(`Root ${i}`, 3650, 100 + i).pem }))
            .status,
          "Accepted",
        );
      }
      const extra = certs.root("One too many", 3650, 999);
      assert.equal(
        (await h.call(rig, "InstallCertificate", { certificateType: "ManufacturerRootCertificate", certificate: extra.pem })).status,
        "Rejected",
      );
    });
  });

  describe("ExtendedTriggerMessage", () => {
    it("answers each requested message like TriggerMessage and sends it after the answer", async () => {
      const rig = await h.boot();
      const ask = async (requestedMessage: string, connectorId?: number): Promise<string> =>
        (await h.call(rig, "ExtendedTriggerMessage", connectorId === undefined ? { requestedMessage } : { requestedMessage, connectorId }))
          .status;
      assert.equal(await ask("BootNotification"), "Rejected", "already Accepted");
      const heartbeats = h.calls("Heartbeat").length;
      assert.equal(await ask("Heartbeat"), "Accepted");
      await runUntil(rig.bench, "Heartbeat", () => h.calls("Heartbeat").length > heartbeats);
      const statuses = h.calls("StatusNotification").length;
      assert.equal(await ask("StatusNotification", 1), "Accepted");
      await runUntil(rig.bench, "StatusNotification 1", () =>
        h
          .calls("StatusNotification")
          .slice(statuses)
          .some((c) => c.params.connectorId === 1),
      );
      assert.equal(await ask("MeterValues", 1), "Accepted");
      await runUntil(rig.bench, "MeterValues Trigger", () => h.calls("MeterValues").length > 0);
      assert.equal(await ask("LogStatusNotification"), "Accepted");
      await runUntil(rig.bench, "LogStatusNotification Idle", () =>
        h.calls("LogStatusNotification").some((c) => c.params.status === "Idle" && c.params.requestId === undefined),
      );
      assert.equal(await ask("FirmwareStatusNotification"), "NotImplemented", "no firmware slot on this rig");
      assert.equal(await ask("SignChargePointCertificate"), "NotImplemented");
      assert.equal(await ask("StatusNotification", 2), "Rejected", "one connector only");
    });
  });

  describe("GetLog", () => {
    it("TC_079: GetLog SecurityLog → Accepted with a file name; LogStatusNotification Uploading → Uploaded with the requestId; the file holds the security log", async () => {
      const rig = await h.boot();
      await runUntil(rig.bench, "StartupOfTheDevice", () => h.eventTypes().includes("StartupOfTheDevice"));
      const answer = await h.call(rig, "GetLog", { logType: "SecurityLog", requestId: 42, log: { remoteLocation: uploads.url } });
      assert.equal(answer.status, "Accepted");
      assert.match(answer.filename, /^OXS0001-securitylog-/);
      await runUntil(rig.bench, "Uploaded", () => h.calls("LogStatusNotification").some((c) => c.params.status === "Uploaded"));
      assert.deepEqual(
        h.calls("LogStatusNotification").map((c) => `${String(c.params.status)}:${String(c.params.requestId)}`),
        ["Uploading:42", "Uploaded:42"],
      );
      assert.equal(uploads.puts.length, 1);
      assert.equal(uploads.puts[0].path, `/logs/${answer.filename}`);
      assert.match(uploads.puts[0].body, /StartupOfTheDevice/);
    });

    it("GetLog DiagnosticsLog uploads the OCPP frames; a server that refuses ends in UploadFailure", async () => {
      const rig = await h.boot();
      const answer = await h.call(rig, "GetLog", { logType: "DiagnosticsLog", requestId: 7, log: { remoteLocation: uploads.url } });
      assert.equal(answer.status, "Accepted");
      await runUntil(rig.bench, "Uploaded", () => h.calls("LogStatusNotification").some((c) => c.params.status === "Uploaded"));
      assert.match(uploads.puts[0].body, /BootNotification/);
      uploads.statusFor = () => 500;
      const failing = await h.call(rig, "GetLog", {
        logType: "SecurityLog",
        requestId: 8,
        retries: 0,
        log: { remoteLocation: uploads.url },
      });
      assert.equal(failing.status, "Accepted");
      await runUntil(rig.bench, "UploadFailure", () => h.calls("LogStatusNotification").some((c) => c.params.status === "UploadFailure"));
      assert.equal(h.calls("LogStatusNotification").find((c) => c.params.status === "UploadFailure")!.params.requestId, 8);
    });

    it("a GetLog while an upload waits for its retry cancels it → AcceptedCanceled; only the new request is reported from then on", async () => {
      const rig = await h.boot();
      uploads.statusFor = () => 503;
      assert.equal(
        (
          await h.call(rig, "GetLog", {
            logType: "SecurityLog",
            requestId: 1,
            retries: 3,
            retryInterval: 600,
            log: { remoteLocation: uploads.url },
          })
        ).status,
        "Accepted",
      );
      await runUntil(rig.bench, "first attempt", () => uploads.puts.length >= 1);
      uploads.statusFor = () => 201;
      assert.equal(
        (await h.call(rig, "GetLog", { logType: "SecurityLog", requestId: 2, log: { remoteLocation: uploads.url } })).status,
        "AcceptedCanceled",
      );
      await runUntil(rig.bench, "Uploaded 2", () => h.calls("LogStatusNotification").some((c) => c.params.status === "Uploaded"));
      await advance(rig, 1_300_000, 1000);
      const reported = h.calls("LogStatusNotification").map((c) => `${String(c.params.status)}:${String(c.params.requestId)}`);
      assert.deepEqual(reported, ["Uploading:1", "Uploading:2", "Uploaded:2"]);
      assert.equal(uploads.puts.length, 2, "no retry of the canceled upload");
    });

    it("without an HTTP client GetLog is not offered (CALLERROR) and LogStatusNotification cannot be triggered", async () => {
      const rig = await h.boot(securityStorage(), {}, false);
      const answer = await h.call(rig, "GetLog", { logType: "SecurityLog", requestId: 1, log: { remoteLocation: uploads.url } });
      assert.equal(answer.callError, "NotSupported");
      assert.equal((await h.call(rig, "ExtendedTriggerMessage", { requestedMessage: "LogStatusNotification" })).status, "NotImplemented");
    });
  });

  describe("Security profiles and Basic authentication", () => {
    const KEY_HEX = "4F43415F4F4354545F61646D696E5F74657374"; // "OCA_OCTT_admin_test", TC_073

    it("TC_085: the Basic-auth user is the identity of the URL and the password the hex-decoded AuthorizationKey", async () => {
      const rig = await h.boot();
      const connections = h.csms.connections;
      await h.configure(rig, "AuthorizationKey", "0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF");
      await runUntil(rig.bench, "reconnected", () => h.csms.connections > connections);
      const handshake = h.csms.handshakes[h.csms.handshakes.length - 1];
      assert.equal(handshake.identity, "OXS0001");
      assert.deepEqual(Buffer.from(handshake.password ?? "", "latin1"), Buffer.from("0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF", "hex"));
      await runUntil(rig.bench, "ReconfigurationOfSecurityParameters", () =>
        h.eventTypes().includes("ReconfigurationOfSecurityParameters"),
      );
      const event = h.calls("SecurityEventNotification").find((c) => c.params.type === "ReconfigurationOfSecurityParameters")!;
      assert.doesNotMatch(JSON.stringify(event.params), /0001020304/, "the key is never reported");
      assert.doesNotMatch(rig.fw.security.events.exportText(), /0001020304/, "nor logged");
    });

    it("TC_083: SecurityProfile 0 → 1 needs an AuthorizationKey; then Accepted, persisted, reconnect with Basic auth; 1 → 2 without a CA → Rejected", async () => {
      const storage = securityStorage();
      const rig = await h.boot(storage);
      assert.equal(
        (await h.call(rig, "ChangeConfiguration", { key: "SecurityProfile", value: "1" })).status,
        "Rejected",
        "no password yet",
      );
      await h.configure(rig, "AuthorizationKey", KEY_HEX);
      await advance(rig, 2_000);
      h.csms.passwords = ["OCA_OCTT_admin_test"];
      const connections = h.csms.connections;
      assert.equal((await h.call(rig, "ChangeConfiguration", { key: "SecurityProfile", value: "1" })).status, "Accepted");
      await runUntil(rig.bench, "reconnected", () => h.csms.connections > connections);
      assert.equal(h.csms.handshakes[h.csms.handshakes.length - 1].password, "OCA_OCTT_admin_test");
      assert.equal(rig.fw.chargePoint.config.int("SecurityProfile"), 1);
      assert.equal(
        (await h.call(rig, "ChangeConfiguration", { key: "SecurityProfile", value: "2" })).status,
        "Rejected",
        "no CentralSystemRootCertificate",
      );
      assert.equal(
        (await h.call(rig, "ChangeConfiguration", { key: "SecurityProfile", value: "3" })).status,
        "Rejected",
        "no charge point certificate",
      );
      h.powerCut(rig);
      const again = await h.boot(storage);
      const reported = await h.call(again, "GetConfiguration", { key: ["SecurityProfile"] });
      assert.equal(reported.configurationKey[0].value, "1");
    });

    it("SecurityProfile 2 with an installed CentralSystemRootCertificate: Accepted, and the charger reconnects over wss:// (refused here: no TLS server, so it keeps retrying)", async () => {
      const rig = await h.boot();
      await h.configure(rig, "AuthorizationKey", KEY_HEX);
      await advance(rig, 2_000);
      const central = certs.root("CSMS Root", 3650, 3);
      assert.equal(
        (await h.call(rig, "InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: central.pem })).status,
        "Accepted",
      );
      const handshakes = h.csms.handshakes.length;
      assert.equal((await h.call(rig, "ChangeConfiguration", { key: "SecurityProfile", value: "2" })).status, "Accepted");
      await advance(rig, 30_000, 100);
      assert.equal(h.csms.handshakes.length, handshakes, "no plain ws:// handshake after the raise");
      assert.ok(
        rig.bench.log.lines.some((l) => l.includes("wss://127.0.0.1")),
        "connects to wss:// of the same host",
      );
    });

    it("TC_084: SecurityProfile can never be lowered or set to the same value → Rejected", async () => {
      const rig = await h.boot();
      await h.configure(rig, "AuthorizationKey", KEY_HEX);
      await advance(rig, 2_000);
      await h.configure(rig, "SecurityProfile", "1");
      await advance(rig, 2_000);
      assert.equal((await h.call(rig, "ChangeConfiguration", { key: "SecurityProfile", value: "0" })).status, "Rejected");
      assert.equal((await h.call(rig, "ChangeConfiguration", { key: "SecurityProfile", value: "1" })).status, "Rejected");
      assert.equal(rig.fw.chargePoint.config.int("SecurityProfile"), 1);
    });
  });
});
