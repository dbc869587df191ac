// Listening on 127.0.0.1 and closing at once: what the development CSMS (ws and wss), the chaos
// campaign's CSMS and the bench API's server share.
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { AddressInfo, Server } from "node:net";

/** Listens on 127.0.0.1:`port` (0: a free one): resolves with the port, rejects when it cannot (port taken). */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops listening and drops every connection still open (keep-alive, upgraded) at once. */
export function closeNow(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** What an OCPP endpoint of the development CSMS answers a plain HTTP request. */
export function answerNotWebSocket(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("OCPP 1.6J endpoint: connect with a WebSocket to <path>/<identity>\n");
}
