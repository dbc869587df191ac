/**
 * Issue 10 #4 (OCTT TC_073) through the booted firmware on 127.0.0.1:
 * ChangeConfiguration AuthorizationKey must not lock the charger out.
 * - The Accepted answer reaches the CSMS before the charger closes the
 *   socket to log in with the new key (a CSMS that handles a frame only
 *   while its connection is still open, one event-loop turn later).
 * - Recovery (docs/configuration-keys.md): the previous key is kept in NVS
 *   until the new one logged in; FALLBACK_AFTER_REFUSALS upgrades refused
 *   with HTTP 401 in a row switch back to it, also after a power cut.
 */
import { strict as assert } from "node:assert";
import type { AddressInfo } from "node:net";
import { WebSocketServer, WebSocket, type WebSocket as WsSocket } from "ws";
import { FALLBACK_AFTER_REFUSALS } from "ocpp/core/auth-key-recovery";
import { TestCsms } from "../support/csms-harness.ts";
import { waitFor } from "../support/waits.ts";
import { useFirmwareRig, newStorage, runUntil, csmsCall, untilBooted, type Bench } from "../support/firmware-rig.ts";

const NEW_KEY_HEX = "4F43415F4F4354545F61646D696E5F74657374"; // "OCA_OCTT_admin_test"
const NEW_PASSWORD = "OCA_OCTT_admin_test";
const OLD_PASSWORD = "factory-password-1";

/**
 * A CSMS that handles each frame one event-loop turn after it arrived and
 * only while its connection is still open (as a CSMS whose connection
 * closing cancels what it has not processed yet).
 */
class LateCsms {
  readonly wss = new WebSocketServer({
    port: 0,
    host: "127.0.0.1",
    handleProtocols: (protocols) => (protocols.has("ocpp1.6") ? "ocpp1.6" : false),
  });
  readonly sockets: WsSocket[] = [];
  readonly passwords: string[] = [];
  readonly results = new Map<string, unknown>();

