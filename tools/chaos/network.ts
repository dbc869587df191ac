/**
 * The charger's link to the CSMS for the chaos campaign: a WebSocket client over `ws` with a
 * switch. `drop()` cuts the link the way a network fault or a power cut does: every open socket
 * is destroyed at once (frames not yet flushed are lost, no close handshake) and new connections
 * fail until `restore()`. Node only (tools).
 */
import WebSocket from "ws";
import type { WebSocketConnectOptions, WebSocketConnection, WebSocketEvents, WebSocketFactory } from "ports/websocket";
import { wsConnection } from "platform/host/websocket-ws";

export class SwitchedWebSocketFactory implements WebSocketFactory {
  #network = true;
  #powered = true;
  readonly #open = new Set<WebSocket>();
  /** Connections attempted (for the campaign's figures). */
  attempts = 0;
  /** Every text frame the charger received (the CSMS asks whether an answer reached it). */
  readonly onReceived: (text: string) => void;

  constructor(onReceived: (text: string) => void = () => undefined) {
    this.onReceived = onReceived;
  }

  #dropAtFrame = 0;

  get up(): boolean {
    return this.#network && this.#powered;
  }

  get networkUp(): boolean {
    return this.#network;
  }

  /** The network goes down when the charger is about to receive its `n`-th next frame (which is lost). */
  dropAtFrame(n: number): void {
    this.#dropAtFrame = n;
  }

  /** The network goes down: open sockets die, new ones fail until `restore`. */
  drop(): void {
    this.#network = false;
    this.#kill();
  }

  restore(): void {
    this.#dropAtFrame = 0;
    this.#network = true;
  }

  /** The board loses power (or reboots): its sockets die without a close handshake. */
  powerOff(): void {
    this.#powered = false;
    this.#kill();
  }

  powerOn(): void {
    this.#powered = true;
  }

  #kill(): void {
    for (const socket of this.#open) socket.terminate();
    this.#open.clear();
  }

  connect(options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection {
    this.attempts++;
    let closed = false;
    const reportClose = (code: number, reason: string): void => {
      if (closed) return;
      closed = true;
      events.onClose(code, reason);
    };
    if (!this.up) {
      // No route: the attempt fails asynchronously, like a socket would.
      setImmediate(() => {
        events.onError("network down");
        reportClose(1006, "network down");
      });
      return { sendText: () => false, ping: () => undefined, close: () => undefined };
    }
    const socket = new WebSocket(options.url, options.protocols, {
      headers: options.headers,
      handshakeTimeout: 10_000,
      maxPayload: 256 * 1024,
    });
    this.#open.add(socket);
    socket.on("open", () => events.onOpen(socket.protocol));
    socket.on("message", (data, isBinary) => {
      if (isBinary || !this.up) return;
      if (this.#dropAtFrame > 0 && --this.#dropAtFrame === 0) {
        this.drop(); // this frame never arrives
        return;
      }
      const text = data.toString();
      this.onReceived(text);
      events.onText(text);
    });
    socket.on("pong", () => events.onPong());
    socket.on("error", (error) => events.onError(error.message));
    socket.on("close", (code, reason) => {
      this.#open.delete(socket);
      reportClose(code, reason.toString());
    });
    return wsConnection(socket, () => this.up);
  }
}
