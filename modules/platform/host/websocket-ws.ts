/** Host WebSocket client over the `ws` package. */
import WebSocket from "ws";
import type { WebSocketConnectOptions, WebSocketConnection, WebSocketEvents, WebSocketFactory } from "ports/websocket";

export class WsWebSocketFactory implements WebSocketFactory {
  connect(options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection {
    let closed = false;
    const reportClose = (code: number, reason: string): void => {
      if (closed) return;
      closed = true;
      events.onClose(code, reason);
    };
    const socket = new WebSocket(options.url, options.protocols, {
      headers: options.headers,
      ca: options.caCertificates && options.caCertificates.length > 0 ? options.caCertificates : undefined,
      // Security profile 3: the charge point's certificate chain and key as TLS client credentials.
      ...(options.clientCertificates && options.clientKey ? { cert: options.clientCertificates.join(""), key: options.clientKey } : {}),
      // TLS 1.2 or higher whatever the host's default (--tls-min-v1.0): reference 1.5, OCTT TC_086.
      minVersion: "TLSv1.2",
      handshakeTimeout: 10_000,
      // Frames above this are refused by the OCPP layer anyway; keep memory bounded.
      maxPayload: 256 * 1024,
    });
    socket.on("open", () => events.onOpen(socket.protocol));
    socket.on("message", (data, isBinary) => {
      if (!isBinary) events.onText(data.toString());
    });
    socket.on("pong", () => events.onPong());
    socket.on("error", (error) => {
      // ws reports a refused upgrade as this error (its handshake code); the status matters to OCPP (401).
      const refused = /^Unexpected server response: (\d{3})$/.exec(error.message);
      if (refused && events.onRefused) events.onRefused(Number(refused[1]));
      events.onError(error.message);
    });
    socket.on("close", (code, reason) => reportClose(code, reason.toString()));
    return wsConnection(socket);
  }
}

/**
 * The port's connection over a `ws` socket (tools/chaos/network.ts too). `canSend`: false drops
 * a text frame (sendText answers false) as if the socket were not open.
 */
export function wsConnection(socket: WebSocket, canSend: () => boolean = () => true): WebSocketConnection {
  return {
    sendText(text: string): boolean {
      if (socket.readyState !== WebSocket.OPEN || !canSend()) return false;
      socket.send(text);
      return true;
    },
    ping(): void {
      if (socket.readyState === WebSocket.OPEN) socket.ping();
    },
    close(code?: number, reason?: string): void {
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else socket.close(code ?? 1000, reason);
    },
  };
}
