/**
 * A local HTTP server on 127.0.0.1 for the firmware and diagnostics tests:
 * serves firmware images, counts GETs, accepts or refuses PUT uploads.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { esp32ImageOfSize } from "../../tools/sim/esp32-image.ts";

export class FileServer {
  readonly files = new Map<string, Uint8Array>();
  readonly uploads = new Map<string, Buffer>();
  readonly requests: Array<{ method: string; path: string }> = [];
  /** Status answered to every PUT (200 = stored). */
  putStatus = 200;
  /** Close the connection after this many body bytes of a GET (a dropped download). */
  dropGetAfterBytes: number | undefined;
  port = 0;
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.port = (this.#server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  count(method: string, path?: string): number {
    return this.requests.filter((r) => r.method === method && (path === undefined || r.path === path)).length;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? "/";
    this.requests.push({ method: req.method ?? "", path });
    if (req.method === "GET") {
      const file = this.files.get(path);
      if (!file) {
        res.writeHead(404, { "content-type": "text/plain" });
        res.end("not found");
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(file.length) });
      if (this.dropGetAfterBytes !== undefined) {
        res.write(Buffer.from(file.subarray(0, this.dropGetAfterBytes)), () => res.destroy());
        return;
      }
      // In pieces, so the client sees several chunks.
      const piece = 4096;
      for (let at = 0; at < file.length; at += piece) res.write(Buffer.from(file.subarray(at, at + piece)));
      res.end();
      return;
    }
    if (req.method === "PUT") {
      const parts: Buffer[] = [];
      req.on("data", (data: Buffer) => parts.push(data));
      req.on("end", () => {
        if (this.putStatus >= 200 && this.putStatus < 300) this.uploads.set(path, Buffer.concat(parts));
        res.writeHead(this.putStatus);
        res.end();
      });
      return;
    }
    res.writeHead(405);
    res.end();
  }
}

/**
 * A valid ESP32 app image (the firmware slot verifies it as a board does) of
 * `size` bytes rounded up to a multiple of 16, with a recognisable pattern.
 */
export function firmwareImage(size: number): Uint8Array {
  return esp32ImageOfSize(size);
}
