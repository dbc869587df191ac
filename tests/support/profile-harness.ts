/**
 * OCTT cases of the LocalAuthListManagement, Reservation and SmartCharging
 * profiles against the whole booted firmware: bootFirmware over a simulated
 * board, virtual time, SimFlash and memory NVS, and a strict ocpp-rpc CSMS
 * on 127.0.0.1 that sends the real requests over the websocket.
 *
 * The CSMS fixes the wall clock: BootNotification.conf (and every
 * Heartbeat.conf) carries T0 plus the virtual time elapsed since the
 * BootNotification was answered, so composite schedules are exact.
 */
import { strict as assert } from "node:assert";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "boot/boot";
import { VirtualTime } from "platform/common/virtual-timers";
import { SimFlash } from "platform/common/sim-flash";
import { TestCsms, type ReceivedCall } from "./csms-harness.ts";
import { hostPlatform, newStorage, runUntil, type Bench, type SimBoard, type Storage } from "./firmware-rig.ts";
import { MemoryLog, BOOTED_LOG_MAX_LINES } from "./logs.ts";

/**
 * A CSMS call's answer as the tests read it: a JSON object, or `{ callError }` for a CALLERROR.
 * Tests walk into it freely (schedules, key lists); the one untyped type of the suite.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read by assertions
export type CsmsAnswer = Record<string, any>;

/** The wall clock the CSMS hands out at boot (a Monday, whole hour). */
export const T0 = "2030-03-04T10:00:00.000Z";
export const T0_MS = Date.parse(T0);

/** An ISO date `seconds` after T0. */
export function at(seconds: number): string {
  return new Date(T0_MS + seconds * 1000).toISOString();
}

export interface Rig {
  bench: Bench;
  fw: RunningFirmware;
  sim: SimBoard;
  storage: Storage;
}

export interface RigOptions {
  connectors?: number;
  storage?: Storage;
  /** Build settings besides deviceId and csmsUrlTemplate. */
  defaults?: Record<string, unknown>;
}

/** Storage like the firmware tests' with an authlist partition of `authlistSectors` 4 KiB sectors. */
export function storageWithAuthlist(authlistSectors: number): Storage {
  const storage = newStorage();
  storage.flash.set("authlist", new SimFlash(4096, authlistSectors));
  return storage;
}

export class ProfileHarness {
  csms!: TestCsms;
  readonly #rigs: Rig[] = [];
  /** Virtual time at which BootNotification.conf was built (T0 then). */
  #bootVirtualMs = 0;
  #current: Rig | undefined;

