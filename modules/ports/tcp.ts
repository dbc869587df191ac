/**
 * TCP client port: one plain (unencrypted) stream connection to host:port,
 * driven by events. Used by the FTP client (control and data connections).
 *
 * Event order: onConnect once, then onData and onDrain any number of times,
 * then exactly one of onClose (the peer ended the stream) or onError (connect
 * failed or the connection broke). After the owner's own close() no event
 * comes any more.
 */
export interface TcpEvents {
  /** The connection is open; write() may be called. */
  onConnect(): void;
  /** Bytes arrived; they are only valid during the call. */
  onData(bytes: Uint8Array): void;
  /** Everything written so far was handed to the network stack (close() will not lose it). */
  onDrain?(): void;
  /**
   * The peer closed the stream. Some stacks (ECMA-419 on lwIP) cannot tell a
   * close from a reset once connected: both come here after the data.
   */
  onClose(): void;
  /** Connecting failed (DNS, refused, unreachable) or the connection broke. */
  onError(message: string): void;
}

export interface TcpConnection {
  /**
   * Queues `bytes` for sending (also before onConnect). The connection keeps
   * a reference until they are sent: do not change them meanwhile.
   */
  write(bytes: Uint8Array): void;
  /** Bytes queued and not yet handed to the network stack. */
  readonly pending: number;
  /** Closes the connection (queued bytes not yet handed over are dropped). No events follow. */
  close(): void;
}

export interface TcpClient {
  /**
   * Opens a connection to `host` (name or IPv4 address) and `port`. Failures
   * come as onError, never thrown; on some platforms onError may come before
   * connect() returned.
   */
  connect(host: string, port: number, events: TcpEvents): TcpConnection;
}
