/**
 * The charge point's own certificate (OCTT TC_074, TC_077, TC_087): key pair
 * and CSR on ExtendedTriggerMessage SignChargePointCertificate, signed by an
 * openssl CA at test time, CertificateSigned against the strict ocpp-rpc
 * CSMS; then the chain and key as TLS client credentials against a
 * 127.0.0.1 TLS server that requires client certificates.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { WebSocketServer } from "ws";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { WsWebSocketFactory } from "platform/host/websocket-ws";
import { tlsSecureOptions } from "platform/common/tls-options";
import { attachSecurity, type Security } from "ocpp/security/attach";
import { ChargePointIdentity } from "ocpp/security/charge-point-identity";
import { TestCharger, TestCsms } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { CertificateFactory } from "../support/test-pki.ts";

describe("charge point certificate: SignCertificate / CertificateSigned / profile 3", function () {
  this.timeout(30_000);
  let csms: TestCsms;
  let certs: CertificateFactory;
  const chargers: TestCharger[] = [];

  beforeEach(async () => {
    csms = new TestCsms();
    await csms.listen();
    certs = new CertificateFactory();
  });
  afterEach(async () => {
    for (const c of chargers.splice(0)) c.stop();
    await csms.close();
    certs.dispose();
  });

  async function charger(kv = new MemoryKeyValueStore()): Promise<{ c: TestCharger; security: Security }> {
    const c = new TestCharger({ csms, kv });
    chargers.push(c);
    const security = attachSecurity(c.cp, {
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
      timers: c.time,
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
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
    });
    c.start();
    await waitFor("accepted", () => c.cp.engine.accepted);
    return { c, security };
  }

  /** Signs a CSR (PEM) with root number `rootIndex` of `certs`; returns the certificate PEM. */
  function signCsr(csr: string, rootIndex: number, days = 30): string {
    return certs.signCsr(csr, rootIndex, days, 4660);
  }

  async function requestCsr(c: TestCharger): Promise<string> {
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "CpoName", value: "Example CPO" }), { status: "Accepted" });
    assert.deepEqual(await csms.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }), { status: "Accepted" });
    await waitFor("SignCertificate", () => csms.calls("SignCertificate").length === 1);
    void c;
    return String(csms.calls("SignCertificate")[0].params.csr);
  }

  it("SignChargePointCertificate is Rejected while CpoName is empty", async () => {
    await charger();
    assert.deepEqual(await csms.call("ExtendedTriggerMessage", { requestedMessage: "SignChargePointCertificate" }), { status: "Rejected" });
  });

  it("TC_074: the CSR verifies with openssl (O = CpoName, CN = serial, P-256); the signed certificate is Accepted; SecurityProfile 3 then accepted", async () => {
    const { c, security } = await charger();
    const root = certs.root("CSMS Root", 400, 0x1001);
    c.advance(2000); // certificates start at the real "now"; the charger's clock stands at its boot
    assert.deepEqual(await csms.call("InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: root.pem }), {
      status: "Accepted",
    });
    const csr = await requestCsr(c);
    const csrPath = join(certs.dir, "check.csr");
    writeFileSync(csrPath, csr);
    const text = execFileSync("openssl", ["req", "-in", csrPath, "-verify", "-noout", "-text"], {
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
    assert.match(text, /Subject: O\s?=\s?Example CPO, CN\s?=\s?CP001/);
    assert.match(text, /prime256v1|P-256/);
    assert.deepEqual(
      await csms.call("ChangeConfiguration", { key: "SecurityProfile", value: "3" }),
      { status: "Rejected" },
      "no certificate yet",
    );
    const signed = signCsr(csr, 0);
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: signed }), { status: "Accepted" });
    assert.equal(security.identity.hasCertificate, true);
    const credentials = security.identity.credentials()!;
    assert.match(credentials.keyPem, /BEGIN EC PRIVATE KEY/);
    assert.equal(credentials.certificates[0].replace(/\s/g, ""), signed.replace(/\s/g, ""));
    // Profile 3 needs a CA too: the CSMS root is installed, so 3 is now accepted.
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "SecurityProfile", value: "3" }), { status: "Accepted" });
    // Kept in NVS: a new identity on the same store has it.
    assert.equal(new ChargePointIdentity({ kv: c.kv }).hasCertificate, true);
  });

  it("TC_077: a certificate from a CA that is not installed is Rejected with InvalidChargePointCertificate", async () => {
    const { c } = await charger();
    const root = certs.root("CSMS Root", 400, 0x1001);
    certs.root("Rogue CA", 400, 0x666);
    c.advance(2000);
    assert.deepEqual(await csms.call("InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: root.pem }), {
      status: "Accepted",
    });
    const csr = await requestCsr(c);
    const rogue = signCsr(csr, 1);
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: rogue }), { status: "Rejected" });
    await waitFor("event", () => csms.calls("SecurityEventNotification").some((e) => e.params.type === "InvalidChargePointCertificate"));
  });

  it("a certificate for another key is Rejected even from the right CA", async () => {
    const { c } = await charger();
    const root = certs.root("CSMS Root", 400, 0x1001);
    const other = certs.leafOfLast("CP001", 0x77);
    c.advance(2000);
    assert.deepEqual(await csms.call("InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: root.pem }), {
      status: "Accepted",
    });
    await requestCsr(c);
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: other.pem }), { status: "Rejected" });
  });

  it("TC_087: a TLS server requiring client certificates accepts the installed chain and key, refuses a client without them", async () => {
    const { c, security } = await charger();
    const root = certs.root("CSMS Root", 400, 0x1001);
    const serverCert = certs.leafOfLast("127.0.0.1", 0x55, "IP:127.0.0.1");
    c.advance(2000);
    assert.deepEqual(await csms.call("InstallCertificate", { certificateType: "CentralSystemRootCertificate", certificate: root.pem }), {
      status: "Accepted",
    });
    assert.deepEqual(await csms.call("CertificateSigned", { certificateChain: signCsr(await requestCsr(c), 0) }), { status: "Accepted" });
    const credentials = security.identity.credentials()!;

    const peers: string[] = [];
    const errors: string[] = [];
    const server = createServer({
      key: serverCert.keyPem,
      cert: serverCert.pem,
      ca: root.pem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: "TLSv1.2",
    });
    const wss = new WebSocketServer({ server });
    wss.on("connection", (socket, request) => {
      const peer = (request.socket as import("node:tls").TLSSocket).getPeerCertificate();
      peers.push(String(peer.subject?.CN));
      socket.close();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const attempt = (withClient: boolean): Promise<string> =>
      new Promise((resolve) => {
        let opened = false;
        new WsWebSocketFactory().connect(
          {
            url: `wss://127.0.0.1:${port}/ocpp/CP001`,
            protocols: ["ocpp1.6"],
            headers: {},
            caCertificates: [root.pem],
            ...(withClient ? { clientCertificates: credentials.certificates, clientKey: credentials.keyPem } : {}),
          },
          {
            onOpen: () => (opened = true),
            onText: () => {},
            onPong: () => {},
            onError: (m) => errors.push(m),
            onClose: () => resolve(opened ? "opened" : "refused"),
          },
        );
      });
    try {
      assert.equal(await attempt(true), "opened", errors.join("; "));
      assert.deepEqual(peers, ["CP001"], "the server saw the charge point certificate");
      assert.equal(await attempt(false), "refused");
      assert.deepEqual(peers, ["CP001"]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    // The board's TLS options: the same chain and key as DER.
    const options = tlsSecureOptions("csms.example", [root.pem], { certificates: credentials.certificates, key: credentials.keyPem });
    assert.equal(options.clientCertificates?.length, 1);
    assert.deepEqual(new Uint8Array(options.clientCertificates![0]), credentials.certificatesDer[0]);
    assert.deepEqual(new Uint8Array(options.clientKey!), credentials.keyDer);
    assert.equal(tlsSecureOptions("csms.example", [root.pem]).clientCertificates, undefined);
  });
});
