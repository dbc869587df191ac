// The charger's network link on the lin and rig targets: a TCP proxy (on 127.0.0.1 unless a rig
// asks for another address) between the firmware and the CSMS that the bench can cut (`POST /network drop`): live connections are destroyed and new ones
// closed at once until `restore`. TLS passes through unchanged.
import { createConnection, createServer, type Server, type Socket } from "node:net";

export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  readonly #targetHost: string;
  readonly #targetPort: number;
  #up = true;

  private constructor(targetHost: string, targetPort: number) {
    this.#targetHost = targetHost;
    this.#targetPort = targetPort;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** A proxy listening on `listenHost:listenPort` (default: a free port of 127.0.0.1), forwarding to host:port. */
  static async start(targetHost: string, targetPort: number, listenPort = 0, listenHost = "127.0.0.1"): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once("error", reject);
      proxy.#server.listen(listenPort, listenHost, () => resolve());
    });
    return proxy;
  }

  /** Connections it carries now. */
  get connections(): number {
    return this.#pairs.size;
  }

  get port(): number {
    const address = this.#server.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  get up(): boolean {
    return this.#up;
  }

  drop(): void {
    this.#up = false;
    for (const [a, b] of this.#pairs) {
      a.destroy();
      b.destroy();
    }
    this.#pairs.clear();
  }

  restore(): void {
    this.#up = true;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    if (!this.#up) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: this.#targetHost, port: this.#targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const end = (): void => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