  async listen(): Promise<void> {
    await new Promise((resolve) => this.wss.once("listening", resolve));
    this.wss.on("connection", (socket, request) => {
      this.sockets.push(socket);
      const header = request.headers.authorization ?? "";
      const decoded = Buffer.from(header.replace(/^Basic /, ""), "base64").toString("latin1");
      this.passwords.push(decoded.slice(decoded.indexOf(":") + 1));
      socket.on("message", (data) => {
        const text = data.toString();
        setImmediate(() => {
          if (socket.readyState !== WebSocket.OPEN) return; // closed meanwhile: not processed
          this.#handle(socket, JSON.parse(text) as unknown[]);
        });
      });
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/ocpp/{deviceId}`;
  }

  call(id: string, action: string, payload: Record<string, unknown>): void {
    this.sockets[this.sockets.length - 1].send(JSON.stringify([2, id, action, payload]));
  }

  close(): void {
    for (const socket of this.sockets) socket.terminate();
    this.wss.close();
  }

  #handle(socket: WsSocket, frame: unknown[]): void {
    if (frame[0] === 3) {
      this.results.set(String(frame[1]), frame[2]);
      return;
    }
    if (frame[0] !== 2) return;
    const now = new Date().toISOString();
    const payload =
      frame[2] === "BootNotification"
        ? { status: "Accepted", currentTime: now, interval: 300 }
        : frame[2] === "Heartbeat"
          ? { currentTime: now }
          : {};
    socket.send(JSON.stringify([3, frame[1], payload]));
  }
}

describe("firmware: AuthorizationKey change (TC_073)", function () {
  this.timeout(30_000);
  const rig = useFirmwareRig();
  let csms: TestCsms;
  beforeEach(() => {
    csms = rig.csms;
  });

  function passwordsSince(index: number): Array<string | undefined> {
    return csms.handshakes.slice(index).map((h) => h.password);
  }

  async function changeKey(bench: Bench): Promise<number> {
    const handshakes = csms.handshakes.length;
    assert.deepEqual(await csmsCall(csms, bench, "ChangeConfiguration", { key: "AuthorizationKey", value: NEW_KEY_HEX }), {
      status: "Accepted",
    });
    return handshakes;
  }

  it("the Accepted answer reaches the CSMS before the charger closes the socket to log in with the new key", async () => {
    const late = new LateCsms();
    await late.listen();
    try {
      const bench = rig.boot(newStorage(), undefined, { csmsUrlTemplate: late.url, password: OLD_PASSWORD });
      await runUntil(bench, "accepted", () => bench.firmware.chargePoint.engine.accepted);
      late.call("key-1", "ChangeConfiguration", { key: "AuthorizationKey", value: NEW_KEY_HEX });
      await waitFor("the CSMS processed the answer", () => late.results.has("key-1"));
      assert.deepEqual(late.results.get("key-1"), { status: "Accepted" });
      await runUntil(bench, "logged in with the new key", () => late.sockets.length >= 2 && bench.firmware.chargePoint.engine.online);
      assert.deepEqual(late.passwords, [OLD_PASSWORD, NEW_PASSWORD]);
    } finally {
      late.close();
    }
  });

  it("new key accepted by the CSMS: logs in with it, keeps it on later reconnects and forgets the previous one", async () => {
    csms.passwords = [OLD_PASSWORD];
    const storage = newStorage();
    const bench = rig.boot(storage, undefined, { password: OLD_PASSWORD });
    await untilBooted(csms, bench);
    const since = await changeKey(bench);
    csms.passwords = [NEW_PASSWORD];
    await runUntil(bench, "logged in with the new key", () => csms.connections >= 2 && bench.firmware.chargePoint.engine.online);
    assert.deepEqual(passwordsSince(since), [NEW_PASSWORD]);
    assert.equal(bench.firmware.chargePoint.authKey.unconfirmed, false);
    assert.equal(storage.kv.get("authkey", "other"), undefined);

    void csms.client.close({ code: 1001, force: true });
    await runUntil(bench, "offline", () => !bench.firmware.chargePoint.engine.online);
    await runUntil(bench, "back online", () => csms.connections >= 3 && bench.firmware.chargePoint.engine.online);
    assert.deepEqual(passwordsSince(since), [NEW_PASSWORD, NEW_PASSWORD]);
  });

  it(`the CSMS missed the answer and refuses the new key: after ${FALLBACK_AFTER_REFUSALS} HTTP 401 in a row, logs in with the previous one`, async () => {
    csms.passwords = [OLD_PASSWORD];
    const storage = newStorage();
    const bench = rig.boot(storage, undefined, { password: OLD_PASSWORD });
    await untilBooted(csms, bench);
    const since = await changeKey(bench);
    // The CSMS keeps the old password.
    assert.equal(bench.firmware.chargePoint.authKey.unconfirmed, true);
    assert.equal(storage.kv.get("authkey", "other"), "");
    await runUntil(bench, "back online", () => csms.connections >= 2 && bench.firmware.chargePoint.engine.online, 120_000);
    const refused = Array.from({ length: FALLBACK_AFTER_REFUSALS }, () => NEW_PASSWORD);
    assert.deepEqual(passwordsSince(since), [...refused, OLD_PASSWORD]);
    assert.equal(bench.firmware.chargePoint.config.string("AuthorizationKey"), "");
    assert.equal(bench.firmware.chargePoint.authKey.unconfirmed, false);
    assert.equal(storage.kv.get("authkey", "other"), undefined);
    assert.ok(!bench.log.lines.some((l) => l.includes(NEW_KEY_HEX) || l.includes(NEW_PASSWORD)), "keys never logged");
  });

  it("power cut between the change and the first login: the previous key survives and is used once the new one is refused", async () => {
    csms.passwords = [OLD_PASSWORD];
    const storage = newStorage();
    const first = rig.boot(storage, undefined, { password: OLD_PASSWORD });
    await untilBooted(csms, first);
    const since = await changeKey(first);
    rig.cut(first); // before the reconnect with the new key

    const second = rig.boot(storage, undefined, { password: OLD_PASSWORD }, first.time.nowMs());
    await runUntil(second, "online after the power cut", () => second.firmware.chargePoint.engine.accepted, 120_000);
    const refused = Array.from({ length: FALLBACK_AFTER_REFUSALS }, () => NEW_PASSWORD);
    assert.deepEqual(passwordsSince(since), [...refused, OLD_PASSWORD]);
    assert.equal(storage.kv.get("authkey", "other"), undefined);
  });
});
