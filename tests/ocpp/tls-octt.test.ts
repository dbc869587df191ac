/**
 * OCTT TC_086 (TLS server authentication, security profile 2; reference
 * §1.5, §6) against TLS servers on 127.0.0.1. A throwaway CA and EC server
 * certificate are made with the `openssl` CLI at test time in a temporary
 * directory (removed afterwards; no key is committed); skipped only when
 * openssl is absent.
 *
 * TC_087 (TLS client certificate, profile 3) is not here: the firmware has
 * no charge-point certificate and key to present.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server, type ServerOptions } from "node:https";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import tls from "node:tls";
import { TestCsms, TestCharger } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { hasOpenssl, makeServerPki, type ServerPki } from "../support/test-pki.ts";

interface Negotiated {
  protocol: string | null;
  cipher: string;
}

/** The strict ocpp-rpc CSMS behind an https server on 127.0.0.1 with the given TLS limits. */
async function tlsCsms(pki: ServerPki, limits: Pick<ServerOptions, "minVersion" | "maxVersion" | "ciphers">) {
  const csms = new TestCsms();
  const https: Server = createServer({ key: pki.keyPem, cert: pki.certPem, ...limits });
  https.on("upgrade", csms.server.handleUpgrade);
  const sockets = new Set<Socket>();
  const negotiated: Negotiated[] = [];
  let tcpConnections = 0;
  let tlsErrors = 0;
  https.on("connection", (socket: Socket) => {
    tcpConnections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  https.on("secureConnection", (socket: tls.TLSSocket) => {
    negotiated.push({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
  });
  https.on("tlsClientError", () => {
    tlsErrors++;
  });
  await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
  csms.port = (https.address() as AddressInfo).port;
  return {
    csms,
    negotiated,
    tcpConnections: () => tcpConnections,
    tlsErrors: () => tlsErrors,
    close: async (): Promise<void> => {
      await csms.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    },
  };
}

/** A plain TCP listener on 127.0.0.1 that records every byte it receives. */
async function rawListener(): Promise<{ port: number; bytes: () => Buffer; close: () => Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    bytes: () => Buffer.concat(chunks),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const PASSWORD = "0123456789abcdef";

describe("OCTT TC_086 TLS server authentication (security profile 2)", function () {
  this.timeout(20_000);
  let pki: ServerPki;
  const closers: Array<() => Promise<void> | void> = [];

  before(function () {
    if (!hasOpenssl()) this.skip();
    pki = makeServerPki("Throwaway TC_086 CA", 4661, "ocpp-tls-octt-");
  });
  afterEach(async function () {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function charger(csms: TestCsms, url: string, settings: Record<string, unknown> = {}): TestCharger {
    const c = new TestCharger({
      csms,
      settings: { installationUrlTemplate: url, caCertificates: [pki.caPem], chargerPassword: PASSWORD, ...settings },
    });
    closers.push(() => c.stop());
    c.start();
    return c;
  }

  it("TC_086 negotiates TLS 1.2 or higher (protocol seen on the server's socket) and sends Basic auth inside it", async function () {
    const server = await tlsCsms(pki, {});
    closers.push(server.close);
    const c = charger(server.csms, `wss://127.0.0.1:${server.csms.port}/ocpp/{deviceId}`);
    await waitFor("Accepted over TLS", () => c.cp.engine.accepted);
    assert.equal(server.negotiated.length, 1);
    assert.ok(["TLSv1.2", "TLSv1.3"].includes(String(server.negotiated[0].protocol)), String(server.negotiated[0].protocol));
    assert.deepEqual(server.csms.handshakes, [{ identity: "CP001", password: PASSWORD, protocols: ["ocpp1.6"] }]);
  });

  for (const cipher of ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384"]) {
    it(`TC_086 required cipher pair: a TLS 1.2 server offering only ${cipher} is accepted`, async function () {
      const server = await tlsCsms(pki, { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers: cipher });
      closers.push(server.close);
      const c = charger(server.csms, `wss://127.0.0.1:${server.csms.port}/ocpp/{deviceId}`);
      await waitFor("Accepted over TLS 1.2", () => c.cp.engine.accepted);
      assert.deepEqual(server.negotiated, [{ protocol: "TLSv1.2", cipher }]);
    });
  }

  it("TC_086 a server limited to TLS 1.1 is refused, even when the host's TLS default would allow it", async function () {
    const server = await tlsCsms(pki, { minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT@SECLEVEL=0" });
    closers.push(server.close);
    // Control: the server really speaks TLS 1.1 to a client that allows it.
    const control = await new Promise<string | null>((resolve, reject) => {
      const socket = tls.connect(
        {
          host: "127.0.0.1",
          port: server.csms.port,
          ca: [pki.caPem],
          minVersion: "TLSv1",
          maxVersion: "TLSv1.1",
          ciphers: "DEFAULT@SECLEVEL=0",
        },
        () => {
          const protocol = socket.getProtocol();
          socket.destroy();
          resolve(protocol);
        },
      );
      socket.on("error", reject);
    });
    assert.equal(control, "TLSv1.1");
    const negotiatedBefore = server.negotiated.length;
    const defaultMin = tls.DEFAULT_MIN_VERSION;
    tls.DEFAULT_MIN_VERSION = "TLSv1"; // as with node --tls-min-v1.0
    closers.push(() => {
      tls.DEFAULT_MIN_VERSION = defaultMin;
    });
    const c = charger(server.csms, `wss://127.0.0.1:${server.csms.port}/ocpp/{deviceId}`);
    await waitFor("refused", () => server.tcpConnections() === 2 && c.log.lines.some((l) => l.includes("connection closed")));
    tls.DEFAULT_MIN_VERSION = defaultMin;
    assert.equal(server.negotiated.length, negotiatedBefore, "no TLS session with the charger");
    assert.equal(server.csms.handshakes.length, 0, "no WebSocket handshake, so no credentials left the charger");
    assert.equal(c.cp.engine.accepted, false);
    assert.ok(
      c.log.lines.some((l) => /websocket: .*(version|protocol)/i.test(l)),
      c.log.lines.join("\n"),
    );
  });

  it("TC_086 Basic credentials only inside TLS: profile 2 on a ws:// URL goes TLS, nothing readable reaches a plain listener", async function () {
    // Control first: profile 1 (ws://) sends the header in clear, so the capture would see it.
    const plain = await rawListener();
    closers.push(plain.close);
    const url = `ws://127.0.0.1:${plain.port}/ocpp/{deviceId}`;
    const csms = new TestCsms(); // only named by the charger; never listens
    const one = charger(csms, url);
    await waitFor("profile 1 upgrade request", () => plain.bytes().includes("Authorization: Basic"));
    one.stop();

    const listener = await rawListener();
    closers.push(listener.close);
    const two = charger(csms, `ws://127.0.0.1:${listener.port}/ocpp/{deviceId}`, { securityProfile: 2 });
    await waitFor("a TLS ClientHello", () => listener.bytes().length >= 6);
    const bytes = listener.bytes();
    assert.equal(bytes[0], 0x16, "TLS handshake record");
    assert.equal(bytes[1], 0x03);
    assert.equal(bytes[5], 0x01, "ClientHello");
    const text = bytes.toString("latin1");
    assert.equal(text.includes("Authorization"), false);
    assert.equal(text.includes("GET /ocpp"), false);
    assert.equal(text.includes(Buffer.from(`CP001:${PASSWORD}`).toString("base64")), false);
    assert.equal(text.includes(PASSWORD), false);
    assert.ok(
      two.log.lines.some((l) => l.includes("connecting to wss://")),
      two.log.lines.join("\n"),
    );
  });
});
