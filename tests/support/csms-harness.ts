/**
 * Test harness: a real OCPP 1.6 CSMS (ocpp-rpc, strictMode: every frame we
 * send is checked against the official schemas; a ProtocolMonitor per
 * charger checks the rules across messages, docs/protocol-rules.md, and
 * fails the test on a violation) on 127.0.0.1, a fake
 * charger (connectors with plug, status, meter), and a ChargePoint on
 * virtual timers.
 */
import type { ConnectorErrorCode, ConnectorStatus } from "ports/connector-status";
import type RpcServerClient from "ocpp-rpc/lib/server-client";
import { RPCServer } from "ocpp-rpc";
import type { AddressInfo } from "node:net";
import type { KeyValueStore } from "ports/kv";
import type { LogLevel } from "ports/log";
import type { Platform } from "ports/platform";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { TimersLoopDriver, VirtualTime } from "platform/common/virtual-timers";
import { WsWebSocketFactory } from "platform/host/websocket-ws";
import { ChargePoint } from "ocpp/charge-point";
import type { ChargePointConnector, ChargePointHardware, ConnectorEvents, ConnectorMeterSample, UnlockResult } from "ocpp/charge-point-hw";
import { MemoryJournal, type TransactionJournal } from "ocpp/journal";
import type { ConnectionSettings } from "ocpp/core/connection-settings";
import type { LocalAuthority } from "ocpp/core/authorization-service";
import { ProtocolMonitor, type MonitorRule } from "../../tools/csms/protocol-monitor.ts";
import { MemoryLog } from "./logs.ts";
import { waitFor } from "./waits.ts";

export interface ReceivedCall {
  action: string;
  params: Record<string, unknown>;
}

type Handler = (params: Record<string, unknown>) => unknown;

export class TestCsms {
  readonly server: RPCServer;
  readonly received: ReceivedCall[] = [];
  readonly handshakes: Array<{ identity: string; password: string | undefined; protocols: string[] }> = [];
  readonly handlers = new Map<string, Handler>();
  // The connected charger (set on connection; tests use it only after one).
  client!: RpcServerClient;
  port = 0;
  nextTransactionId = 100;
  connections = 0;
  /** Passwords accepted; empty: any. */
  passwords: string[] = [];
  /** The CSMS's clock (currentTime of BootNotification/Heartbeat, the monitors' reference); a rig on virtual time may follow it. */
  now: () => number = Date.now;
  /** One protocol monitor per charger identity; checked after every test (tests/support/monitor-hooks.ts). */
  readonly monitors = new Map<string, ProtocolMonitor>();
  readonly #expected: Array<{ rule: MonitorRule; count: number }> = [];

  constructor() {
    this.server = new RPCServer({ protocols: ["ocpp1.6"], strictMode: true });
    this.server.auth((accept, reject, handshake) => {
      const password = handshake.password ? handshake.password.toString("latin1") : undefined;
      this.handshakes.push({ identity: handshake.identity, password, protocols: Array.from(handshake.protocols) });
      if (this.passwords.length > 0 && (password === undefined || this.passwords.indexOf(password) < 0)) {
        reject(401, "bad credentials");
        return;
      }
      accept({});
    });
    this.server.on("client", (client: RpcServerClient) => {
      this.client = client;
      this.connections++;
      const monitor = this.monitor(String(client.identity));
      const connection = monitor.connected();
      client.on("message", ({ message, outbound }: { message: string | Buffer; outbound: boolean }) => {
        monitor.frame(outbound ? "csms-to-cp" : "cp-to-csms", typeof message === "string" ? message : message.toString("utf8"));
      });
      client.on("closing", () => monitor.closeRequested(connection));
      client.on("close", () => monitor.disconnected(connection));
      client.handle(async (call) => {
        const params = call.params as Record<string, unknown>;
        const action = call.method ?? "";
        this.received.push({ action, params });
        const handler = this.handlers.get(action) ?? this.#defaults(action);
        return (await handler(params)) as Record<string, unknown>;
      });
    });
  }

