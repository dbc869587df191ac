/**
 * Keeps the WebSocket to the CSMS up: connects with subprotocol ocpp1.6
 * (a different or missing one in the handshake is a failed connect [J 3.2]),
 * reconnects with capped exponential back-off and jitter (back within 15 s
 * of the network returning), pings every WebSocketPingInterval s when > 0
 * and reconnects when a pong does not come.
 */
import type { Timers, TimerHandle } from "ports/timers";
import type { WebSocketConnection, WebSocketFactory } from "ports/websocket";
import type { Logger } from "ports/log";
import type { ResolvedConnection } from "./connection-settings";

export const OCPP_SUBPROTOCOL = "ocpp1.6";
/** Back-off: 1 s doubling to 8 s, plus up to 30 % jitter (worst wait 10.4 s). */
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_CAP_MS = 8000;

export interface ConnectionCallbacks {
  onConnected(send: (text: string) => boolean): void;
  onText(text: string): void;
  onDisconnected(reason: string): void;
  /** The CSMS answered the upgrade with an HTTP status instead of 101 (401: password refused). */
  onRefused?(httpStatus: number): void;
}

export class ConnectionService {
  readonly #factory: WebSocketFactory;
  readonly #timers: Timers;
  readonly #log: Logger;
  readonly #resolve: () => ResolvedConnection;
  readonly #callbacks: ConnectionCallbacks;
  readonly #random: () => number;
  #pingIntervalS: number;
  #socket: WebSocketConnection | undefined;
  #open = false;
  #failures = 0;
  #retryTimer: TimerHandle | undefined;
  #reconnectTimer: TimerHandle | undefined;
  #pingTimer: TimerHandle | undefined;
  #pongTimer: TimerHandle | undefined;
  #stopped = true;
  #generation = 0;

  constructor(options: {
    factory: WebSocketFactory;
    timers: Timers;
    log: Logger;
    resolve: () => ResolvedConnection;
    callbacks: ConnectionCallbacks;
    pingIntervalS: number;
    random?: () => number;
  }) {
    this.#factory = options.factory;
    this.#timers = options.timers;
    this.#log = options.log;
    this.#resolve = options.resolve;
    this.#callbacks = options.callbacks;
    this.#pingIntervalS = options.pingIntervalS;
    this.#random = options.random ?? Math.random;
  }

  get open(): boolean {
    return this.#open;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer !== undefined) this.#timers.clear(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#drop("stopped", 1000);
  }

  /** Closes and connects again with fresh settings (new AuthorizationKey, URL). */
  reconnect(): void {
    this.#failures = 0;
    this.#drop("reconnect requested", 1000);
    if (this.#stopped) return;
    if (this.#retryTimer !== undefined) this.#timers.clear(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#connect();
  }

  /**
   * `reconnect` after `delayMs`, unless the connection closes first (the
   * retry then connects with the fresh settings anyway): the CSMS gets time
   * to process the answer just sent (AuthorizationKey, OCTT TC_073).
   */
  reconnectSoon(delayMs: number): void {
    if (this.#reconnectTimer !== undefined) this.#timers.clear(this.#reconnectTimer);
    this.#reconnectTimer = this.#timers.once(() => {
      this.#reconnectTimer = undefined;
      this.reconnect();
    }, delayMs);
  }

  /** WebSocketPingInterval changed: applies at once. */
  setPingInterval(seconds: number): void {
    this.#pingIntervalS = seconds;
    if (this.#open) this.#startPing();
  }

  /** Delay before the next attempt after `failures` failed ones. */
  backoffMs(failures: number): number {
    const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * Math.pow(2, Math.max(0, failures - 1)));
    return Math.round(base * (1 + 0.3 * this.#random()));
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#retryTimer = undefined;
    let target: ResolvedConnection;
    try {
      target = this.#resolve();
    } catch (error) {
      this.#log.error(`cannot connect: ${error instanceof Error ? error.message : String(error)}`);
      this.#scheduleRetry();
      return;
    }
    const generation = ++this.#generation;
    this.#log.info(`connecting to ${target.url} (security profile ${target.securityProfile})`);
    const current = (): boolean => generation === this.#generation;
    this.#socket = this.#factory.connect(
      {
        url: target.url,
        protocols: [OCPP_SUBPROTOCOL],
        headers: target.headers,
        caCertificates: target.caCertificates,
        ...(target.clientCertificates ? { clientCertificates: target.clientCertificates, clientKey: target.clientKey } : {}),
      },
      {
        onOpen: (protocol) => {
          if (!current()) return;
          if (protocol !== OCPP_SUBPROTOCOL) {
            this.#log.warn(`CSMS chose subprotocol "${protocol}", not ${OCPP_SUBPROTOCOL}`);
            this.#socket?.close(1002, "subprotocol ocpp1.6 required");
            return;
          }
          this.#open = true;
          this.#failures = 0;
          this.#startPing();
          const socket = this.#socket;
          this.#callbacks.onConnected((text) => (current() && socket ? socket.sendText(text) : false));
        },
        onText: (text) => {
          if (current()) this.#callbacks.onText(text);
        },
        onPong: () => {
          if (!current()) return;
          if (this.#pongTimer !== undefined) this.#timers.clear(this.#pongTimer);
          this.#pongTimer = undefined;
        },
        onError: (message) => {
          if (current()) this.#log.warn(`websocket: ${message}`);
        },
        onRefused: (httpStatus) => {
          if (current() && this.#callbacks.onRefused) this.#callbacks.onRefused(httpStatus);
        },
        onClose: (code, reason) => {
          if (!current()) return;
          this.#closed(`closed ${code} ${reason}`);
        },
      },
    );
  }

  #closed(reason: string): void {
    if (this.#reconnectTimer !== undefined) this.#timers.clear(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const wasOpen = this.#open;
    this.#open = false;
    this.#socket = undefined;
    this.#generation++;
    this.#stopPing();
    if (wasOpen) this.#callbacks.onDisconnected(reason);
    this.#log.info(`connection ${reason}`);
    this.#scheduleRetry();
  }

  #drop(reason: string, code: number): void {
    const socket = this.#socket;
    if (socket) socket.close(code, reason);
    if (this.#socket) this.#closed(reason);
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer !== undefined) return;
    this.#failures++;
    this.#retryTimer = this.#timers.once(() => this.#connect(), this.backoffMs(this.#failures));
  }

  #startPing(): void {
    this.#stopPing();
    if (this.#pingIntervalS <= 0) return;
    const periodMs = this.#pingIntervalS * 1000;
    this.#pingTimer = this.#timers.every(() => {
      if (!this.#socket || !this.#open) return;
      if (this.#pongTimer === undefined) {
        // A pong must come before the next ping, and within 10 s at most.
        this.#pongTimer = this.#timers.once(
          () => {
            this.#pongTimer = undefined;
            this.#log.warn("no pong: reconnecting");
            this.#drop("pong timeout", 1001);
          },
          Math.min(periodMs, 10000),
        );
      }
      this.#socket.ping();
    }, periodMs);
  }

  #stopPing(): void {
    if (this.#pingTimer !== undefined) this.#timers.clear(this.#pingTimer);
    if (this.#pongTimer !== undefined) this.#timers.clear(this.#pongTimer);
    this.#pingTimer = undefined;
    this.#pongTimer = undefined;
  }
}
