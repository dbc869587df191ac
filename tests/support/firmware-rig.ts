/**
 * The whole firmware on the host: a platform of common pieces (virtual time,
 * memory NVS, SimFlash partitions) with the real `ws` client, and a
 * simulated board. Virtual time moves in small steps while the socket
 * traffic to the 127.0.0.1 CSMS flows between them.
 */
import type { KeyValueStore } from "ports/kv";
import type { LogSink } from "ports/log";
import type { Platform } from "ports/platform";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { SimFlash } from "platform/common/sim-flash";
import { TimersLoopDriver, VirtualTime } from "platform/common/virtual-timers";
import { WsWebSocketFactory } from "platform/host/websocket-ws";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "boot/boot";
import { TestCsms } from "./csms-harness.ts";
import { BOOTED_LOG_MAX_LINES, MemoryLog } from "./logs.ts";

/** Flash and NVS that survive a power cut (a new boot reuses them). */
export interface Storage {
  flash: Map<string, SimFlash>;
  kv: KeyValueStore;
}

export function newStorage(): Storage {
  const flash = new Map<string, SimFlash>();
  for (const name of ["journal", "ocpplog", "authlist"]) flash.set(name, new SimFlash(4096, 16));
  flash.set("seclog", new SimFlash(4096, 4));
  return { flash, kv: new MemoryKeyValueStore() };
}

export function hostPlatform(storage: Storage, time: VirtualTime, log: LogSink): Platform {
  const clock = new OffsetClock(() => time.nowMs(), 0, false);
  return {
    clock,
    timers: time,
    loopDriver: new TimersLoopDriver(time, () => time.nowMs()),
    kv: storage.kv,
    openFlash: (name) => {
      const flash = storage.flash.get(name);
      if (!flash) throw new Error(`no flash partition ${name}`);
      return flash;
    },
    websocket: new WsWebSocketFactory(),
    log,
  };
}

export type SimBoard = ReturnType<typeof createSimulatedBoard>;

export interface Bench {
  time: VirtualTime;
  log: MemoryLog;
  firmware: RunningFirmware;
  reboots: boolean[];
}

/** Extra platform services (http, firmwareSlot) and the version of the image that boots. */
export interface BootExtras {
  platform?: Pick<Platform, "http" | "firmwareSlot">;
  firmwareVersion?: string;
}

export function boot(storage: Storage, sim: SimBoard, defaults: Record<string, unknown>, startMs = 0, extras: BootExtras = {}): Bench {
  const time = new VirtualTime(startMs);
  const log = new MemoryLog(BOOTED_LOG_MAX_LINES);
  const reboots: boolean[] = [];
  const firmware = bootFirmware({
    platform: { ...hostPlatform(storage, time, log), ...extras.platform },
    board: sim.board,
    defaults,
    onReboot: (hard) => reboots.push(hard),
    logLevel: "info",
    firmwareVersion: extras.firmwareVersion,
  });
  return { time, log, firmware, reboots };
}

/** A strict CSMS on 127.0.0.1 for each test, and the firmware the test booted against it. */
export interface FirmwareRig {
  /** This test's CSMS (fresh and listening in every test). */
  readonly csms: TestCsms;
  /**
   * `boot` against this test's CSMS (device OXS0001 unless `defaults` say
   * otherwise); the firmware stops after the test, before the CSMS closes.
   */
  boot(storage?: Storage, sim?: SimBoard, defaults?: Record<string, unknown>, startMs?: number, extras?: BootExtras): Bench;
  /** A power cut: every timer and the socket of `bench` stop now; flash and NVS stay. */
  cut(bench: Bench): void;
}

/**
 * Registers mocha hooks in the calling `describe`: before each test a new
 * TestCsms listens; after it, every firmware booted through the rig stops
 * and the CSMS closes. Hooks the suite adds after this call run after these.
 */
export function useFirmwareRig(): FirmwareRig {
  let csms: TestCsms | undefined;
  const running: Bench[] = [];
  let wallAtStartMs = 0;
  beforeEach(async () => {
    csms = new TestCsms();
    wallAtStartMs = Date.now();
    await csms.listen();
  });
  afterEach(async () => {
    for (const bench of running.splice(0)) bench.firmware.stop();
    await csms?.close();
    csms = undefined;
  });
  const rig: FirmwareRig = {
    get csms(): TestCsms {
      if (!csms) throw new Error("the CSMS exists only while a test runs");
      return csms;
    },
    boot(storage = newStorage(), sim = createSimulatedBoard({ connectors: 1 }), defaults = {}, startMs = 0, extras = {}) {
      const bench = boot(storage, sim, { deviceId: "OXS0001", csmsUrlTemplate: rig.csms.url, ...defaults }, startMs, extras);
      running.push(bench);
      // The CSMS's clock follows the bench's virtual time (it runs faster than real time): the
      // currentTime a later boot gets does not jump back behind what an earlier boot sent.
      rig.csms.now = () => wallAtStartMs + bench.time.nowMs();
      return bench;
    },
    cut(bench) {
      bench.firmware.stop();
      const index = running.indexOf(bench);
      if (index >= 0) running.splice(index, 1);
    },
  };
  return rig;
}

/**
 * Advances virtual time in `stepMs` steps, letting socket traffic through
 * between steps, until `predicate` holds; at most `maxVirtualMs` of virtual
 * time and a bounded number of steps.
 */
export async function runUntil(bench: Bench, what: string, predicate: () => boolean, maxVirtualMs = 30_000, stepMs = 20): Promise<void> {
  const steps = Math.ceil(maxVirtualMs / stepMs);
  for (let i = 0; i <= steps; i++) {
    if (predicate()) return;
    bench.time.advance(stepMs);
    await new Promise((resolve) => setImmediate(resolve));
    if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`not reached within ${maxVirtualMs} ms of virtual time: ${what}\n${bench.log.lines.slice(-15).join("\n")}`);
}

/** The part of the test CSMS the helpers below use. */
interface CallingCsms {
  call(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
  calls(action: string): unknown[];
}

/** Sends a CALL from the CSMS while virtual time moves on; resolves with the charger's answer. */
export async function csmsCall(
  csms: CallingCsms,
  bench: Bench,
  action: string,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  let answer: Record<string, unknown> | undefined;
  let failure: unknown;
  csms.call(action, params).then(
    (conf) => {
      answer = conf;
    },
    (error: unknown) => {
      failure = error;
    },
  );
  await runUntil(bench, `answer to ${action}`, () => answer !== undefined || failure !== undefined);
  if (failure !== undefined) throw failure;
  return answer as Record<string, unknown>;
}

/** Runs until BootNotification was accepted and the first StatusNotifications arrived. */
export async function untilBooted(csms: CallingCsms, bench: Bench): Promise<void> {
  await runUntil(
    bench,
    "accepted and statuses",
    () => bench.firmware.chargePoint.engine.accepted && csms.calls("StatusNotification").length >= 2,
  );
}
