// The simulated charger's network link: wraps the platform's WebSocketFactory so the bench can
// drop it (every socket closes, new connects fail until restore) and sees every OCPP frame.
import type { WebSocketConnectOptions, WebSocketConnection, WebSocketEvents, WebSocketFactory } from "ports/websocket";

export type FrameTap = (direction: "cp-to-csms" | "csms-to-cp", text: string) => void;

/** What a connect attempt gets while the link is down: an error, then a close, both asynchronous like a real failure. */
class RefusedConnection implements WebSocketConnection {
  constructor(events: WebSocketEvents) {
    setImmediate(() => {
      events.onError("network is down (bench)");
      events.onClose(1006, "network is down");
    });
  }
  sendText(): boolean {
    return false;
  }
  ping(): void {}
  close(): void {}
}

export class SwitchableNetwork implements WebSocketFactory {
  #up = true;
  readonly #inner: WebSocketFactory;
  readonly #live = new Set<WebSocketConnection>();
  readonly #tap: FrameTap;

  constructor(inner: WebSocketFactory, tap: FrameTap) {
    this.#inner = inner;
    this.#tap = tap;
  }

  get up(): boolean {
    return this.#up;
  }

  /** Open sockets (for tests and the fleet's accounting). */
  get liveCount(): number {
    return this.#live.size;
  }

  connect(options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection {
    if (!this.#up) return new RefusedConnection(events);
    const live = this.#live;
    const tap = this.#tap;
    let inner: WebSocketConnection | undefined;
    const wrapped: WebSocketConnection = {
      sendText(text: string): boolean {
        if (!inner) return false;
        const sent = inner.sendText(text);
        if (sent) tap("cp-to-csms", text);
        return sent;
      },
      ping(): void {
        inner?.ping();
      },
      close(code?: number, reason?: string): void {
        inner?.close(code, reason);
      },
    };
    inner = this.#inner.connect(options, {
      onOpen: (protocol) => events.onOpen(protocol),
      onText: (text) => {
        tap("csms-to-cp", text);
        events.onText(text);
      },
      onPong: () => events.onPong(),
      onError: (message) => events.onError(message),
      onClose: (code, reason) => {
        live.delete(wrapped);
        events.onClose(code, reason);
      },
    });
    live.add(wrapped);
    return wrapped;
  }

  /** Link down: closes every socket; connects fail until `restore()`. */
  drop(): void {
    this.#up = false;
    this.closeAll(1001, "network dropped");
  }

  restore(): void {
    this.#up = true;
  }

  /** Closes every open socket (also used on a power cut). */
  closeAll(code = 1001, reason = "closed"): void {
    for (const connection of [...this.#live]) connection.close(code, reason);
  }
}
