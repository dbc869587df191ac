/**
 * One charger of the chaos campaign: the whole firmware (`bootFirmware`) on a simulated board,
 * on the campaign's virtual time, with storage that survives reboots and power cuts, and the
 * electrical-safety invariant (`InterlockMonitor`, tools/safety/interlock.ts) checked after
 * every control-loop tick.
 *
 * The check hooks into the platform's LoopDriver: the driver the firmware starts its loop on
 * wraps each tick in `beforeTick`/`afterTick` of the monitor, so the firmware's own code and
 * timing are unchanged. What the OCPP side wants (`permitted`, `available`) comes from the
 * connectors' read-only getters before each tick.
 *
 * A power cut is a SimFlash armed at its n-th write (or cut at once): at that instant the NVS
 * freezes and the sockets die (nothing the dead CPU does after it persists or reaches the CSMS);
 * the campaign then stops the firmware, opens the contactors and pilots (no power, no drive)
 * and boots again on the same flash and NVS.
 *
 * Node only (tools); the firmware it boots is the real one.
 */
import type { KvValue } from "ports/kv";
import type { LogLevel, LogSink } from "ports/log";
import type { LoopDriver, TickFunction } from "ports/timers";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { PowerCutError, SimFlash, type PowerCutMode } from "platform/common/sim-flash";
import { TimersLoopDriver, type VirtualTime } from "platform/common/virtual-timers";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "boot/boot";
import { InterlockMonitor } from "../safety/interlock.ts";
import { SwitchedWebSocketFactory } from "./network.ts";

/** NVS that freezes at a power cut and tells which transactions the charger journaled. */
export class ObservedKv extends MemoryKeyValueStore {
  frozen = false;
  /** Local transaction numbers whose start the charger persisted (journal record, then `act<c>`). */
  readonly journaledStarts = new Set<number>();

  override set(namespace: string, key: string, value: KvValue): void {
    if (this.frozen) throw new PowerCutError();
    super.set(namespace, key, value);
    if (namespace === "ocpptx" && key.startsWith("act") && typeof value === "string") {
      const tx = JSON.parse(value) as { local?: unknown };
      if (typeof tx.local === "number") this.journaledStarts.add(tx.local);
    }
  }

  override delete(namespace: string, key: string): void {
    if (this.frozen) throw new PowerCutError();
    super.delete(namespace, key);
  }
}

/** A flash partition that reports the instant an armed cut hits it. */
export class CutFlash extends SimFlash {
  onCut: () => void = () => undefined;

  override write(offset: number, bytes: Uint8Array): void {
    this.#watch(() => super.write(offset, bytes));
  }

  override erase(sector: number): void {
    this.#watch(() => super.erase(sector));
  }

  #watch(operation: () => void): void {
    const wasPowered = this.powered;
    try {
      operation();
    } catch (error) {
      if (wasPowered && !this.powered) this.onCut();
      throw error;
    }
  }
}

class QuietLog implements LogSink {
  readonly lines: string[] = [];
  write(level: LogLevel, tag: string, message: string): void {
    this.lines.push(`${level} [${tag}] ${message}`);
    if (this.lines.length > 400) this.lines.splice(0, 200);
  }
}

/** Wraps each tick of the loop in the interlock monitor's checks. */
class MonitoredLoopDriver implements LoopDriver {
  readonly #inner: LoopDriver;
  readonly #charger: ChaosCharger;

  constructor(inner: LoopDriver, charger: ChaosCharger) {
    this.#inner = inner;
    this.#charger = charger;
  }

  get running(): boolean {
    return this.#inner.running;
  }

  start(tick: TickFunction, periodMs: number, afterTick?: () => void): void {
    this.#inner.start(
      (nowMs) => {
        this.#charger.beforeTick(nowMs);
        tick(nowMs);
        this.#charger.afterTick(nowMs);
      },
      periodMs,
      afterTick,
    );
  }

  stop(): void {
    this.#inner.stop();
  }
}

export const PARTITIONS = ["journal", "ocpplog", "authlist", "seclog"] as const;

export class ChaosCharger {
  readonly identity: string;
  readonly time: VirtualTime;
  readonly kv = new ObservedKv();
  readonly flash = new Map<string, CutFlash>();
  readonly sim: ReturnType<typeof createSimulatedBoard>;
  readonly net: SwitchedWebSocketFactory;
  /** Frames the charger received (the CSMS asks whether an answer got through). */
  readonly received = new Set<string>();
  readonly interlockViolations: string[] = [];
  /** Ticks the interlock monitor checked. */
  ticksChecked = 0;
  log = new QuietLog();
  firmware: RunningFirmware | undefined;
  #interlock: InterlockMonitor | undefined;
  /** A flash cut hit: the board is dead until `reboot`. */
  dead = false;
  /** Reset asked for a reboot (hard or soft). */
  rebootRequested: boolean | undefined;
  boots = 0;
  powerCuts = 0;
  readonly #defaults: Record<string, unknown>;

