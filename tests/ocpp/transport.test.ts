/** Transport: CALLERRORs for bad input, frame size limit, subprotocol, Basic auth, AuthorizationKey, reconnect, ping. */
import { strict as assert } from "node:assert";
import { WebSocketServer, type WebSocket as WsSocket } from "ws";
import type { AddressInfo } from "node:net";
import { TestCsms, TestCharger, bootedCharger } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { resolveConnection, decodeHex } from "ocpp/core/connection-settings";
import { encodeBase64 as base64 } from "util/base64";
import { AUTH_KEY_RECONNECT_DELAY_MS } from "ocpp/core/ChangeConfiguration";

/** A raw ws CSMS to send malformed frames. */
async function rawCsms(
  protocol: string | false = "ocpp1.6",
): Promise<{ wss: WebSocketServer; url: string; sockets: WsSocket[]; frames: string[]; headers: Array<Record<string, unknown>> }> {
  const wss = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    handleProtocols: (protocols) => (protocol === false ? false : protocols.has(protocol) ? protocol : false),
  });
  await new Promise((resolve) => wss.once("listening", resolve));
  const sockets: WsSocket[] = [];
  const frames: string[] = [];
  const headers: Array<Record<string, unknown>> = [];
  wss.on("connection", (socket, request) => {
    sockets.push(socket);
    headers.push(request.headers);
    socket.on("message", (data) => {
      const text = data.toString();
      frames.push(text);
      const frame = JSON.parse(text);
      if (frame[0] === 2 && frame[2] === "BootNotification")
        socket.send(JSON.stringify([3, frame[1], { status: "Accepted", currentTime: new Date().toISOString(), interval: 300 }]));
      else if (frame[0] === 2) socket.send(JSON.stringify([3, frame[1], {}]));
    });
  });
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ocpp/{deviceId}`, sockets, frames, headers };
}

describe("OCPP-J transport", function () {
  it("answers bad frames with the right CALLERROR and never crashes", async function () {
    const raw = await rawCsms();
    const charger = new TestCharger({ csms: { url: raw.url } as TestCsms });
    charger.start();
    await waitFor("boot", () => charger.cp.engine.accepted);
    const socket = raw.sockets[0];
    const answers = new Map<string, unknown[]>();
    const expect = async (id: string, text: string): Promise<unknown[]> => {
      socket.send(text);
      await waitFor(`answer ${id}`, () => raw.frames.some((f) => f.startsWith(`[4,"${id}"`) || f.startsWith(`[3,"${id}"`)));
      const found = JSON.parse(raw.frames.find((f) => f.startsWith(`[4,"${id}"`) || f.startsWith(`[3,"${id}"`))!);
      answers.set(id, found);
      return found;
    };
    assert.equal((await expect("a1", '[2,"a1","FooBar",{}]'))[2], "NotImplemented");
    assert.equal((await expect("a2", '[2,"a2","SendLocalList",{"listVersion":1,"updateType":"Full"}]'))[2], "NotSupported");
    assert.equal((await expect("a3", '[2,"a3","Reset",{}]'))[2], "OccurenceConstraintViolation");
    assert.equal((await expect("a4", '[2,"a4","Reset",{"type":5}]'))[2], "TypeConstraintViolation");
    assert.equal((await expect("a5", '[2,"a5","Reset",{"type":"Medium"}]'))[2], "PropertyConstraintViolation");
    assert.equal((await expect("a6", '[2,"a6","Reset",{"type":"Soft"'))[2], "FormationViolation");
    assert.equal((await expect("a7", '[2,"a7","Reset"]'))[2], "FormationViolation");
    const big = `[2,"a8","DataTransfer",{"vendorId":"x","data":"${"y".repeat(70_000)}"}]`;
    assert.equal((await expect("a8", big))[2], "FormationViolation");
    const details = answers.get("a1")!;
    assert.equal(details.length, 5);
    assert.deepEqual(details[4], {});
    // Still alive and answering.
    assert.deepEqual((await expect("a9", '[2,"a9","ClearCache",{}]'))[2], { status: "Rejected" });
    charger.stop();
    raw.wss.close();
  });

  it("refuses a connection whose handshake lacks subprotocol ocpp1.6", async function () {
    const raw = await rawCsms(false);
    const charger = new TestCharger({ csms: { url: raw.url } as TestCsms });
    charger.start();
    await waitFor("connection attempt", () => raw.sockets.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(raw.frames.length, 0, "no BootNotification on a connection without ocpp1.6");
    assert.equal(charger.cp.engine.online, false);
    charger.stop();
    raw.wss.close();
  });

  it("builds URL, identity and Basic auth per the connection settings", function () {
    const base = {
      deviceId: "ZAP123",
      installationUrlTemplate: "ws://h/devices/{deviceId}",
      chargerUrl: "wss://h/ocpp/OtherName",
      precedence: "installation" as const,
      legacyIdentity: false,
      chargerPassword: "",
      installationInitialPassword: "initialpassword1",
      caCertificates: ["PEM"],
    };
    const a = resolveConnection(base, "", false);
    assert.equal(a.url, "ws://h/devices/ZAP123");
    assert.equal(a.identity, "ZAP123");
    assert.equal(a.headers.Authorization, `Basic ${base64(new TextEncoder().encode("ZAP123:initialpassword1"))}`);
    assert.equal(a.securityProfile, 1);
    const b = resolveConnection({ ...base, precedence: "charger" }, "", false);
    assert.equal(b.url, "wss://h/ocpp/OtherName");
    assert.equal(b.identity, "OtherName");
    assert.equal(b.securityProfile, 2);
    assert.deepEqual(b.caCertificates, ["PEM"]);
    const legacy = resolveConnection({ ...base, precedence: "charger", legacyIdentity: true }, "", false);
    assert.equal(legacy.headers.Authorization, `Basic ${base64(new TextEncoder().encode("ZAP123:initialpassword1"))}`);
    // OCPP-J 6.2.2 example: identity AL1000, key hex 0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF.
    const j = resolveConnection({ ...base, deviceId: "AL1000", chargerPassword: "own" }, "0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF", false);
    assert.equal(j.headers.Authorization, "Basic QUwxMDAwOgABAgMEBQYH////////////////");
    const rawKey = resolveConnection(base, "plainpassword123", true);
    assert.equal(rawKey.headers.Authorization, `Basic ${base64(new TextEncoder().encode("ZAP123:plainpassword123"))}`);
    assert.equal(decodeHex("0g"), undefined);
    const none = resolveConnection({ ...base, installationInitialPassword: "" }, "", false);
    assert.equal(none.headers.Authorization, undefined);
    assert.equal(none.securityProfile, 0);
  });

  it("TC_073 AuthorizationKey: Accepted, persisted, never reported, reconnects with the new password", async function () {
    const csms = new TestCsms();
    await csms.listen();
    const charger = await bootedCharger(csms, { settings: { chargerPassword: "factory-password" } });
    assert.equal(csms.handshakes[0].identity, "CP001");
    assert.equal(csms.handshakes[0].password, "factory-password");
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "AuthorizationKey", value: "zz" }), { status: "Rejected" });
    assert.deepEqual(await csms.call("ChangeConfiguration", { key: "AuthorizationKey", value: "4F43415F4F4354545F61646D696E5F74657374" }), {
      status: "Accepted",
    });
    assert.equal(csms.handshakes.length, 1, "no reconnect before the CSMS had time to process the answer");
    charger.advance(AUTH_KEY_RECONNECT_DELAY_MS);
    await waitFor("reconnect", () => csms.handshakes.length >= 2);
    assert.equal(csms.handshakes[1].password, "OCA_OCTT_admin_test");
    assert.equal(charger.kv.get("ocppcfg", "AuthKey"), "4F43415F4F4354545F61646D696E5F74657374");
    assert.ok(!charger.log.lines.some((l) => l.includes("4F43415F")), "key never logged");
    const conf = await (async () => {
      await waitFor("client", () => csms.connections >= 2);
      return csms.call("GetConfiguration", { key: ["AuthorizationKey"] });
    })();
    assert.deepEqual(conf.configurationKey, []);
    charger.stop();
    await csms.close();
  });

  it("reconnects with back-off after the CSMS went away, without a new BootNotification", async function () {
    const csms = new TestCsms();
    await csms.listen();
    const charger = await bootedCharger(csms);
    void csms.client.close({ code: 1001, force: true });
    await waitFor("disconnected", () => !charger.cp.engine.online);
    const backoffs = [1, 2, 3, 4, 5, 6, 10].map((n) => charger.cp.connection.backoffMs(n));
    assert.ok(
      backoffs.every((ms) => ms >= 1000 && ms <= 10_400),
      backoffs.join(","),
    );
    charger.advance(10_400);
    await waitFor("reconnected", () => charger.cp.engine.online && csms.connections === 2);
    assert.equal(csms.calls("BootNotification").length, 1);
    charger.stop();
    await csms.close();
  });

  it("pings every WebSocketPingInterval (applied without reboot) and reconnects when no pong comes", async function () {
    const raw = await rawCsms();
    const charger = new TestCharger({ csms: { url: raw.url } as TestCsms });
    charger.start();
    await waitFor("boot", () => charger.cp.engine.accepted);
    let pings = 0;
    raw.sockets[0].on("ping", () => pings++);
    assert.equal(charger.cp.config.change("WebSocketPingInterval", "5"), "Accepted");
    charger.advance(5_000);
    await waitFor("ping", () => pings === 1);
    // Stop answering pongs: the ws server auto-pongs, so cut it off at the socket.
    (raw.sockets[0] as unknown as { pong: () => void }).pong = () => undefined;
    (raw.sockets[0] as unknown as { _receiver: { removeAllListeners(e: string): void } })._receiver.removeAllListeners("ping");
    charger.advance(5_000);
    charger.advance(5_000);
    charger.advance(3_000);
    await waitFor("reconnect after missing pong", () => raw.sockets.length >= 2, 3000);
    charger.stop();
    raw.wss.close();
  });
});
