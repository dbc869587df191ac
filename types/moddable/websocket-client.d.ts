// Checked against $MODDABLE/typings/embedded_network/websocket/client.d.ts and
// $MODDABLE/examples/io/tcp/websocketclient/websocketclient.js (Moddable SDK 8.2.3).
declare module "embedded:network/websocket/client" {
  /** Any ECMA-419 IO constructor (TCP, TLS, UDP, DNS resolver); the client passes its own options. */
  export type IOConstructor = new (options: never) => object;

  /** Socket to connect through; the other entries are spread into the socket's options. */
  export interface SocketSpec {
    /** e.g. "embedded:io/socket/tcp", or "embedded:io/socket/tcp/tls" (which also needs `TCP: {io}`). */
    io: IOConstructor;
    [setting: string]: unknown;
  }

  /** Name resolver; the whole object is passed to `new io(spec)` and then `resolve({host, ...})`. */
  export interface ResolverSpec {
    /** e.g. "embedded:network/dns/resolver/udp". */
    io: IOConstructor;
    /** DNS server addresses (required by the SDK's UDP resolver; IP literals and "localhost" skip DNS). */
    servers: readonly string[];
    /** The resolver's UDP socket, e.g. {io: UDP} from "embedded:io/socket/udp". */
    socket: { io: IOConstructor };
    [setting: string]: unknown;
  }

  export interface ReadableInfo {
    /** True when more fragments of this message follow. */
    readonly more: boolean;
    /** True for a binary message, false for text. */
    readonly binary: boolean;
  }

  export interface WriteOptions {
    /** Message type when `opcode` is absent (default true = binary). */
    binary?: boolean;
    /** True when more fragments of this message follow. */
    more?: boolean;
    /** A control frame: WebSocketClient.close, .ping or .pong. */
    opcode?: number;
  }

  export interface WebSocketClientOptions {
    host: string;
    /** Default 80 (set 443 with TLS). */
    port?: number;
    /** Request path (default "/"). */
    path?: string;
    /** Sent as Sec-WebSocket-Protocol (the reply's subprotocol is not checked). */
    protocol?: string;
    /** Extra request headers (the SDK typings take string values only). */
    headers?: Map<string, string>;
    /** Required: the client always resolves `host` through it. */
    dns: ResolverSpec;
    socket: SocketSpec;
    format?: "buffer" | "number";
    target?: unknown;
    /** `count` payload bytes of the current message are readable. */
    onReadable?: (this: WebSocketClient, count: number, info: ReadableInfo) => void;
    /** `count` payload bytes can be written now (first call = handshake complete). */
    onWritable?: (this: WebSocketClient, count: number) => void;
    /** A close, ping or pong frame arrived; pings are answered and close is echoed by the client. */
    onControl?: (this: WebSocketClient, opcode: number, data: ArrayBuffer) => void;
    /** The connection closed cleanly (close handshake). */
    onClose?: (this: WebSocketClient) => void;
    /** Resolve/connect/handshake failure or protocol error; the client is already closed. */
    onError?: (this: WebSocketClient) => void;
  }

  export default class WebSocketClient {
    static readonly text: 1;
    static readonly binary: 2;
    static readonly close: 8;
    static readonly ping: 9;
    static readonly pong: 10;

    constructor(options: WebSocketClientOptions);
    /** All remaining bytes of the current fragment (or one byte in format "number"); undefined when none. */
    read(): ArrayBuffer | number | undefined;
    /** Up to `count` bytes of the current fragment; undefined when none. */
    read(count: number): ArrayBuffer | undefined;
    /** Fill `buffer` (no allocation); returns the number of bytes read. */
    read(buffer: ArrayBuffer | Uint8Array): number | undefined;
    /**
     * Send one frame. Throws if not connected or if the frame does not fit the socket's
     * writable space. Returns the payload bytes that can still be written.
     */
    write(data: ArrayBuffer | Uint8Array, options?: WriteOptions): number;
    close(): void;
    format: "buffer" | "number";
    target?: unknown;
  }
}
