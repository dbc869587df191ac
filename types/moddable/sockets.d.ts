// Checked against $MODDABLE/typings/embedded_io/socket/tcp.d.ts, udp.d.ts and
// $MODDABLE/typings/embedded_network/dns/resolver/udp.d.ts, and against the
// implementations $MODDABLE/modules/io/socket/lwip/tcp.c and
// $MODDABLE/examples/io/udp/dns/dns.js (Moddable SDK 8.2.3).
// The WebSocket and HTTP clients get the classes passed on; the TCP client
// port (platform/moddable/tcp-419) uses TCP and the resolver directly.
declare module "embedded:io/socket/tcp" {
  export interface TCPOptions {
    /** IPv4 address in dotted form (no host names: resolve first). */
    address: string;
    port: number;
    nodelay?: boolean;
    /** Default "buffer" (ArrayBuffer reads). */
    format?: "buffer";
    /** `bytes` can be read now. */
    onReadable?: (this: TCP, bytes: number) => void;
    /** The first call means connected; `bytes` may be written now. */
    onWritable?: (this: TCP, bytes: number) => void;
    /** Connect failed, or the connection ended (close or reset, after the received bytes were read). */
    onError?: (this: TCP) => void;
  }

  /** ECMA-419 TCP client socket. */
  export default class TCP {
    constructor(options: TCPOptions);
    /** Up to the readable bytes; undefined when none are buffered. */
    read(byteLength?: number): ArrayBuffer | undefined;
    /**
     * Sends bytes; throws when they are more than the last onWritable count
     * allows or before the connection is ready. The SDK typings say void;
     * the lwIP implementation returns the room left (undefined after an error).
     */
    write(value: ArrayBuffer | ArrayBufferView): number | undefined;
    close(): void;
  }
}

declare module "embedded:io/socket/udp" {
  /** ECMA-419 UDP socket (the DNS resolver's transport). */
  export default class UDP {
    constructor(options: never);
    close(): void;
  }
}

declare module "embedded:network/dns/resolver/udp" {
  export interface ResolverOptions {
    /** DNS server addresses. */
    servers: readonly string[];
    /** The UDP socket class, e.g. {io: UDP} from "embedded:io/socket/udp". */
    socket: { io: new (options: never) => object };
  }

  export interface ResolveRequest {
    /** A name, or a dotted IPv4 address (answered at once). */
    host: string;
    onResolved?: (host: string, address: string) => void;
    onError?: (host: string) => void;
  }

  /** ECMA-419 DNS resolver over UDP (also the WebSocket and HTTP clients' `dns.io`). */
  export default class Resolver {
    constructor(options: ResolverOptions);
    resolve(request: ResolveRequest): void;
    close(): void;
  }
}
