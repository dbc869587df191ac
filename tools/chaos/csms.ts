/**
 * The CSMS of the chaos campaign: OCPP 1.6J over ocpp-rpc (strict mode: every frame is checked
 * against the schemas) on 127.0.0.1, which can go down and come back on the same port.
 *
 * What survives a restart (a real CSMS keeps it in its database): the protocol monitor of each
 * charger, the transaction ledger and the next transactionId. The monitor is created once per
 * identity and lives in this object, not in the server: a restart only ends the connections,
 * which the monitor learns through `disconnected` as for any lost connection, so no rule loses
 * its state (open transactions, stops, register readings, clock) across the restart.
 *
 * The ledger answers a StartTransaction it has already seen (same connector, timestamp and
 * meterStart) with the same transactionId: a resend after a lost answer opens nothing new.
 *
 * Node only (tools).
 */
import { createServer, type Server } from "node:http";
import { RPCServer } from "ocpp-rpc";
import type RpcServerClient from "ocpp-rpc/lib/server-client";
import { closeNow, listenOnLoopback } from "../csms/listen.ts";
import { ProtocolMonitor, readFrame, type MonitorRule } from "../csms/protocol-monitor.ts";

export interface LedgerTransaction {
  readonly identity: string;
  readonly transactionId: number;
  readonly connectorId: number;
  readonly meterStartWh: number;
  readonly key: string;
  /** Distinct StopTransactions received for it (a resend of the same one counts once). */
  stops: number;
  readonly stopSeen: Set<string>;
  meterStopWh?: number;
}

interface Connection {
  readonly client: RpcServerClient;
  readonly monitor: ProtocolMonitor;
  readonly number: number;
  /** CALLs of the charger by message id (action, payload). */
  readonly calls: Map<string, { action: string; payload: Record<string, unknown> }>;
}

/** Tells whether the charger received this exact frame text (the campaign watches the charger's side). */
export type ReceivedCheck = (identity: string, text: string) => boolean;

const UNKNOWN_TIME = /^1970-01-01T00:00:00(\.000)?Z$/;

function startKey(payload: Record<string, unknown>): string {
  return `${Number(payload.connectorId)}|${String(payload.timestamp)}|${Number(payload.meterStart)}`;
}

/** What makes a transaction message the same message again, and the rule a resend would break. */
function resendSignature(action: string, payload: Record<string, unknown>): { sig: string; rule: MonitorRule } | undefined {
  switch (action) {
    case "StartTransaction":
      return { sig: `S|${startKey(payload)}`, rule: "tx-duplicate" };
    case "StopTransaction":
      return { sig: `E|${Number(payload.transactionId)}`, rule: "tx-stop-once" };
    case "MeterValues":
      if (payload.transactionId === undefined) return undefined;
      return {
        sig: `M|${String(payload.connectorId)}|${Number(payload.transactionId)}|${JSON.stringify(payload.meterValue)}`,
        rule: "tx-duplicate",
      };
    default:
      return undefined;
  }
}

export class ChaosCsms {
  port = 0;
  /** The CSMS's clock (ms since epoch) = `clockBaseMs + virtualNowMs() + clockOffsetMs`. */
  clockOffsetMs = 0;
  readonly monitors = new Map<string, ProtocolMonitor>();
  readonly transactions = new Map<number, LedgerTransaction>();
  /** StopTransactions with transactionId -1 (start never delivered) or an id never handed out. */
  stopsWithoutStart = 0;
  restarts = 0;
  /** Answer frames lost with their connection whose resend was marked expected (see `#expectResend`). */
  lostAnswers = 0;
  /** Messages of an earlier boot sent with the charger's "time unknown" stamp (see `#expectResend`). */
  unknownTimes = 0;
  readonly #boots = new Map<string, number>();
  /** The latest frames (both directions, all chargers), for the account of a failure. */
  readonly frames: string[] = [];
  /** Frames fed to the monitors. */
  framesSeen = 0;
  readonly #byKey = new Map<string, number>();
  /** Transaction messages answered: signature → answer frame texts sent. */
  readonly #answered = new Map<string, string[]>();
  readonly #connections = new Map<string, Connection>();
  #nextTransactionId = 1;
  #http: Server | undefined;
  #rpc: RPCServer | undefined;
  readonly #clockBaseMs: number;
  readonly #virtualNowMs: () => number;
  readonly #received: ReceivedCheck;
  #connectionCount = 0;