  /** The monitor of `identity` (created on first use). */
  monitor(identity = "CP001"): ProtocolMonitor {
    let monitor = this.monitors.get(identity);
    if (!monitor) {
      monitor = new ProtocolMonitor(identity, { now: () => this.now() });
      for (const { rule, count } of this.#expected) monitor.expect(rule, count);
      this.monitors.set(identity, monitor);
    }
    return monitor;
  }

  /**
   * A test that makes the CSMS (or the network) misbehave on purpose marks
   * the violations it provokes: the next `count` of `rule`, on every charger.
   */
  expectViolation(rule: MonitorRule, count = 1): void {
    this.#expected.push({ rule, count });
    for (const monitor of this.monitors.values()) monitor.expect(rule, count);
  }

  #defaults(action: string): Handler {
    const now = (): string => new Date(this.now()).toISOString();
    switch (action) {
      case "BootNotification":
        return () => ({ status: "Accepted", currentTime: now(), interval: 300 });
      case "Heartbeat":
        return () => ({ currentTime: now() });
      case "Authorize":
        return () => ({ idTagInfo: { status: "Accepted" } });
      case "StartTransaction":
        return () => ({ transactionId: this.nextTransactionId++, idTagInfo: { status: "Accepted" } });
      case "StopTransaction":
        return () => ({ idTagInfo: { status: "Accepted" } });
      default:
        return () => ({});
    }
  }

