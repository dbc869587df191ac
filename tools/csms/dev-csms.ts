// Development CSMS: an OCPP 1.6J central system for the bench, the simulator and tests.
// Built on ocpp-rpc in strict mode, so every frame a charger sends (and every call we send) is
// checked against the official OCPP 1.6 JSON schemas; a malformed frame gets the schema's CALLERROR.
// A ProtocolMonitor per charger checks the rules across messages (docs/protocol-rules.md): a
// violation is logged as a warning and emitted; tests fail on it (tests/support/monitor-hooks.ts).
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import type { TLSSocket } from "node:tls";
import { timingSafeEqual } from "node:crypto";
import { RPCServer } from "ocpp-rpc";
import type RpcServerClient from "ocpp-rpc/lib/server-client";
import type { IHandshakeInterface } from "ocpp-rpc/lib/server-client";
import { BoundedList } from "./bounded-list.ts";
import { answerNotWebSocket, listenOnLoopback } from "./listen.ts";
import { startTlsListener, type TlsListener, type TlsListenerOptions } from "./tls-listener.ts";
import { ProtocolMonitor, formatViolations, type MonitorViolation } from "./protocol-monitor.ts";
import type {
  BootNotificationReq,
  CsmsAction,
  CsmsRequest,
  CsmsResponse,
  IdTagInfo,
  MeterValue,
  MeterValuesReq,
  StartTransactionReq,
  StatusNotificationReq,
  StopTransactionReq,
} from "./ocpp-types.ts";

export const OCPP16_PROTOCOL = "ocpp1.6";

/** An entry of the CSMS's authorization list. */
export interface IdTagEntry {
  status: "Accepted" | "Blocked" | "Expired" | "Invalid";
  parentIdTag?: string;
  /** ISO date-time; an Accepted tag past this date is answered Expired. */
  expiryDate?: string;
}

/** A small demo list: one tag per status, and a child tag of a group. */
export const DEV_ID_TAGS: Readonly<Record<string, IdTagEntry>> = {
  "DEV-ACCEPTED": { status: "Accepted" },
  "DEV-CHILD": { status: "Accepted", parentIdTag: "DEV-GROUP" },
  "DEV-BLOCKED": { status: "Blocked" },
  "DEV-EXPIRED": { status: "Expired", expiryDate: "2020-01-01T00:00:00.000Z" },
  "DEV-INVALID": { status: "Invalid" },
};

export interface DevCsmsOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free port. */
  port?: number;
  /** Path prefix reported in `url` (chargers may use any prefix; the identity is the last segment). */
  path?: string;
  /** HeartbeatInterval returned in BootNotification.conf, seconds (default 300). */
  heartbeatIntervalS?: number;
  /** BootNotification status (default Accepted). */
  bootStatus?: "Accepted" | "Pending" | "Rejected";
  /** Basic-auth password per identity (UTF-8 string or raw bytes); identities not listed may use any. */
  passwords?: Record<string, string | Uint8Array>;
  /** Authorization list (default DEV_ID_TAGS); unknown tags are Invalid. */
  idTags?: Record<string, IdTagEntry>;
  /** Frames kept per charger (default 1000). */
  logLimit?: number;
  /** First transactionId handed out (default 1). */
  firstTransactionId?: number;
  /** Timeout of CSMS-initiated calls, ms (default 30000). */
  callTimeoutMs?: number;
  /** Clock, for tests (default: real time). */
  now?: () => Date;
  /** Where protocol-monitor violations are logged (default console.warn). */
  warn?: (line: string) => void;
  /** A wss listener on 127.0.0.1 besides the ws one, with this key and certificate chain (`secureUrl`). */
  tls?: TlsListenerOptions;
}

export type FrameDirection = "cp-to-csms" | "csms-to-cp";

export interface FrameRecord {
  seq: number;
  at: string;
  identity: string;
  direction: FrameDirection;
  text: string;
}

export interface ConnectorRecord {
  connectorId: number;
  status: string;
  errorCode: string;
  info?: string;
  vendorErrorCode?: string;
  timestamp: string;
}

