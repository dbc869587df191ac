/**
 * Board TCP client over the ECMA-419 `embedded:io/socket/tcp`, names
 * resolved by the UDP DNS resolver (as the WebSocket and HTTP clients do).
 *
 * What the port adds: writes queued until the socket has room (the socket
 * throws on more than its last onWritable count), onConnect at the first
 * onWritable, one final event. On lwIP a peer's close and a reset both
 * arrive as onError once the received bytes were read: after the connection
 * was up we report them as onClose; before, as onError (connect failed).
 */
import TCP from "embedded:io/socket/tcp";
import UDP from "embedded:io/socket/udp";
import Resolver from "embedded:network/dns/resolver/udp";
import type { TcpClient, TcpConnection, TcpEvents } from "ports/tcp";

export class Ecma419TcpClient implements TcpClient {
  readonly #dnsServers: readonly string[];

  constructor(dnsServers: readonly string[]) {
    this.#dnsServers = dnsServers;
  }

  connect(host: string, port: number, events: TcpEvents): TcpConnection {
    const queue: Uint8Array[] = [];
    let queueOffset = 0; // bytes of queue[0] already sent
    let pending = 0;
    let room = 0;
    let socket: TCP | undefined;
    let connected = false;
    let ended = false;
    let resolver: Resolver | undefined;

    const finish = (error: string | undefined): void => {
      if (ended) return;
      ended = true;
      resolver?.close();
      resolver = undefined;
      socket?.close();
      socket = undefined;
      if (error === undefined) events.onClose();
      else events.onError(error);
    };
    const pump = (): void => {
      const s = socket;
      if (!s || !connected) return;
      while (queue.length > 0 && room > 0) {
        const head = queue[0];
        const size = Math.min(room, head.length - queueOffset);
        // Our declaration says write() returns the room left (the implementation does); the
        // SDK's typings say void: accept both and count down when no number comes back.
        let left: unknown;
        try {
          left = s.write(head.subarray(queueOffset, queueOffset + size));
        } catch (error) {
          finish(`${host}:${port}: write failed: ${(error as Error).message}`);
          return;
        }
        room = typeof left === "number" ? left : room - size;
        queueOffset += size;
        pending -= size;
        if (queueOffset === head.length) {
          queue.shift();
          queueOffset = 0;
        }
      }
      if (queue.length === 0 && !ended) events.onDrain?.();
    };
    const open = (address: string): void => {
      if (ended) return;
      try {
        socket = new TCP({
          address,
          port,
          nodelay: true,
          onWritable(count: number): void {
            if (ended) return;
            room = count;
            if (!connected) {
              connected = true;
              events.onConnect();
              if (ended) return;
            }
            if (queue.length > 0) pump();
          },
          onReadable(count: number): void {
            if (ended) return;
            const piece: unknown = this.read(count);
            if (piece instanceof ArrayBuffer) events.onData(new Uint8Array(piece));
          },
          onError(): void {
            finish(connected ? undefined : `cannot connect to ${host}:${port}`);
          },
        });
      } catch (error) {
        finish(`cannot connect to ${host}:${port}: ${(error as Error).message}`);
      }
    };

    try {
      const dns = new Resolver({ servers: this.#dnsServers, socket: { io: UDP } });
      resolver = dns;
      dns.resolve({
        host,
        // The SDK's typings want these callbacks to return null.
        onResolved: (_name: string, address: string) => {
          dns.close();
          if (resolver === dns) resolver = undefined;
          open(address);
          return null;
        },
        onError: () => {
          finish(`cannot resolve ${host}`);
          return null;
        },
      });
    } catch (error) {
      // Reported from a fresh turn would need a timer; the caller handles a synchronous onError too.
      finish(`cannot resolve ${host}: ${(error as Error).message}`);
    }

    return {
      write(bytes: Uint8Array): void {
        if (ended || bytes.length === 0) return;
        queue.push(bytes);
        pending += bytes.length;
        pump();
      },
      get pending(): number {
        return pending;
      },
      close(): void {
        ended = true;
        resolver?.close();
        resolver = undefined;
        socket?.close();
        socket = undefined;
      },
    };
  }
}
