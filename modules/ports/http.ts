/**
 * HTTP client port: a GET streamed into a sink in chunks (firmware images
 * are larger than the heap) and a PUT of a body held in memory (diagnostics).
 *
 * Both resolve with the status code of the response (any code, 404 too) and
 * reject with HttpError only when no response came: bad URL, DNS, connect,
 * TLS, a dropped connection or a sink that refused a chunk.
 */
export interface HttpRequestOptions {
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** PEM CA certificates trusted for https:// (empty: the platform's defaults). */
  caCertificates?: string[];
}

export interface HttpBodySink {
  /**
   * The response headers arrived. `contentLength` is undefined when the
   * server did not say. Called once, before any chunk; the body of a non-2xx
   * response is not passed to `chunk`.
   */
  start(status: number, contentLength: number | undefined): void;
  /** The next piece of the body; the bytes are only valid during the call. Throwing aborts the request. */
  chunk(bytes: Uint8Array): void;
}

export interface HttpResult {
  status: number;
  /** Body bytes handed to the sink (GET) or sent (PUT). */
  bytes: number;
}

export type HttpErrorCode = "bad-url" | "network" | "aborted";

export class HttpError extends Error {
  override name = "HttpError"; // a field: XS preload freezes Error.prototype, so assigning name throws
  readonly code: HttpErrorCode;
  constructor(code: HttpErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface HttpClient {
  /** GET `url` (http:// or https://) streaming a 2xx body into `sink`. */
  get(url: string, sink: HttpBodySink, options?: HttpRequestOptions): Promise<HttpResult>;
  /** PUT `body` to `url`. */
  put(url: string, body: Uint8Array, options?: HttpRequestOptions): Promise<HttpResult>;
}

/** An http(s) URL split into what a socket needs (no URL class on XS). */
export interface HttpUrl {
  secure: boolean;
  host: string;
  port: number;
  /** Path with query, starting with "/". */
  path: string;
}

/** Splits an http:// or https:// URL; throws HttpError("bad-url") otherwise. User info is not supported. */
export function parseHttpUrl(url: string): HttpUrl {
  const match = /^(https?):\/\/(\[[^\]]+\]|[^/:?#@]+)(?::(\d{1,5}))?([/?][^#]*)?(#.*)?$/i.exec(url);
  if (!match) throw new HttpError("bad-url", `not an http:// or https:// URL: ${url}`);
  const secure = match[1].toLowerCase() === "https";
  const port = match[3] ? Number(match[3]) : secure ? 443 : 80;
  if (port < 1 || port > 65535) throw new HttpError("bad-url", `bad port in ${url}`);
  let path = match[4] ?? "/";
  if (path.charAt(0) === "?") path = `/${path}`;
  return { secure, host: match[2].replace(/^\[|\]$/g, ""), port, path };
}
