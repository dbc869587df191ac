// Checked against $MODDABLE/typings/embedded_network/http/client.d.ts and
// $MODDABLE/examples/io/tcp/httpclient/httpclient.js (Moddable SDK 8.2.3).
declare module "embedded:network/http/client" {
  /** Any ECMA-419 IO constructor (TCP, TLS, DNS resolver); the client passes its own options. */
  export type IOConstructor = new (options: never) => object;

  export interface HTTPClientOptions {
    host: string;
    /** Default 80. */
    port?: number;
    /** Socket to connect through: `{io: TCP}` or `{io: TLSSocket, TCP: {io: TCP}, secure: {...}}`; other entries are spread in. */
    socket: { io: IOConstructor; [setting: string]: unknown };
    /** Name resolver: `new dns.io(dns)` then `resolve({host, onResolved, onError})`. */
    dns: { io: IOConstructor; [setting: string]: unknown };
    /** The connection failed (resolve, connect, TLS); pending requests get onDone(error). */
    onError?: (error?: unknown) => void;
  }

  export interface HTTPRequest {
    /** Body bytes of the response (all available, or up to `count`); undefined when none. */
    read(count?: number): ArrayBuffer | undefined;
    /**
     * Request body bytes, at most the count last given to onWritable; returns the bytes
     * that may be written next. With a content-length header the request ends after that
     * many bytes; with chunked transfer encoding `write(undefined)` ends it.
     */
    write(data: ArrayBuffer | ArrayBufferView | undefined): number;
  }

  export interface HTTPRequestOptions {
    /** Default "GET". */
    method?: string;
    /** Default "/". */
    path?: string;
    /** Request headers; a content-length or transfer-encoding header announces a body. */
    headers?: Map<string, string | string[]>;
    /** Response headers to drop (lower case). */
    headersMask?: string[];
    onHeaders?: (this: HTTPRequest, status: number, headers: Map<string, string>, statusText: string) => void;
    /** `count` response body bytes can be read. */
    onReadable?: (this: HTTPRequest, count: number) => void;
    /** `count` request body bytes can be written. */
    onWritable?: (this: HTTPRequest, count: number) => void;
    /** The exchange ended: `error` null on success, an (empty) Error otherwise. */
    onDone?: (this: HTTPRequest, error: Error | null) => void;
  }

  export default class HTTPClient {
    constructor(options: HTTPClientOptions);
    /** Queues a request; requests on one client run one after another. */
    request(options: HTTPRequestOptions): HTTPRequest;
    close(): void;
  }
}
