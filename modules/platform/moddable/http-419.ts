/**
 * Board HTTP client over the ECMA-419 `embedded:network/http/client` (the
 * SDK's example implementation, mapped to that name by the manifest): one
 * client per request, GET bodies handed to the sink as they arrive, PUT
 * bodies written with a content-length as the socket has room. Over https
 * the TLS socket runs on GuardedTCP: a failed handshake is a "network" error
 * with its reason, not an abort of XS.
 */
import HTTPClient from "embedded:network/http/client";
import TCP from "embedded:io/socket/tcp";
import TLSSocket from "embedded:io/socket/tcp/tls";
import GuardedTCP from "platform/moddable/guarded-tcp";
import UDP from "embedded:io/socket/udp";
import Resolver from "embedded:network/dns/resolver/udp";
import {
  HttpError,
  parseHttpUrl,
  type HttpBodySink,
  type HttpClient,
  type HttpRequestOptions,
  type HttpResult,
  type HttpUrl,
} from "ports/http";
import { tlsSecureOptions } from "platform/common/tls-options";

export class Ecma419HttpClient implements HttpClient {
  readonly #dnsServers: readonly string[];

  constructor(dnsServers: readonly string[]) {
    this.#dnsServers = dnsServers;
  }

  get(url: string, sink: HttpBodySink, options: HttpRequestOptions = {}): Promise<HttpResult> {
    return this.#exchange("GET", url, options, sink, undefined);
  }

  put(url: string, body: Uint8Array, options: HttpRequestOptions = {}): Promise<HttpResult> {
    return this.#exchange("PUT", url, options, undefined, body);
  }

  #exchange(
    method: string,
    url: string,
    options: HttpRequestOptions,
    sink: HttpBodySink | undefined,
    body: Uint8Array | undefined,
  ): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve, reject) => {
      let target: HttpUrl;
      try {
        target = parseHttpUrl(url);
      } catch (error) {
        reject(error);
        return;
      }
      let settled = false;
      let status = 0;
      let bytes = 0;
      let sent = 0;
      let client: HTTPClient | undefined;
      const finish = (error: HttpError | undefined): void => {
        if (settled) return;
        settled = true;
        client?.close();
        if (error) reject(error);
        else resolve({ status, bytes: body ? sent : bytes });
      };
      const headers = new Map<string, string>();
      headers.set("host", target.host);
      headers.set("connection", "close");
      const extra = options.headers ?? {};
      for (const name of Object.keys(extra)) headers.set(name.toLowerCase(), extra[name]);
      if (body) headers.set("content-length", String(body.length));
      let fault = "";
      const socket = target.secure
        ? {
            io: TLSSocket,
            TCP: { io: GuardedTCP },
            secure: tlsSecureOptions(target.host, options.caCertificates),
            onFault: (error: unknown): void => {
              fault = ` (TLS: ${error instanceof Error ? error.message : String(error)})`;
            },
          }
        : { io: TCP };
      const dns = { io: Resolver, servers: this.#dnsServers, socket: { io: UDP } };
      try {
        client = new HTTPClient({
          host: target.host,
          port: target.port,
          socket,
          dns,
          onError: () => finish(new HttpError("network", `cannot reach ${target.host}:${target.port}${fault}`)),
        });
        client.request({
          method,
          path: target.path,
          headers,
          onHeaders(code: number, responseHeaders: Map<string, string>): void {
            status = code;
            if (!sink) return;
            const length = responseHeaders.get("content-length");
            try {
              sink.start(code, length === undefined ? undefined : Number(length));
            } catch (error) {
              finish(new HttpError("aborted", String((error as Error).message)));
            }
          },
          onReadable(count: number): void {
            const piece = this.read(count);
            if (settled || piece === undefined || !sink || status < 200 || status > 299) return;
            try {
              sink.chunk(new Uint8Array(piece));
              bytes += piece.byteLength;
            } catch (error) {
              finish(new HttpError("aborted", String((error as Error).message)));
            }
          },
          onWritable(count: number): void {
            if (!body || settled) return;
            let room = count;
            while (room > 0 && sent < body.length) {
              const size = Math.min(room, body.length - sent);
              // The SDK's typings say write() returns nothing; its implementation returns the room left.
              const left: unknown = this.write(body.subarray(sent, sent + size));
              room = typeof left === "number" ? left : room - size;
              sent += size;
            }
          },
          onDone(error: Error | null): void {
            finish(error ? new HttpError("network", `${method} ${target.path} failed`) : undefined);
          },
        });
      } catch (error) {
        finish(new HttpError("network", String((error as Error).message)));
      }
    });
  }
}
