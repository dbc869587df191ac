/**
 * The TCP socket under the SDK's TLS socket, with callbacks that cannot throw into the host.
 *
 * The SDK's `embedded:io/socket/tcp/tls` (examples/io/tcp/tlssocket) runs the TLS handshake inside
 * its TCP socket's onReadable/onWritable and does not catch: a server certificate that the
 * installed CA does not vouch for (any TLSError) becomes an unhandled exception, which aborts XS
 * (the lin build stops; a board restarts). Given as the TLS socket's `TCP.io`, this class makes
 * such an exception the socket's error instead: `onFault(error)` first (to say why), then
 * `onError`, so the WebSocket and HTTP clients close and report it like any failed connection.
 * Extra options the TLS socket is given reach this constructor (it spreads its own options), so
 * `onFault` travels in the client's `socket` object.
 */
import TCP from "embedded:io/socket/tcp";

/** What the TLS socket passes (declared here: the SDK's typings and ours name the TCP options differently). */
export interface GuardedTcpOptions {
  address: string;
  port: number;
  nodelay?: boolean;
  onReadable?: (this: TCP, bytes: number) => void;
  onWritable?: (this: TCP, bytes: number) => void;
  onError?: (this: TCP) => void;
  /** What a callback threw; called once, before `onError`. */
  onFault?: (error: unknown) => void;
}

export default class GuardedTCP extends TCP {
  constructor(options: GuardedTcpOptions) {
    const { onReadable, onWritable, onError, onFault } = options;
    let failed = false;
    const fail = (socket: TCP, error: unknown): void => {
      if (failed) return;
      failed = true;
      onFault?.(error);
      onError?.call(socket);
    };
    super({
      ...options,
      onReadable(this: TCP, bytes: number): void {
        try {
          onReadable?.call(this, bytes);
        } catch (error) {
          fail(this, error);
        }
      },
      onWritable(this: TCP, bytes: number): void {
        try {
          onWritable?.call(this, bytes);
        } catch (error) {
          fail(this, error);
        }
      },
    });
  }
}