  async open(): Promise<void> {
    this.csms = new TestCsms();
    await this.csms.listen();
    const wallNow = (): string =>
      new Date(T0_MS + (this.#current ? this.#current.bench.time.nowMs() - this.#bootVirtualMs : 0)).toISOString();
    this.csms.handlers.set("BootNotification", () => {
      this.#bootVirtualMs = this.#current ? this.#current.bench.time.nowMs() : 0;
      return { status: "Accepted", currentTime: wallNow(), interval: 300 };
    });
    this.csms.handlers.set("Heartbeat", () => ({ currentTime: wallNow() }));
  }

  async close(): Promise<void> {
    for (const rig of this.#rigs.splice(0)) rig.fw.stop();
    this.#current = undefined;
    await this.csms.close();
  }

  /** Boots the firmware and waits for BootNotification Accepted and the boot statuses. */
  async start(options: RigOptions = {}): Promise<Rig> {
    const storage = options.storage ?? newStorage();
    const sim = createSimulatedBoard({ connectors: options.connectors ?? 1 });
    const time = new VirtualTime(0);
    const log = new MemoryLog(BOOTED_LOG_MAX_LINES);
    const reboots: boolean[] = [];
    // Counted from here: a reboot on the same CSMS must send the statuses of its own boot.
    const statusesBefore = this.csms.calls("StatusNotification").length;
    const fw = bootFirmware({
      platform: hostPlatform(storage, time, log),
      board: sim.board,
      defaults: { deviceId: "OXS0001", csmsUrlTemplate: this.csms.url, ...options.defaults },
      onReboot: (hard) => reboots.push(hard),
      logLevel: "info",
    });
    const bench: Bench = { time, log, firmware: fw, reboots };
    const rig: Rig = { bench, fw, sim, storage };
    this.#rigs.push(rig);
    this.#current = rig;
    const connectors = sim.sims.length;
    await runUntil(
      bench,
      "accepted and boot statuses",
      () => fw.chargePoint.engine.accepted && this.csms.calls("StatusNotification").length >= statusesBefore + connectors + 1,
    );
    return rig;
  }

  /**
   * Sends a CALL from the CSMS while virtual time moves on; resolves with the
   * answer, or with `{ callError }` for a CALLERROR.
   */
  async call(rig: Rig, action: string, params: Record<string, unknown>): Promise<CsmsAnswer> {
    let answer: CsmsAnswer | undefined;
    this.csms.call(action, params).then(
      (conf: CsmsAnswer) => {
        answer = conf;
      },
      (error: Error & { rpcErrorCode?: string }) => {
        answer = { callError: error.rpcErrorCode ?? error.message };
      },
    );
    await runUntil(rig.bench, `answer to ${action}`, () => answer !== undefined);
    return answer as CsmsAnswer;
  }

  /** ChangeConfiguration over the socket; asserts Accepted. */
  async configure(rig: Rig, key: string, value: string): Promise<void> {
    const answer = await this.call(rig, "ChangeConfiguration", { key, value });
    assert.equal(answer.status, "Accepted", `ChangeConfiguration ${key}=${value}`);
  }

  calls(action: string): ReceivedCall[] {
    return this.csms.calls(action);
  }

  /** "connectorId:status" of every StatusNotification from index `from` on. */
  statuses(from = 0): string[] {
    return this.csms
      .calls("StatusNotification")
      .slice(from)
      .map((c) => `${c.params.connectorId}:${c.params.status}`);
  }

  /** Waits until the charger has reported `status` for the connector (after StatusNotification index `from`). */
  async status(rig: Rig, connectorId: number, status: string, from = 0, maxVirtualMs = 30_000): Promise<void> {
    await runUntil(
      rig.bench,
      `StatusNotification ${connectorId}:${status} (seen ${this.statuses(from).join()})`,
      () => this.statuses(from).includes(`${connectorId}:${status}`),
      maxVirtualMs,
    );
  }

  /** The EV plugs in and asks for energy. */
  async plug(rig: Rig, connectorId = 1): Promise<void> {
    const sim = rig.sim.sims[connectorId - 1];
    sim.ev.plug();
    sim.ev.ready = true;
    await runUntil(rig.bench, "plugged", () => rig.fw.loop.connector(connectorId).snapshot.plugged);
  }

  /** A card at the reader of a connector; gives it 2 s of virtual time. */
  async card(rig: Rig, idTag: string, connectorId = 1): Promise<void> {
    rig.fw.presentCard(idTag, connectorId);
    // Let the card's Authorize (if any) and its consequences through.
    await advance(rig, 2_000);
  }

  /** Waits for the StartTransaction of a session and charging at the EV. */
  async started(rig: Rig, count = 1, connectorId = 1): Promise<ReceivedCall> {
    await runUntil(rig.bench, `StartTransaction #${count}`, () => this.calls("StartTransaction").length >= count);
    await runUntil(rig.bench, "relay closed", () => rig.fw.loop.connector(connectorId).snapshot.relayClosed);
    return this.calls("StartTransaction")[count - 1];
  }

  /** The transactionId the CSMS gave the transaction on the connector. */
  transactionId(rig: Rig, connectorId = 1): number {
    const tx = rig.fw.chargePoint.transactions.transactionOn(connectorId);
    assert.ok(tx && tx.transactionId !== undefined, "a transaction with its id runs");
    return tx.transactionId as number;
  }
}

/** Advances virtual time by `ms`, letting socket traffic through. */
export async function advance(rig: Rig, ms: number, stepMs = 20): Promise<void> {
  const end = rig.bench.time.nowMs() + ms;
  await runUntil(rig.bench, `virtual time ${end}`, () => rig.bench.time.nowMs() >= end, ms + stepMs, stepMs);
}

/** The current the connector offers the EV (control pilot PWM), A. */
export function offeredA(rig: Rig, connectorId = 1): number {
  return rig.fw.loop.connector(connectorId).snapshot.offeredA;
}

/** Waits until the offered current is `amperes`. */
export async function offers(rig: Rig, amperes: number, connectorId = 1, maxVirtualMs = 10_000): Promise<void> {
  await runUntil(
    rig.bench,
    `offered ${amperes} A (now ${offeredA(rig, connectorId)} A)`,
    () => offeredA(rig, connectorId) === amperes,
    maxVirtualMs,
  );
}

/** Seconds from `from` (ISO) to `to` (ISO). */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}
