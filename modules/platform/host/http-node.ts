/**
 * Host HTTP client over node:http / node:https for the HttpClient port.
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { HttpError, parseHttpUrl, type HttpBodySink, type HttpClient, type HttpRequestOptions, type HttpResult } from "ports/http";

const TIMEOUT_MS = 30_000;

export class NodeHttpClient implements HttpClient {
  get(url: string, sink: HttpBodySink, options: HttpRequestOptions = {}): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve, reject) => {
      let bytes = 0;
      let settled = false;
      const fail = (error: HttpError): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const req = this.#open("GET", url, options, fail, (res) => {
        const status = res.statusCode ?? 0;
        const header = res.headers["content-length"];
        const length = header === undefined ? undefined : Number(header);
        try {
          sink.start(status, length !== undefined && Number.isFinite(length) ? length : undefined);
        } catch (error) {
          req.destroy();
          fail(new HttpError("aborted", (error as Error).message));
          return;
        }
        const ok = status >= 200 && status < 300;
        res.on("data", (data: Buffer) => {
          if (settled || !ok) return;
          try {
            sink.chunk(new Uint8Array(data.buffer, data.byteOffset, data.length));
            bytes += data.length;
          } catch (error) {
            req.destroy();
            fail(new HttpError("aborted", (error as Error).message));
          }
        });
        res.on("end", () => {
          if (settled) return;
          if (!res.complete) {
            fail(new HttpError("network", "connection closed before the body ended"));
            return;
          }
          settled = true;
          resolve({ status, bytes });
        });
        res.on("error", (error) => fail(new HttpError("network", error.message)));
        res.on("aborted", () => fail(new HttpError("network", "response aborted")));
      });
      if (req) req.end();
    });
  }

  put(url: string, body: Uint8Array, options: HttpRequestOptions = {}): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve, reject) => {
      let settled = false;
      const fail = (error: HttpError): void => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      const headers = { "content-type": "application/octet-stream", ...options.headers, "content-length": String(body.length) };
      const req = this.#open("PUT", url, { ...options, headers }, fail, (res) => {
        res.resume(); // the answer's body is not needed
        res.on("end", () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, bytes: body.length });
        });
        res.on("error", (error) => fail(new HttpError("network", error.message)));
      });
      if (req) req.end(body);
    });
  }

  #open(
    method: string,
    url: string,
    options: HttpRequestOptions,
    fail: (error: HttpError) => void,
    onResponse: (res: IncomingMessage) => void,
  ): ClientRequest {
    let target;
    try {
      target = parseHttpUrl(url);
    } catch (error) {
      fail(error as HttpError);
      // A request that is never sent keeps the signature simple for callers.
      return { end: () => undefined, destroy: () => undefined } as unknown as ClientRequest;
    }
    const requestOptions: RequestOptions & { ca?: string[] } = {
      method,
      host: target.host,
      port: target.port,
      path: target.path,
      headers: options.headers,
      timeout: TIMEOUT_MS,
    };
    if (target.secure && options.caCertificates && options.caCertificates.length > 0) requestOptions.ca = options.caCertificates;
    const req = (target.secure ? httpsRequest : httpRequest)(requestOptions, onResponse);
    req.on("error", (error) => fail(new HttpError("network", error.message)));
    req.on("timeout", () => {
      req.destroy();
      fail(new HttpError("network", "timed out"));
    });
    return req;
  }
}