  constructor(options: { clockBaseMs: number; virtualNowMs: () => number; received: ReceivedCheck }) {
    this.#clockBaseMs = options.clockBaseMs;
    this.#virtualNowMs = options.virtualNowMs;
    this.#received = options.received;
  }

  now(): number {
    return this.#clockBaseMs + this.#virtualNowMs() + this.clockOffsetMs;
  }

  /** The CSMS's own clock steps by `deltaMs`; its monitors are told (`ProtocolMonitor.csmsClockMoved`). */
  moveClock(deltaMs: number): void {
    this.clockOffsetMs += deltaMs;
    for (const monitor of this.monitors.values()) monitor.csmsClockMoved(deltaMs);
  }

  get up(): boolean {
    return this.#http !== undefined;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ocpp/{deviceId}`;
  }

  /** The monitor of `identity`, created once and kept across restarts. */
  monitor(identity: string): ProtocolMonitor {
    let monitor = this.monitors.get(identity);
    if (!monitor) {
      monitor = new ProtocolMonitor(identity, { now: () => this.now() });
      this.monitors.set(identity, monitor);
    }
    return monitor;
  }

  isConnected(identity: string): boolean {
    return this.#connections.has(identity);
  }

  /** Starts listening (first on a free port, later on the same one). */
  async start(): Promise<void> {
    if (this.#http) return;
    const rpc = new RPCServer({ protocols: ["ocpp1.6"], strictMode: true, callTimeoutMs: 60_000, pingIntervalMs: 0 });
    rpc.auth((accept) => accept({}, "ocpp1.6"));
    rpc.on("client", (client: RpcServerClient) => this.#attach(client));
    const http = createServer((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    http.on("upgrade", rpc.handleUpgrade);
    this.port = await listenOnLoopback(http, this.port);
    this.#http = http;
    this.#rpc = rpc;
  }

  /** Goes down: every connection is cut, nothing listens until `start`. */
  async stop(): Promise<void> {
    const http = this.#http;
    const rpc = this.#rpc;
    if (!http || !rpc) return;
    this.#http = undefined;
    this.#rpc = undefined;
    await rpc.close({ code: 1001, force: true });
    await closeNow(http);
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts++;
    await this.start();
  }

  /** The campaign's end: no more frames; monitors retire. */
  async close(): Promise<void> {
    await this.stop();
    for (const monitor of this.monitors.values()) monitor.retire();
  }

  /** A CALL to the charger; rejects when it is not connected or does not answer. */
  async call(identity: string, action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const connection = this.#connections.get(identity);
    if (!connection) throw new Error(`${identity} not connected`);
    return (await connection.client.call(action, params, { callTimeoutMs: 10_000 })) as Record<string, unknown>;
  }

  /** Transactions of `identity` not stopped. */
  openTransactions(identity: string): LedgerTransaction[] {
    const out: LedgerTransaction[] = [];
    for (const tx of this.transactions.values()) if (tx.identity === identity && tx.stops === 0) out.push(tx);
    return out;
  }

  #attach(client: RpcServerClient): void {
    const identity = String(client.identity);
    const monitor = this.monitor(identity);
    const connection: Connection = { client, monitor, number: monitor.connected(), calls: new Map() };
    this.#connectionCount++;
    this.#connections.set(identity, connection);
    client.on("message", ({ message, outbound }: { message: string | Buffer; outbound: boolean }) => {
      const text = typeof message === "string" ? message : message.toString("utf8");
      this.frames.push(
        `${new Date(this.now()).toISOString()} ${identity} ${outbound ? "<-" : "->"} ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`,
      );
      if (this.frames.length > 600) this.frames.splice(0, 300);
      if (!outbound) this.#expectResend(connection, text);
      else this.#noteAnswer(connection, text);
      this.framesSeen++;
      monitor.frame(outbound ? "csms-to-cp" : "cp-to-csms", text);
    });
    client.on("closing", () => monitor.closeRequested(connection.number));
    client.on("close", () => {
      monitor.disconnected(connection.number);
      if (this.#connections.get(identity) === connection) this.#connections.delete(identity);
    });
    client.handle(async ({ method, params }) => this.#handle(identity, String(method), (params ?? {}) as Record<string, unknown>));
  }

  /**
   * A transaction message whose earlier answer the charger never received (the connection died
   * with the answer on the wire, which the charger cannot know better than to resend [SPEC 3.7,
   * reference 4.6]) is no duplicate the charger could avoid: the monitor is told to expect it.
   */
  #expectResend(connection: Connection, text: string): void {
    const frame = readFrame(text);
    if (frame.kind !== "call") return;
    const { action, payload } = frame;
    connection.calls.set(frame.id, { action, payload });
    const identity = connection.monitor.label;
    if (action === "BootNotification") this.#boots.set(identity, (this.#boots.get(identity) ?? 0) + 1);
    // A transaction message stored in a boot that never learnt the real time goes out after a reboot
    // stamped 1970-01-01T00:00:00Z, the charger's visible "time unknown" (modules/ocpp/core/
    // timestamps.ts): no later boot can know when it happened. Only that stamp, only after a reboot.
    // (Security events never go out dated 1970: they carry their boot's corrected time, or the time
    // of sending with a note; security-event-service.ts.)
    if (action !== "SecurityEventNotification" && (this.#boots.get(identity) ?? 0) >= 2 && UNKNOWN_TIME.test(String(payload.timestamp))) {
      this.unknownTimes++;
      connection.monitor.expect("timestamp-before-2020", 1);
    }
    const signature = resendSignature(action, payload);
    if (!signature) return;
    const answers = this.#answered.get(signature.sig);
    if (!answers) return;
    if (answers.some((answer) => this.#received(identity, answer))) return; // a real duplicate: the monitor reports it
    this.lostAnswers++;
    connection.monitor.expect(signature.rule, 1);
  }

  #noteAnswer(connection: Connection, text: string): void {
    const frame = readFrame(text);
    if (frame.kind !== "result") return;
    const call = connection.calls.get(frame.id);
    if (!call) return;
    connection.calls.delete(frame.id);
    const signature = resendSignature(call.action, call.payload);
    if (!signature) return;
    const list = this.#answered.get(signature.sig) ?? [];
    list.push(text);
    this.#answered.set(signature.sig, list);
  }

  #handle(identity: string, method: string, params: Record<string, unknown>): Record<string, unknown> {
    const now = new Date(this.now()).toISOString();
    switch (method) {
      case "BootNotification":
        return { status: "Accepted", currentTime: now, interval: 300 };
      case "Heartbeat":
        return { currentTime: now };
      case "Authorize":
        return { idTagInfo: { status: "Accepted" } };
      case "StartTransaction": {
        const key = `${identity}|${startKey(params)}`;
        let transactionId = this.#byKey.get(key);
        if (transactionId === undefined) {
          transactionId = this.#nextTransactionId++;
          this.#byKey.set(key, transactionId);
          this.transactions.set(transactionId, {
            identity,
            transactionId,
            connectorId: Number(params.connectorId),
            meterStartWh: Number(params.meterStart),
            key,
            stops: 0,
            stopSeen: new Set(),
          });
        }
        return { transactionId, idTagInfo: { status: "Accepted" } };
      }
      case "StopTransaction": {
        const tx = this.transactions.get(Number(params.transactionId));
        if (!tx || tx.identity !== identity) this.stopsWithoutStart++;
        else {
          tx.stopSeen.add(`${String(params.timestamp)}|${Number(params.meterStop)}`);
          tx.stops = tx.stopSeen.size;
          if (tx.meterStopWh === undefined) tx.meterStopWh = Number(params.meterStop);
        }
        return { idTagInfo: { status: "Accepted" } };
      }
      default:
        return {};
    }
  }
}