export interface ChargerRecord {
  identity: string;
  connected: boolean;
  /** URL path before the identity, e.g. "/ocpp". */
  endpoint: string;
  /** The connection (the current one, or the last) came through the wss listener. */
  secure: boolean;
  connectedAt?: string;
  disconnectedAt?: string;
  bootCount: number;
  boot?: BootNotificationReq;
  lastBootAt?: string;
  lastHeartbeatAt?: string;
  connectors: ConnectorRecord[];
  firmwareStatus?: string;
  diagnosticsStatus?: string;
  signedFirmwareStatus?: { status: string; requestId?: number };
  logStatus?: { status: string; requestId?: number };
  securityEvents: { type: string; timestamp: string; techInfo?: string }[];
  dataTransfers: { vendorId: string; messageId?: string; data?: string }[];
  /** MeterValues sent outside any transaction, newest last. */
  meterValues: { connectorId: number; meterValue: MeterValue[] }[];
}

export interface TransactionRecord {
  transactionId: number;
  identity: string;
  connectorId: number;
  idTag: string;
  idTagInfo: IdTagInfo;
  meterStartWh: number;
  startedAt: string;
  reservationId?: number;
  meterValues: MeterValue[];
  stop?: { meterStopWh: number; timestamp: string; reason?: string; idTag?: string };
}

/** An inbound CALL the CSMS answered. */
export interface HandledCall {
  identity: string;
  action: string;
  request: unknown;
  response: unknown;
}

export interface DevCsmsEvents {
  frame: [FrameRecord];
  connected: [string];
  disconnected: [{ identity: string; code?: number; reason?: string }];
  authRejected: [{ identity: string; reason: string }];
  call: [HandledCall];
  transaction: [TransactionRecord];
  /** The protocol monitor of a charger found a rule broken. */
  violation: [MonitorViolation];
  /** Emitted after every other event: something a waiter may be interested in changed. */
  change: [];
}

// Bounds of the per-charger lists and of the meter values kept per transaction.
const LIST_LIMIT = 200;
const METER_VALUE_LIMIT = 2000;

interface Session {
  client: RpcServerClient;
  log: BoundedList<FrameRecord>;
}

export class DevCsms extends EventEmitter<DevCsmsEvents> {
  readonly url: string;
  readonly port: number;
  /** wss://127.0.0.1:<securePort><path> when started with `tls`, else undefined. */
  readonly secureUrl: string | undefined;
  readonly securePort: number | undefined;
  readonly #http: Server;
  readonly #tls: TlsListener | undefined;
  readonly #rpc: RPCServer;
  readonly #options: Required<Omit<DevCsmsOptions, "passwords" | "idTags" | "port" | "warn" | "tls">>;
  readonly #warn: (line: string) => void;
  readonly #monitors = new Map<string, ProtocolMonitor>();
  readonly #passwords = new Map<string, Uint8Array>();
  readonly #idTags = new Map<string, IdTagEntry>();
  readonly #chargers = new Map<string, ChargerRecord>();
  readonly #sessions = new Map<string, Session>();
  readonly #logs = new Map<string, BoundedList<FrameRecord>>();
  readonly #transactions = new Map<number, TransactionRecord>();
  #nextTransactionId: number;
  #frameSeq = 0;
  #closed = false;