  constructor(options: { identity: string; time: VirtualTime; connectors: number; csmsUrl: string; withLock: boolean }) {
    this.identity = options.identity;
    this.time = options.time;
    for (const name of PARTITIONS) {
      const flash = new CutFlash(4096, name === "seclog" ? 4 : 16);
      flash.onCut = () => this.#cutNow();
      this.flash.set(name, flash);
    }
    this.sim = createSimulatedBoard({ connectors: options.connectors, withLock: options.withLock });
    this.net = new SwitchedWebSocketFactory((text) => {
      this.received.add(text);
    });
    this.#defaults = { deviceId: options.identity, csmsUrlTemplate: options.csmsUrl };
  }

  get connectorCount(): number {
    return this.sim.sims.length;
  }

  /** Boots the firmware on this board's storage (first boot or after a cut/reset). */
  boot(): void {
    for (const flash of this.flash.values()) flash.powerOn();
    this.kv.frozen = false;
    this.dead = false;
    this.rebootRequested = undefined;
    this.net.powerOn();
    this.log = new QuietLog();
    const time = this.time;
    this.#interlock = undefined;
    const firmware = bootFirmware({
      platform: {
        clock: new OffsetClock(() => time.nowMs(), 0, false),
        timers: time,
        loopDriver: new MonitoredLoopDriver(new TimersLoopDriver(time, () => time.nowMs()), this),
        kv: this.kv,
        openFlash: (name) => {
          const flash = this.flash.get(name);
          if (!flash) throw new Error(`no flash partition ${name}`);
          return flash;
        },
        websocket: this.net,
        log: this.log,
      },
      board: this.sim.board,
      defaults: this.#defaults,
      onReboot: (hard) => {
        if (this.rebootRequested === undefined) this.rebootRequested = hard;
      },
      logLevel: "info",
    });
    this.firmware = firmware;
    this.#interlock = new InterlockMonitor(firmware.loop, this.sim.sims, {
      pwmOffGraceMs: firmware.loop.timing.pwmOffOpenMs,
      temperatureDetectMs: 0,
    });
    this.boots++;
  }

  /** Arms a power cut at the `n`-th write or erase of `partition`. */
  armCut(partition: string, n: number, mode: PowerCutMode): void {
    this.flash.get(partition)?.cutPowerAtOperation(n, mode);
  }

  /** Cuts the power now (between flash operations). */
  cutNow(): void {
    for (const flash of this.flash.values()) flash.cutPower();
    this.#cutNow();
  }

  /** Disarms cuts not yet hit (a reboot powers the flash on again). */
  disarm(): void {
    if (this.dead) return;
    for (const flash of this.flash.values()) flash.powerOn();
  }

  #cutNow(): void {
    if (this.dead) return;
    this.dead = true;
    this.powerCuts++;
    this.kv.frozen = true;
    this.net.powerOff();
    for (const flash of this.flash.values()) if (flash.powered) flash.cutPower();
  }

  /** The firmware goes away (power cut or reset): timers, loop and sockets stop; the parts fall back. */
  shutDown(): void {
    this.net.powerOff();
    const firmware = this.firmware;
    this.firmware = undefined;
    this.#interlock = undefined;
    if (firmware) {
      const frozen = this.kv.frozen;
      this.kv.frozen = true; // a dying CPU persists nothing more
      try {
        firmware.stop();
      } catch {
        // storage unpowered: nothing to do
      }
      this.kv.frozen = frozen;
    }
    const nowMs = this.time.nowMs();
    for (const sim of this.sim.sims) {
      // No supply, no drive: the contactor drops out, the pilot goes to its rest state.
      sim.hal.contactor.setClosed(false, nowMs);
      sim.hal.pilot.setSteady();
    }
  }

  beforeTick(nowMs: number): void {
    const monitor = this.#interlock;
    const firmware = this.firmware;
    if (!monitor || !firmware) return;
    const connectors = firmware.loop.connectors;
    for (let i = 0; i < connectors.length; i++) {
      monitor.permitted[i] = connectors[i].permissionGiven;
      monitor.available[i] = connectors[i].operative;
    }
    monitor.beforeTick(nowMs);
  }

  afterTick(nowMs: number): void {
    const monitor = this.#interlock;
    if (!monitor) return;
    this.ticksChecked++;
    const violation = monitor.afterTick(nowMs);
    if (violation !== null && this.interlockViolations.length < 20)
      this.interlockViolations.push(`${this.identity} at ${nowMs} ms: ${violation}`);
  }
}