  async listen(): Promise<void> {
    const http = await this.server.listen(0, "127.0.0.1");
    this.port = (http.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ocpp/{deviceId}`;
  }

  calls(action: string): ReceivedCall[] {
    return this.received.filter((c) => c.action === action);
  }

  actions(): string[] {
    return this.received.map((c) => c.action);
  }

  async waitForCall(action: string, count = 1, maxMs = 3000): Promise<ReceivedCall> {
    await waitFor(`${count} x ${action}`, () => this.calls(action).length >= count, maxMs);
    return this.calls(action)[count - 1];
  }

  /** Sends a CALL to the charger and returns its answer. */
  async call(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.client.call(action, params)) as Record<string, unknown>;
  }

  async close(): Promise<void> {
    await this.server.close({ force: true });
    for (const monitor of this.monitors.values()) monitor.retire();
  }
}

export class FakeConnector implements ChargePointConnector {
  readonly id: number;
  fixedCable = false;
  /** A lock with feedback: the test reports it with `lockResult`. */
  hasLock = false;
  lockFault = false;
  /** The lock confirmed (lockResult(true)) since the plug: energy may flow. */
  locked = false;
  isPlugged = false;
  permission = false;
  /** Energy withheld while the transaction goes on (SuspendedEVSE). */
  energyWithheld = false;
  available = true;
  reserved = false;
  faulted = false;
  limitA: number | undefined;
  unlockResult: UnlockResult = "Unlocked";
  unlocks = 0;
  energyWh = 1000;
  powerW = 0;
  events: ConnectorEvents | undefined;
  #lastStatus: ConnectorStatus = "Available";
  #lastError: ConnectorErrorCode = "NoError";
  info: string | undefined;

  constructor(id: number) {
    this.id = id;
  }

  plugged(): boolean {
    return this.isPlugged;
  }
  status(): ConnectorStatus {
    if (this.faulted || this.lockFault) return "Faulted";
    if (!this.available && !this.permission) return "Unavailable";
    // Like the control loop: no energy before the lock confirmed (Preparing), and an EV unplugged
    // at its side in a kept transaction is SuspendedEV [reference 4.1].
    if (this.isPlugged && this.permission)
      return this.hasLock && !this.locked ? "Preparing" : this.energyWithheld ? "SuspendedEVSE" : "Charging";
    if (this.permission && this.#lastStatus !== "Available" && this.#lastStatus !== "Preparing" && this.#lastStatus !== "Reserved")
      return "SuspendedEV";
    if (this.permission) return "Preparing";
    if (this.isPlugged)
      return this.#lastStatus === "Charging" || this.#lastStatus === "Finishing" || this.#lastStatus === "SuspendedEVSE"
        ? "Finishing"
        : "Preparing";
    if (this.reserved) return "Reserved";
    return "Available";
  }
  errorCode(): ConnectorErrorCode {
    if (this.lockFault) return "ConnectorLockFailure";
    return this.faulted ? "OtherError" : "NoError";
  }
  readMeter(into: ConnectorMeterSample): ConnectorMeterSample {
    into.energyImportWh = this.energyWh;
    into.powerW = this.powerW;
    into.voltageV[0] = 230;
    into.voltageV[1] = 231;
    into.voltageV[2] = 229;
    into.currentA[0] = 16;
    into.currentA[1] = 16;
    into.currentA[2] = 15.9;
    into.frequencyHz = 50;
    into.ok = true;
    return into;
  }
  offeredA(): number {
    return this.limitA ?? 32;
  }
  setPermission(allowed: boolean): void {
    if (allowed !== this.permission) this.energyWithheld = false;
    this.permission = allowed;
    this.#report();
  }
  setEnergyWithheld(withheld: boolean): void {
    this.energyWithheld = withheld;
    this.#report();
  }
  setAvailable(available: boolean): void {
    this.available = available;
    this.#report();
  }
  setReserved(reserved: boolean): void {
    this.reserved = reserved;
    this.#report();
  }
  setOcppLimitA(limitA: number | undefined): void {
    this.limitA = limitA;
  }
  unlock(): UnlockResult {
    this.unlocks++;
    return this.fixedCable ? "NotSupported" : this.unlockResult;
  }
  plug(): void {
    this.isPlugged = true;
    this.events?.onPlugged(this.id);
    this.#report();
  }
  unplug(): void {
    this.isPlugged = false;
    this.lockFault = false;
    this.locked = false;
    this.events?.onUnplugged(this.id);
    this.#report();
  }
  /** The lock's feedback after a permission (like the control loop: a failure latches until unplug). */
  lockResult(ok: boolean): void {
    if (ok) {
      this.locked = true;
      this.events?.onLocked?.(this.id);
      return;
    }
    this.lockFault = true;
    this.#report();
    this.events?.onLockFailure?.(this.id);
  }
  setFault(faulted: boolean): void {
    this.faulted = faulted;
    this.#report();
  }
  #report(): void {
    const status = this.status();
    const error = this.errorCode();
    if (status === this.#lastStatus && error === this.#lastError) return;
    this.#lastStatus = status;
    this.#lastError = error;
    this.events?.onStatusChanged(this.id, status, error, this.info);
  }
}

export class FakeHardware implements ChargePointHardware {
  readonly connectors: FakeConnector[];
  reboots: boolean[] = [];
  constructor(count = 1) {
    this.connectors = [];
    for (let i = 1; i <= count; i++) this.connectors.push(new FakeConnector(i));
  }
  subscribe(events: ConnectorEvents): void {
    for (const c of this.connectors) c.events = events;
  }
  reboot(hard: boolean): void {
    this.reboots.push(hard);
  }
}

export interface TestChargerOptions {
  csms: TestCsms;
  kv?: KeyValueStore;
  journal?: TransactionJournal;
  hardware?: FakeHardware;
  settings?: Partial<ConnectionSettings>;
  logLevel?: LogLevel;
  frameLog?: { record(direction: "in" | "out", action: string, frame: string): void };
  time?: VirtualTime;
  config?: Record<string, string>;
  /** Local List and cache of the authorization service (the firmware wires LocalAuthService). */
  localAuth?: LocalAuthority;
}

export class TestCharger {
  readonly time: VirtualTime;
  readonly kv: KeyValueStore;
  readonly journal: TransactionJournal;
  readonly hardware: FakeHardware;
  readonly log = new MemoryLog();
  readonly cp: ChargePoint;
  readonly platform: Platform;

  constructor(options: TestChargerOptions) {
    this.time = options.time ?? new VirtualTime(0);
    this.kv = options.kv ?? new MemoryKeyValueStore();
    this.journal = options.journal ?? new MemoryJournal();
    this.hardware = options.hardware ?? new FakeHardware(1);
    const time = this.time;
    const clock = new OffsetClock(() => time.nowMs(), 0, false);
    this.platform = {
      clock,
      timers: time,
      loopDriver: new TimersLoopDriver(time, () => time.nowMs()),
      kv: this.kv,
      openFlash: () => {
        throw new Error("no flash in this test");
      },
      websocket: new WsWebSocketFactory(),
      log: this.log,
    };
    this.cp = new ChargePoint({
      platform: this.platform,
      hardware: this.hardware,
      journal: this.journal,
      settings: {
        deviceId: "CP001",
        installationUrlTemplate: options.csms.url,
        chargerUrl: "",
        precedence: "installation",
        legacyIdentity: false,
        chargerPassword: "",
        installationInitialPassword: "",
        caCertificates: [],
        ...options.settings,
      },
      boot: { chargePointVendor: "Wattlight", chargePointModel: "TestModel", firmwareVersion: "0.1.0" },
      frameLog: options.frameLog,
      logLevel: options.logLevel ?? "debug",
    });
    if (options.localAuth) this.cp.auth.localAuth = options.localAuth;
    for (const [key, value] of Object.entries(options.config ?? {})) {
      if (this.cp.config.change(key, value) === "Rejected") throw new Error(`bad test config ${key}`);
    }
  }

  get connector(): FakeConnector {
    return this.hardware.connectors[0];
  }

  start(): void {
    this.cp.start();
  }

  /** Moves virtual time (timers of the charger). */
  advance(ms: number): void {
    this.time.advance(ms);
  }

  stop(): void {
    this.cp.stop();
  }
}

/** Starts a charger against the CSMS and waits until it is Accepted and reported the statuses of this boot. */
export async function bootedCharger(csms: TestCsms, options: Omit<TestChargerOptions, "csms"> = {}): Promise<TestCharger> {
  const charger = new TestCharger({ csms, ...options });
  // Counted from here: a charger booted again on the same CSMS (a reboot) must send its own statuses,
  // else this returns on BootNotification Accepted alone while they are still on the way.
  const statusesBefore = csms.calls("StatusNotification").length;
  charger.start();
  const connectors = charger.hardware.connectors.length;
  await waitFor(
    "boot and statuses",
    () => charger.cp.engine.accepted && csms.calls("StatusNotification").length >= statusesBefore + connectors + 1,
  );
  return charger;
}

/** A strict CSMS listening on 127.0.0.1 for each test, and the chargers the test started. */
export interface CoreRig {
  /** This test's CSMS (fresh and listening in every test). */
  readonly csms: TestCsms;
  /** Stops `charger` after the test, before the CSMS closes; returns it. */
  track(charger: TestCharger): TestCharger;
  /** `bootedCharger` on this test's CSMS, stopped after the test. */
  boot(options?: Omit<TestChargerOptions, "csms">): Promise<TestCharger>;
  /** Ends a charger without any goodbye (a power cut: its timers and socket simply stop). */
  cut(charger: TestCharger): void;
}

/**
 * Registers mocha hooks in the calling `describe`: before each test a new
 * TestCsms listens; after it, every tracked charger stops and the CSMS closes.
 */
export function useCoreRig(): CoreRig {
  let csms: TestCsms | undefined;
  const chargers: TestCharger[] = [];
  beforeEach(async function () {
    csms = new TestCsms();
    await csms.listen();
  });
  afterEach(async function () {
    for (const charger of chargers.splice(0)) charger.stop();
    await csms?.close();
    csms = undefined;
  });
  const rig: CoreRig = {
    get csms(): TestCsms {
      if (!csms) throw new Error("the CSMS exists only while a test runs");
      return csms;
    },
    track(charger) {
      chargers.push(charger);
      return charger;
    },
    async boot(options = {}) {
      return rig.track(await bootedCharger(rig.csms, options));
    },
    cut(charger) {
      charger.stop();
      const index = chargers.indexOf(charger);
      if (index >= 0) chargers.splice(index, 1);
    },
  };
  return rig;
}
