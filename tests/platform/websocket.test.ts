import { strict as assert } from "node:assert";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import type { WebSocketEvents } from "ports/websocket";
import { WsWebSocketFactory } from "platform/host/websocket-ws";

function recorder(): { events: string[]; handlers: WebSocketEvents; waitFor(prefix: string): Promise<void> } {
  const events: string[] = [];
  const waiters: Array<{ prefix: string; resolve: () => void }> = [];
  const push = (event: string): void => {
    events.push(event);
    for (const waiter of waiters.splice(0)) {
      if (events.some((e) => e.startsWith(waiter.prefix))) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  return {
    events,
    handlers: {
      onOpen: (protocol) => push(`open:${protocol}`),
      onText: (text) => push(`text:${text}`),
      onPong: () => push("pong"),
      onClose: (code) => push(`close:${code}`),
      onError: (message) => push(`error:${message}`),
    },
    waitFor(prefix: string): Promise<void> {
      if (events.some((e) => e.startsWith(prefix))) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ prefix, resolve }));
    },
  };
}

describe("host WebSocket client on 127.0.0.1", function () {
  let server: WebSocketServer;
  let url: string;
  const seenHeaders: Array<string | undefined> = [];

  before(async function () {
    server = new WebSocketServer({
      host: "127.0.0.1",
      port: 0,
      handleProtocols: (protocols) => (protocols.has("ocpp1.6") ? "ocpp1.6" : false),
    });
    server.on("connection", (socket, request) => {
      seenHeaders.push(request.headers.authorization);
      socket.on("message", (data) => socket.send(`echo ${data.toString()}`));
      socket.ping();
    });
    await new Promise((resolve) => server.once("listening", resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ocpp/CP001`;
  });
  after(function () {
    server.close();
  });

  it("negotiates ocpp1.6, sends the Authorization header, echoes text, pongs and closes", async function () {
    const rec = recorder();
    const connection = new WsWebSocketFactory().connect(
      { url, protocols: ["ocpp1.6"], headers: { Authorization: "Basic Q1AwMDE6cGFzcw==" } },
      rec.handlers,
    );
    assert.equal(connection.sendText("too early"), false, "nothing is sent before the handshake");
    await rec.waitFor("open:");
    assert.equal(rec.events[0], "open:ocpp1.6");
    assert.equal(seenHeaders.at(-1), "Basic Q1AwMDE6cGFzcw==");
    assert.equal(connection.sendText('[2,"1","Heartbeat",{}]'), true);
    await rec.waitFor("text:");
    assert.ok(rec.events.includes('text:echo [2,"1","Heartbeat",{}]'));
    connection.ping();
    await rec.waitFor("pong");
    connection.close(1000, "bye");
    await rec.waitFor("close:");
    assert.ok(rec.events.includes("close:1000"));
  });

  it("reports a refused connection as error then close, once", async function () {
    const rec = recorder();
    const port = (server.address() as AddressInfo).port;
    server.close();
    new WsWebSocketFactory().connect({ url: `ws://127.0.0.1:${port}/x`, protocols: ["ocpp1.6"], headers: {} }, rec.handlers);
    await rec.waitFor("close:");
    assert.ok(rec.events.some((e) => e.startsWith("error:")));
    assert.equal(rec.events.filter((e) => e.startsWith("close:")).length, 1);
  });
});
