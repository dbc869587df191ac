/**
 * Security profile 2 (reference §1.5): wss:// against a real TLS server on
 * 127.0.0.1. A throwaway CA and server certificate are made with the
 * `openssl` CLI at test time in a temporary directory (removed afterwards;
 * no key is committed). The charger connects when the CA is among its
 * caCertificates, sends Basic auth inside TLS, and refuses (retrying with
 * back-off) a server its CAs do not vouch for.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { TestCsms, TestCharger } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { BACKOFF_BASE_MS } from "ocpp/core/connection-service";
import { hasOpenssl, makeServerPki, type ServerPki } from "../support/test-pki.ts";

/** The strict ocpp-rpc CSMS behind an https server on 127.0.0.1. */
async function tlsCsms(
  pki: ServerPki,
): Promise<{ csms: TestCsms; https: Server; tcpConnections: () => number; close: () => Promise<void> }> {
  const csms = new TestCsms();
  const https = createServer({ key: pki.keyPem, cert: pki.certPem, minVersion: "TLSv1.2" });
  https.on("upgrade", csms.server.handleUpgrade);
  const sockets = new Set<Socket>();
  let connections = 0;
  https.on("connection", (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  https.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  csms.port = (https.address() as AddressInfo).port;
  return {
    csms,
    https,
    tcpConnections: () => connections,
    close: async () => {
      await csms.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    },
  };
}

describe("wss:// (security profile 2) against a TLS server on 127.0.0.1", function () {
  let pki: ServerPki;
  let server: Awaited<ReturnType<typeof tlsCsms>> | undefined;
  let charger: TestCharger | undefined;

  before(function () {
    if (!hasOpenssl()) this.skip();
    this.timeout(20_000);
    pki = makeServerPki("Throwaway Test CA", 4660);
  });
  afterEach(async function () {
    charger?.stop();
    charger = undefined;
    await server?.close();
    server = undefined;
  });

  function wssUrl(): string {
    return `wss://127.0.0.1:${server!.csms.port}/ocpp/{deviceId}`;
  }

  it("connects when the CA is given and sends Basic auth inside TLS", async function () {
    server = await tlsCsms(pki);
    charger = new TestCharger({
      csms: server.csms,
      settings: { installationUrlTemplate: wssUrl(), caCertificates: [pki.otherCaPem, pki.caPem], chargerPassword: "0123456789abcdef" },
    });
    charger.start();
    await waitFor("Accepted over TLS", () => charger!.cp.engine.accepted);
    assert.equal(server.csms.handshakes.length, 1);
    assert.deepEqual(server.csms.handshakes[0], { identity: "CP001", password: "0123456789abcdef", protocols: ["ocpp1.6"] });
    assert.ok(
      charger.log.lines.some((l) => l.includes("security profile 2")),
      "profile 2 reported",
    );
    const boot = await server.csms.waitForCall("BootNotification");
    assert.equal(boot.params.chargePointVendor, "Wattlight");
  });

  it("refuses the server without its CA and keeps retrying with back-off", async function () {
    server = await tlsCsms(pki);
    charger = new TestCharger({
      csms: server.csms,
      settings: { installationUrlTemplate: wssUrl(), caCertificates: [], chargerPassword: "0123456789abcdef" },
    });
    charger.start();
    await waitFor(
      "first TLS attempt refused",
      () =>
        charger!.log.lines.some((l) => l.includes("websocket:")) &&
        !charger!.cp.connection.open &&
        server!.tcpConnections() === 1 &&
        charger!.log.lines.some((l) => l.includes("connection closed")),
    );
    assert.equal(server.csms.handshakes.length, 0, "no WebSocket handshake, so no credentials left the charger");
    assert.equal(charger.cp.engine.accepted, false);
    // Back-off on virtual time ("connecting" is logged synchronously when an attempt starts).
    const attempts = (): number => charger!.log.lines.filter((l) => l.includes("connecting to wss://")).length;
    assert.equal(attempts(), 1);
    charger.advance(BACKOFF_BASE_MS - 1);
    assert.equal(attempts(), 1, "no attempt before the base delay");
    charger.advance(BACKOFF_BASE_MS * 0.3 + 1);
    assert.equal(attempts(), 2, "second attempt after at most base + 30 % jitter");
    await waitFor(
      "second attempt refused",
      () => server!.tcpConnections() === 2 && charger!.log.lines.filter((l) => l.includes("connection closed")).length === 2,
    );
    charger.advance(2 * BACKOFF_BASE_MS - 1);
    assert.equal(attempts(), 2, "the second wait is doubled");
    charger.advance(2 * BACKOFF_BASE_MS * 0.3 + 1);
    assert.equal(attempts(), 3);
    await waitFor(
      "third attempt refused",
      () => server!.tcpConnections() === 3 && charger!.log.lines.filter((l) => l.includes("connection closed")).length === 3,
    );
    assert.equal(server.csms.handshakes.length, 0);
    assert.equal(charger.cp.connection.open, false);
  });

  it("refuses a server signed by a CA other than the installed one", async function () {
    server = await tlsCsms(pki);
    charger = new TestCharger({
      csms: server.csms,
      settings: { installationUrlTemplate: wssUrl(), caCertificates: [pki.otherCaPem] },
    });
    charger.start();
    await waitFor("refused", () => server!.tcpConnections() === 1 && charger!.log.lines.some((l) => l.includes("connection closed")));
    assert.equal(server.csms.handshakes.length, 0);
    assert.equal(charger.cp.engine.accepted, false);
    assert.ok(
      charger.log.lines.some((l) => /websocket: .*(certificate|issuer)/i.test(l)),
      "certificate error logged",
    );
  });
});
