// The development CSMS's optional wss listener: an HTTPS server on 127.0.0.1 with the key and
// certificate (chain) it is given, whose WebSocket upgrades go to the same ocpp-rpc server as the
// plain ws listener's. TLS 1.2 at least (Moddable's TLS client speaks 1.2 only).
import type { IncomingMessage } from "node:http";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { answerNotWebSocket, closeNow, listenOnLoopback } from "./listen.ts";

export interface TlsListenerOptions {
  /** The server's private key, PEM. */
  keyPem: string;
  /** The server certificate, PEM, followed by its CA for clients that want the chain (Moddable's do). */
  certPem: string;
  /** TCP port on 127.0.0.1; 0 (default) picks a free port. */
  port?: number;
}

export interface TlsListener {
  readonly port: number;
  close(): Promise<void>;
}

type UpgradeHandler = (request: IncomingMessage, socket: Socket, head: Buffer) => void;

/** Listens for wss on 127.0.0.1; a client whose handshake fails is dropped quietly (a charger without the CA). */
export async function startTlsListener(options: TlsListenerOptions, onUpgrade: UpgradeHandler): Promise<TlsListener> {
  const server: Server = createServer({ key: options.keyPem, cert: options.certPem, minVersion: "TLSv1.2" }, answerNotWebSocket);
  server.on("upgrade", onUpgrade);
  server.on("tlsClientError", () => undefined);
  const port = await listenOnLoopback(server, options.port ?? 0);
  return { port, close: () => closeNow(server) };
}
