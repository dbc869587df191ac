// The development CSMS's optional wss listener: a throwaway CA and server certificate (openssl, at
// test time) given to it; a client that trusts the CA connects with Basic auth inside TLS, one that
// does not is refused before any WebSocket handshake, and the ws listener keeps working beside it.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { RPCClient } from "ocpp-rpc";
import type { RPC_ClientOptions } from "ocpp-rpc/lib/client";
import { startDevCsms, type DevCsms } from "../../tools/csms/dev-csms.ts";
import { hasOpenssl, makeServerPki, type ServerPki } from "../../tools/pki/throwaway-pki.ts";

const BOOT = { chargePointVendor: "Wattlight", chargePointModel: "Bench-2", firmwareVersion: "0.1.0" };

describe("development CSMS: the wss listener", function () {
  let pki: ServerPki;
  let csms: DevCsms | undefined;
  const clients: RPCClient[] = [];

  before(function () {
    if (!hasOpenssl()) {
      if (process.env.CI === "true") throw new Error("CI must run the TLS tests, but there is no openssl command");
      this.skip();
    }
    this.timeout(20_000);
    pki = makeServerPki("Dev CSMS Test CA", 77);
  });

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close({ force: true })));
    await csms?.close();
    csms = undefined;
  });

  function client(endpoint: string, identity: string, extra: Partial<RPC_ClientOptions> = {}): RPCClient {
    const c = new RPCClient({
      endpoint,
      identity,
      protocols: ["ocpp1.6"],
      strictMode: true,
      reconnect: false,
      ...extra,
    } as RPC_ClientOptions);
    clients.push(c);
    return c;
  }

  it("without tls there is no wss listener", async () => {
    csms = await startDevCsms({ port: 0 });
    assert.equal(csms.secureUrl, undefined);
    assert.equal(csms.securePort, undefined);
  });

  it("listens for wss on 127.0.0.1 beside ws; Basic auth inside TLS; the record says secure", async () => {
    csms = await startDevCsms({ port: 0, passwords: { CP1: "s3cret-over-tls" }, tls: { keyPem: pki.keyPem, certPem: pki.chainPem } });
    assert.match(csms.secureUrl ?? "", /^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    assert.notEqual(csms.securePort, csms.port);
    const secure = client(csms.secureUrl!, "CP1", { password: "s3cret-over-tls", wsOpts: { ca: pki.caPem } });
    await secure.connect();
    const conf = (await secure.call("BootNotification", BOOT)) as { status: string };
    assert.equal(conf.status, "Accepted");
    assert.equal(csms.charger("CP1")?.secure, true);
    assert.equal(csms.charger("CP1")?.bootCount, 1);

    const plain = client(csms.url, "CP2");
    await plain.connect();
    await plain.call("BootNotification", BOOT);
    assert.equal(csms.charger("CP2")?.secure, false);
  });

  it("a wrong password over wss gets 401", async () => {
    csms = await startDevCsms({ port: 0, passwords: { CP1: "s3cret-over-tls" }, tls: { keyPem: pki.keyPem, certPem: pki.chainPem } });
    const wrong = client(csms.secureUrl!, "CP1", { password: "not-the-one", wsOpts: { ca: pki.caPem } });
    await assert.rejects(wrong.connect(), (error: Error & { code?: unknown }) => error.code === 401);
    assert.equal(csms.charger("CP1"), undefined);
  });

  it("a client that does not trust the CA is refused before the WebSocket handshake", async () => {
    csms = await startDevCsms({ port: 0, tls: { keyPem: pki.keyPem, certPem: pki.chainPem } });
    const rejected: string[] = [];
    csms.on("authRejected", ({ identity }) => rejected.push(identity));
    const stranger = client(csms.secureUrl!, "CP3", { wsOpts: { ca: pki.otherCaPem } });
    await assert.rejects(stranger.connect(), /certificate/i);
    assert.equal(csms.charger("CP3"), undefined);
    assert.deepEqual(rejected, []);
  });

  it("the certificate it is given is the chain: the server certificate, then its CA", () => {
    const parts = pki.chainPem.split(/(?<=-----END CERTIFICATE-----\n)/).filter((p) => p.trim() !== "");
    assert.equal(parts.length, 2);
    const leaf = new X509Certificate(parts[0]);
    const ca = new X509Certificate(parts[1]);
    assert.equal(leaf.checkIP("127.0.0.1"), "127.0.0.1");
    assert.ok(leaf.verify(ca.publicKey), "the leaf is signed by the CA that follows it");
    assert.equal(ca.toString(), new X509Certificate(pki.caPem).toString());
  });
});
