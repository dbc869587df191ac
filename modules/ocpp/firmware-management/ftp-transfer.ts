/**
 * An HttpClient that also serves ftp:// URLs with the FTP client, so the
 * firmware and diagnostics services take HTTP(S) and FTP locations alike.
 *
 * FTP outcomes in HTTP terms: a transfer that began is status 200 for the
 * sink, a completed one resolves with status 200; any FTP failure (login,
 * refused file, dropped connection, timeout) rejects with an HttpError
 * ("bad-url", "aborted" when the sink refused a chunk, else "network")
 * carrying the server's answer. Headers and CA certificates do not apply.
 */
import { HttpError, type HttpBodySink, type HttpClient, type HttpRequestOptions, type HttpResult } from "ports/http";
import { FtpError, type FtpClient } from "./ftp-client";

/** True for ftp:// URLs (any case). */
export function isFtpUrl(url: string): boolean {
  return /^ftp:\/\//i.test(url);
}

function asHttpError(error: unknown): HttpError {
  if (error instanceof FtpError) {
    const code = error.code === "bad-url" ? "bad-url" : error.code === "aborted" ? "aborted" : "network";
    return new HttpError(code, `FTP: ${error.message}`);
  }
  return new HttpError("network", `FTP: ${String((error as Error).message)}`);
}

export class FtpAndHttpClient implements HttpClient {
  readonly #http: HttpClient;
  readonly #ftp: FtpClient;

  constructor(http: HttpClient, ftp: FtpClient) {
    this.#http = http;
    this.#ftp = ftp;
  }

  get(url: string, sink: HttpBodySink, options?: HttpRequestOptions): Promise<HttpResult> {
    if (!isFtpUrl(url)) return this.#http.get(url, sink, options);
    return this.#ftp
      .download(url, {
        start: (size) => sink.start(200, size),
        chunk: (bytes) => sink.chunk(bytes),
      })
      .then(
        (result) => ({ status: 200, bytes: result.bytes }),
        (error: unknown) => Promise.reject(asHttpError(error)),
      );
  }

  put(url: string, body: Uint8Array, options?: HttpRequestOptions): Promise<HttpResult> {
    if (!isFtpUrl(url)) return this.#http.put(url, body, options);
    return this.#ftp.upload(url, body).then(
      (result) => ({ status: 200, bytes: result.bytes }),
      (error: unknown) => Promise.reject(asHttpError(error)),
    );
  }
}
