/**
 * Board WebSocket client over the ECMA-419 `embedded:network/websocket/client`
 * (the SDK's example implementation, mapped to that name by the manifest).
 *
 * What the port adds: text messages reassembled from fragments, long frames
 * written in pieces as the socket has room, pongs reported, one onClose.
 * A text goes out in fragments of at most PIECE_CHARS characters, each
 * encoded on its own (the client copies it into its masked frame at once):
 * encoding a whole GetConfiguration answer at once (three bytes per
 * character reserved, then the copy the client masks, then TLS's record)
 * ran the stock ESP32 chunk heap out (issue 9).
 * Limit: this client does not expose the handshake's response headers, so
 * the chosen subprotocol cannot be checked here; we report "ocpp1.6" as
 * offered and rely on the CSMS to refuse a connection it cannot serve; nor
 * the HTTP status of a refused upgrade (`onRefused` is never called).
 * `close` sends the frames still waiting for room first (a CALLRESULT sent
 * just before a reconnect must reach the CSMS: issue 10, OCTT TC_073).
 * Over wss the TLS socket runs on GuardedTCP: a failed handshake (a server
 * certificate the installed CA does not vouch for) is reported as an error
 * with its reason and the connection closes, instead of aborting XS.
 */
import WebSocketClient from "embedded:network/websocket/client";
import TCP from "embedded:io/socket/tcp";
import TLSSocket from "embedded:io/socket/tcp/tls";
import GuardedTCP from "platform/moddable/guarded-tcp";
import UDP from "embedded:io/socket/udp";
import Resolver from "embedded:network/dns/resolver/udp";
import type { WebSocketConnectOptions, WebSocketConnection, WebSocketEvents, WebSocketFactory } from "ports/websocket";
import { parseWebSocketUrl } from "platform/common/url";
import { decodeUtf8, encodeUtf8, pieceEnd } from "util/utf8";
import { tlsSecureOptions } from "platform/common/tls-options";

/**
 * Characters per fragment of a long text; a frame shorter than this goes in one piece, as before.
 * Large enough that everyday frames (MeterValues, StopTransaction with its data) go whole, should a
 * CSMS handle continuation frames badly; small enough that a long answer is never copied whole.
 */
const PIECE_CHARS = 2048;

export class Ecma419WebSocketFactory implements WebSocketFactory {
  #dnsServers: readonly string[];

  constructor(dnsServers: readonly string[]) {
    this.#dnsServers = dnsServers;
  }

  connect(options: WebSocketConnectOptions, events: WebSocketEvents): WebSocketConnection {
    const target = parseWebSocketUrl(options.url);
    const headers = new Map<string, string>();
    for (const name of Object.keys(options.headers)) headers.set(name, options.headers[name]);
    let open = false;
    let closed = false;
    let incoming: Uint8Array[] = [];
    const outgoing: string[] = []; // texts waiting for room
    let outgoingOffset = 0; // characters of outgoing[0] already written
    let writable = 0;
    /** close() was called while frames waited for room: closes once they are written. */
    let closing = false;
    /** Why the TLS socket failed (what its handshake threw), for the error report. */
    let fault: string | undefined;

    const finish = (code: number, reason: string): void => {
      if (closed) return;
      closed = true;
      open = false;
      events.onClose(code, reason);
    };
    const pump = (client: WebSocketClient): void => {
      // A piece whose UTF-8 fits the room: three bytes per character at most (four per pair).
      while (outgoing.length > 0 && writable >= 6) {
        const text = outgoing[0];
        const end = pieceEnd(text, outgoingOffset, Math.min(PIECE_CHARS, Math.floor(writable / 3)));
        const piece = encodeUtf8(outgoingOffset === 0 && end === text.length ? text : text.slice(outgoingOffset, end));
        const more = end < text.length;
        // Continuation pieces carry the text type of the first one.
        writable = client.write(piece, { binary: false, more });
        outgoingOffset = end;
        if (!more) {
          outgoing.shift();
          outgoingOffset = 0;
        }
      }
      if (closing && outgoing.length === 0 && !closed) {
        client.close();
        finish(1000, "closed");
      }
    };

    const socket = target.secure
      ? {
          io: TLSSocket,
          TCP: { io: GuardedTCP },
          onFault: (error: unknown): void => {
            fault = `TLS: ${error instanceof Error ? error.message : String(error)}`;
          },
          secure: tlsSecureOptions(target.host, options.caCertificates, {
            certificates: options.clientCertificates,
            key: options.clientKey,
          }),
        }
      : { io: TCP };
    // A variable, not a literal: the SDK types `dns` as {io} only, the resolver also needs these.
    const dns = { io: Resolver, servers: this.#dnsServers, socket: { io: UDP } };
    const client = new WebSocketClient({
      host: target.host,
      port: target.port,
      path: target.path,
      protocol: options.protocols.join(", "),
      headers,
      dns,
      socket,
      onWritable(count: number): void {
        writable = count;
        if (!open && !closed) {
          open = true;
          events.onOpen(options.protocols[0] ?? "");
        }
        pump(this);
      },
      onReadable(count: number, info): void {
        const piece = this.read(count);
        if (piece instanceof ArrayBuffer) incoming.push(new Uint8Array(piece));
        if (info.more) return;
        const parts = incoming;
        incoming = [];
        if (info.binary) return; // OCPP-J is text only
        let length = 0;
        for (const part of parts) length += part.length;
        const whole = new Uint8Array(length);
        let at = 0;
        for (const part of parts) {
          whole.set(part, at);
          at += part.length;
        }
        events.onText(decodeUtf8(whole));
      },
      onControl(opcode: number): void {
        if (opcode === WebSocketClient.pong) events.onPong();
        else if (opcode === WebSocketClient.close) finish(1000, "closed by server");
      },
      onClose(): void {
        finish(1000, "");
      },
      onError(): void {
        events.onError(fault ?? "websocket error");
        finish(1006, "error");
      },
    });

    return {
      sendText(text: string): boolean {
        if (!open || closed || closing) return false;
        outgoing.push(text);
        pump(client);
        return true;
      },
      ping(): void {
        if (open && !closed) client.write(new Uint8Array(0), { opcode: WebSocketClient.ping });
      },
      close(): void {
        if (closed || closing) return;
        if (open && outgoing.length > 0) {
          closing = true;
          return;
        }
        client.close();
        finish(1000, "closed");
      },
    };
  }
}