  /** Use startDevCsms(). */
  constructor(http: Server, rpc: RPCServer, port: number, options: DevCsmsOptions, tls?: TlsListener) {
    super();
    this.setMaxListeners(0); // every pending waitFor() listens to "change"
    this.#http = http;
    this.#tls = tls;
    this.#rpc = rpc;
    this.port = port;
    this.#options = {
      path: normalisePath(options.path ?? "/ocpp"),
      heartbeatIntervalS: options.heartbeatIntervalS ?? 300,
      bootStatus: options.bootStatus ?? "Accepted",
      logLimit: options.logLimit ?? 1000,
      firstTransactionId: options.firstTransactionId ?? 1,
      callTimeoutMs: options.callTimeoutMs ?? 30000,
      now: options.now ?? (() => new Date()),
    };
    this.#warn = options.warn ?? ((line) => console.warn(line));
    this.url = `ws://127.0.0.1:${port}${this.#options.path}`;
    this.securePort = tls?.port;
    this.secureUrl = tls ? `wss://127.0.0.1:${tls.port}${this.#options.path}` : undefined;
    this.#nextTransactionId = this.#options.firstTransactionId;
    for (const [identity, password] of Object.entries(options.passwords ?? {})) this.setPassword(identity, password);
    for (const [idTag, entry] of Object.entries(options.idTags ?? DEV_ID_TAGS)) this.setIdTag(idTag, entry);
    rpc.auth((accept, reject, handshake) => this.#authenticate(accept, reject, handshake));
    rpc.on("client", (client: RpcServerClient) => this.#attach(client));
  }

  /** Sets (or with `undefined` removes) the Basic-auth password required from `identity`. */
  setPassword(identity: string, password: string | Uint8Array | undefined): void {
    if (password === undefined) this.#passwords.delete(identity);
    else this.#passwords.set(identity, typeof password === "string" ? Buffer.from(password, "utf8") : password);
  }

  /** Adds, replaces or (with `undefined`) removes an entry of the authorization list. */
  setIdTag(idTag: string, entry: IdTagEntry | undefined): void {
    if (entry === undefined) this.#idTags.delete(idTag);
    else this.#idTags.set(idTag, { ...entry });
  }

  /** Snapshot of every charger seen since start. */
  chargers(): ChargerRecord[] {
    return [...this.#chargers.values()].map(cloneCharger);
  }

  charger(identity: string): ChargerRecord | undefined {
    const record = this.#chargers.get(identity);
    return record ? cloneCharger(record) : undefined;
  }

  isConnected(identity: string): boolean {
    return this.#sessions.has(identity);
  }

  /** Snapshot of every transaction, oldest first. */
  transactions(): TransactionRecord[] {
    return [...this.#transactions.values()].map(cloneTransaction);
  }

  /** The frame log of one charger (or all, merged in order), oldest first. */
  frames(identity?: string): FrameRecord[] {
    if (identity !== undefined) return this.#logs.get(identity)?.toArray() ?? [];
    const all: FrameRecord[] = [];
    for (const log of this.#logs.values()) all.push(...log.toArray());
    return all.sort((a, b) => a.seq - b.seq);
  }

  /** The protocol monitor of a charger (created on its first connection). */
  monitor(identity: string): ProtocolMonitor | undefined {
    return this.#monitors.get(identity);
  }

  /** Protocol-monitor violations of one charger (or of all). */
  violations(identity?: string): MonitorViolation[] {
    const monitors = identity === undefined ? [...this.#monitors.values()] : [this.#monitors.get(identity)].filter((m) => m !== undefined);
    return monitors.flatMap((m) => m.violations);
  }

  /** Sends a CSMS-initiated call and resolves with the charger's response (rejects on CALLERROR/timeout). */
  async send<A extends CsmsAction>(
    identity: string,
    action: A,
    payload: CsmsRequest<A>,
    options: { timeoutMs?: number } = {},
  ): Promise<CsmsResponse<A>> {
    const session = this.#sessions.get(identity);
    if (!session) throw new Error(`charger '${identity}' is not connected`);
    const result = await session.client.call(action, payload, {
      callTimeoutMs: options.timeoutMs ?? this.#options.callTimeoutMs,
    });
    return result as CsmsResponse<A>;
  }

  /**
   * Resolves with the first truthy value `predicate` returns, checked now and after every event;
   * rejects when `timeoutMs` passes first (a guard for tests, not a measurement).
   */
  waitFor<T>(predicate: (csms: DevCsms) => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = (): boolean => {
        let value: T | undefined | null | false;
        try {
          value = predicate(this);
        } catch (error) {
          finish();
          reject(error);
          return true;
        }
        if (!value) return false;
        finish();
        resolve(value);
        return true;
      };
      const finish = (): void => {
        this.off("change", check);
        if (timer) clearTimeout(timer);
      };
      if (check()) return;
      this.on("change", check);
      timer = setTimeout(() => {
        finish();
        reject(new Error(`waitFor: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  /** Disconnects every charger and stops listening. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing = [...this.#sessions.values()].map((s) => s.client.close({ code: 1001, force: true }));
    await Promise.allSettled(closing);
    await this.#rpc.close({ code: 1001, force: true });
    await new Promise<void>((resolve) => {
      this.#http.close(() => resolve());
      this.#http.closeAllConnections();
    });
    await this.#tls?.close();
    for (const monitor of this.#monitors.values()) monitor.retire();
  }

  #emitChange<K extends keyof DevCsmsEvents>(event: K, ...args: DevCsmsEvents[K]): void {
    (this.emit as (e: K, ...a: DevCsmsEvents[K]) => boolean)(event, ...args);
    this.emit("change");
  }

  #authenticate(
    accept: (session?: Record<string, unknown>, protocol?: string | false) => void,
    reject: (code: number, message: string) => void,
    handshake: IHandshakeInterface,
  ): void {
    const { identity } = handshake;
    const refuse = (code: number, reason: string): void => {
      reject(code, reason);
      this.#emitChange("authRejected", { identity, reason });
    };
    if (identity === "") return refuse(404, "no charge point identity in the URL");
    if (!handshake.protocols.has(OCPP16_PROTOCOL)) return refuse(400, `subprotocol ${OCPP16_PROTOCOL} required`);
    const expected = this.#passwords.get(identity);
    if (expected !== undefined) {
      const given = handshake.password;
      if (!given) return refuse(401, "Basic authentication required");
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse(401, "wrong password");
    }
    accept({}, OCPP16_PROTOCOL);
  }

  #attach(client: RpcServerClient): void {
    const identity = client.identity ?? "";
    const previous = this.#sessions.get(identity);
    // A charger that reconnects replaces its old connection (e.g. after a network drop it never saw).
    if (previous) void previous.client.close({ code: 1000, reason: "replaced by a new connection", force: true });
    const session: Session = { client, log: this.#logFor(identity) };
    this.#sessions.set(identity, session);

    let monitor = this.#monitors.get(identity);
    if (!monitor) {
      monitor = new ProtocolMonitor(identity);
      monitor.onViolation((violation) => {
        this.#warn(`protocol monitor: ${formatViolations([violation])}`);
        this.#emitChange("violation", violation);
      });
      this.#monitors.set(identity, monitor);
    }
    const watching = monitor;
    const connection = watching.connected();
    client.on("closing", () => watching.closeRequested(connection));

    const charger = this.#chargerRecord(identity);
    charger.connected = true;
    charger.endpoint = client.handshake.endpoint;
    charger.secure = (client.handshake.request.socket as Partial<TLSSocket>).encrypted === true;
    charger.connectedAt = this.#nowIso();

    client.on("message", ({ message, outbound }: { message: string | Buffer; outbound: boolean }) => {
      const frame: FrameRecord = {
        seq: ++this.#frameSeq,
        at: this.#nowIso(),
        identity,
        direction: outbound ? "csms-to-cp" : "cp-to-csms",
        text: typeof message === "string" ? message : message.toString("utf8"),
      };
      session.log.push(frame);
      watching.frame(frame.direction, frame.text);
      this.#emitChange("frame", frame);
    });
    client.once("close", ({ code, reason }: { code?: number; reason?: string }) => {
      watching.disconnected(connection);
      if (this.#sessions.get(identity) !== session) return;
      this.#sessions.delete(identity);
      charger.connected = false;
      charger.disconnectedAt = this.#nowIso();
      this.#emitChange("disconnected", { identity, code, reason });
    });

    const handle = (action: string, handler: (params: Record<string, unknown>) => Record<string, unknown>): void => {
      client.handle(action, async ({ params }) => {
        const request = params ?? {};
        const response = handler(request);
        this.#emitChange("call", { identity, action, request, response });
        return response;
      });
    };
    handle("BootNotification", (p) => this.#onBoot(charger, p as unknown as BootNotificationReq));
    handle("Heartbeat", () => {
      charger.lastHeartbeatAt = this.#nowIso();
      return { currentTime: charger.lastHeartbeatAt };
    });
    handle("Authorize", (p) => ({ idTagInfo: this.#authorize(String(p.idTag)) }));
    handle("StartTransaction", (p) => this.#onStart(identity, p as unknown as StartTransactionReq));
    handle("StopTransaction", (p) => this.#onStop(p as unknown as StopTransactionReq));
    handle("MeterValues", (p) => this.#onMeterValues(charger, p as unknown as MeterValuesReq));
    handle("StatusNotification", (p) => this.#onStatus(charger, p as unknown as StatusNotificationReq));
    handle("DataTransfer", (p) => {
      pushBounded(charger.dataTransfers, {
        vendorId: String(p.vendorId),
        messageId: p.messageId as string | undefined,
        data: p.data as string | undefined,
      });
      return { status: "Accepted" };
    });
    handle("FirmwareStatusNotification", (p) => {
      charger.firmwareStatus = String(p.status);
      return {};
    });
    handle("DiagnosticsStatusNotification", (p) => {
      charger.diagnosticsStatus = String(p.status);
      return {};
    });
    handle("SecurityEventNotification", (p) => {
      pushBounded(charger.securityEvents, {
        type: String(p.type),
        timestamp: String(p.timestamp),
        techInfo: p.techInfo as string | undefined,
      });
      return {};
    });
    handle("SignedFirmwareStatusNotification", (p) => {
      charger.signedFirmwareStatus = { status: String(p.status), requestId: p.requestId as number | undefined };
      return {};
    });
    handle("LogStatusNotification", (p) => {
      charger.logStatus = { status: String(p.status), requestId: p.requestId as number | undefined };
      return {};
    });
    // A development CSMS has no CA to sign with: it takes the CSR and never sends CertificateSigned.
    handle("SignCertificate", () => ({ status: "Accepted" }));

    this.#emitChange("connected", identity);
  }

  #onBoot(charger: ChargerRecord, request: BootNotificationReq): Record<string, unknown> {
    charger.boot = { ...request };
    charger.bootCount++;
    charger.lastBootAt = this.#nowIso();
    return {
      status: this.#options.bootStatus,
      currentTime: charger.lastBootAt,
      interval: this.#options.heartbeatIntervalS,
    };
  }

  #authorize(idTag: string): IdTagInfo {
    const entry = this.#idTags.get(idTag);
    if (!entry) return { status: "Invalid" };
    const info: IdTagInfo = { status: entry.status };
    if (entry.parentIdTag !== undefined) info.parentIdTag = entry.parentIdTag;
    if (entry.expiryDate !== undefined) {
      info.expiryDate = entry.expiryDate;
      if (info.status === "Accepted" && Date.parse(entry.expiryDate) <= this.#options.now().getTime()) {
        info.status = "Expired";
      }
    }
    return info;
  }

  #onStart(identity: string, request: StartTransactionReq): Record<string, unknown> {
    const idTagInfo = this.#authorize(request.idTag);
    // The same tag already charging elsewhere (OCPP 1.6 §7.2 ConcurrentTx).
    if (idTagInfo.status === "Accepted") {
      for (const tx of this.#transactions.values()) {
        if (!tx.stop && tx.idTag === request.idTag) {
          idTagInfo.status = "ConcurrentTx";
          break;
        }
      }
    }
    const transactionId = this.#nextTransactionId++;
    const record: TransactionRecord = {
      transactionId,
      identity,
      connectorId: request.connectorId,
      idTag: request.idTag,
      idTagInfo,
      meterStartWh: request.meterStart,
      startedAt: request.timestamp,
      meterValues: [],
    };
    if (request.reservationId !== undefined) record.reservationId = request.reservationId;
    this.#transactions.set(transactionId, record);
    this.#emitChange("transaction", record);
    return { transactionId, idTagInfo };
  }

  #onStop(request: StopTransactionReq): Record<string, unknown> {
    const record = this.#transactions.get(request.transactionId);
    // The CSMS cannot refuse a stop; an unknown transactionId is answered and left unrecorded.
    if (record && !record.stop) {
      record.stop = { meterStopWh: request.meterStop, timestamp: request.timestamp };
      if (request.reason !== undefined) record.stop.reason = request.reason;
      if (request.idTag !== undefined) record.stop.idTag = request.idTag;
      for (const value of request.transactionData ?? []) pushBounded(record.meterValues, value, METER_VALUE_LIMIT);
      this.#emitChange("transaction", record);
    }
    return request.idTag !== undefined ? { idTagInfo: this.#authorize(request.idTag) } : {};
  }

  #onMeterValues(charger: ChargerRecord, request: MeterValuesReq): Record<string, unknown> {
    const record = request.transactionId !== undefined ? this.#transactions.get(request.transactionId) : undefined;
    if (record) {
      for (const value of request.meterValue) pushBounded(record.meterValues, value, METER_VALUE_LIMIT);
      this.#emitChange("transaction", record);
    } else {
      pushBounded(charger.meterValues, { connectorId: request.connectorId, meterValue: request.meterValue });
    }
    return {};
  }

  #onStatus(charger: ChargerRecord, request: StatusNotificationReq): Record<string, unknown> {
    const entry: ConnectorRecord = {
      connectorId: request.connectorId,
      status: request.status,
      errorCode: request.errorCode,
      timestamp: request.timestamp ?? this.#nowIso(),
    };
    if (request.info !== undefined) entry.info = request.info;
    if (request.vendorErrorCode !== undefined) entry.vendorErrorCode = request.vendorErrorCode;
    const index = charger.connectors.findIndex((c) => c.connectorId === request.connectorId);
    if (index >= 0) charger.connectors[index] = entry;
    else {
      charger.connectors.push(entry);
      charger.connectors.sort((a, b) => a.connectorId - b.connectorId);
    }
    return {};
  }

  #chargerRecord(identity: string): ChargerRecord {
    let record = this.#chargers.get(identity);
    if (!record) {
      record = {
        identity,
        connected: false,
        endpoint: "",
        secure: false,
        bootCount: 0,
        connectors: [],
        securityEvents: [],
        dataTransfers: [],
        meterValues: [],
      };
      this.#chargers.set(identity, record);
    }
    return record;
  }

  #logFor(identity: string): BoundedList<FrameRecord> {
    let log = this.#logs.get(identity);
    if (!log) {
      log = new BoundedList<FrameRecord>(this.#options.logLimit);
      this.#logs.set(identity, log);
    }
    return log;
  }

  #nowIso(): string {
    return this.#options.now().toISOString();
  }
}

/** Starts a development CSMS on 127.0.0.1 (ws; and wss too with `options.tls`). */
export async function startDevCsms(options: DevCsmsOptions = {}): Promise<DevCsms> {
  const rpc = new RPCServer({
    protocols: [OCPP16_PROTOCOL],
    strictMode: true,
    callTimeoutMs: options.callTimeoutMs ?? 30000,
  });
  const http = createServer(answerNotWebSocket);
  http.on("upgrade", rpc.handleUpgrade);
  const port = await listenOnLoopback(http, options.port ?? 0);
  let tls: TlsListener | undefined;
  try {
    if (options.tls) tls = await startTlsListener(options.tls, rpc.handleUpgrade);
  } catch (error) {
    await new Promise<void>((resolve) => http.close(() => resolve()));
    throw error;
  }
  return new DevCsms(http, rpc, port, options, tls);
}

/** One line per frame: `<time> <identity> <arrow> <frame>`. */
export function formatFrames(frames: readonly FrameRecord[]): string {
  return frames.map((f) => `${f.at} ${f.identity} ${f.direction === "cp-to-csms" ? "->" : "<-"} ${f.text}\n`).join("");
}

function normalisePath(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "";
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

function pushBounded<T>(list: T[], item: T, limit = LIST_LIMIT): void {
  list.push(item);
  if (list.length > limit) list.splice(0, list.length - limit);
}

function cloneCharger(record: ChargerRecord): ChargerRecord {
  return structuredClone(record);
}

function cloneTransaction(record: TransactionRecord): TransactionRecord {
  return structuredClone(record);
}
