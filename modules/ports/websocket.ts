/**
 * WebSocket client port: one text-frame connection to the CSMS.
 *
 * Implementations answer server pings with pongs themselves and report
 * every outcome through the events, never by throwing from a callback.
 */
export interface WebSocketConnectOptions {
  /** ws:// or wss:// URL, path included. */
  url: string;
  /** Subprotocols offered, e.g. ["ocpp1.6"]. */
  protocols: string[];
  /** Extra handshake headers, e.g. Authorization. */
  headers: Record<string, string>;
  /** PEM CA certificates trusted for wss:// (empty: the platform's defaults). */
  caCertificates?: string[];
  /** TLS client certificate chain (PEM, leaf first) for security profile 3; with clientKey. */
  clientCertificates?: string[];
  /** The client certificate's private key (PEM, "EC PRIVATE KEY"). */
  clientKey?: string;
}

export interface WebSocketEvents {
  /** Handshake done; `protocol` is the subprotocol the server chose ("" if none). */
  onOpen(protocol: string): void;
  /** A complete text message. */
  onText(text: string): void;
  /** A pong answering our ping. */
  onPong(): void;
  /** The connection is gone (after onOpen or instead of it); fires once. */
  onClose(code: number, reason: string): void;
  /** A failure; onClose follows. */
  onError(message: string): void;
  /**
   * The server answered the upgrade with this HTTP status instead of 101
   * (401: Basic-auth password refused); onError and onClose follow. Ports
   * whose client cannot see the status never call it.
   */
  onRefused?(httpStatus: number): void;
}

export interface WebSocketConnection {
  /** Sends one text frame; false when the connection is not open. */
  sendText(text: string): boolean;
  /** Sends a ping control frame. */
  ping(): void;
  /** Starts a close handshake after the frames `sendText` already took; onClose follows. */
  close(code?: number, reason?: string): void;
}

export interface WebSocketFactory {
  connect(options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection;
}
