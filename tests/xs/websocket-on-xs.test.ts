import { strict as assert } from "node:assert";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { XsMachine } from "../../tools/xs/runner.ts";

describe("a WebSocket from XS through the bridge to a real server on 127.0.0.1", function () {
  it("opens with ocpp1.6, exchanges text and closes", async function () {
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "ocpp1.6" });
    const authorizations: Array<string | undefined> = [];
    server.on("connection", (socket, request) => {
      authorizations.push(request.headers.authorization);
      socket.on("message", (data) => socket.send(`echo ${data.toString()}`));
    });
    await new Promise((resolve) => server.once("listening", resolve));
    const machine = await XsMachine.start({ entry: "tests/xs/entry-platform.ts" });
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ocpp/XS1`;
      await machine.call("wsConnect", url);
      let events: string[] = [];
      for (let attempt = 0; attempt < 200 && !events.some((e) => e.startsWith("close:")); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        events = (await machine.call<string[]>("wsEvents")).value;
      }
      assert.deepEqual(events, ["open:ocpp1.6", "text:echo hello from XS", "close:1000"]);
      assert.deepEqual(authorizations, ["Basic eHM6eHM="]);
    } finally {
      await machine.close();
      server.close();
    }
  });
});
