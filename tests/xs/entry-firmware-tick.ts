/**
 * XS entry: the booted firmware (offline, simulated board) with the loop on
 * a hand-stepped driver, so a test can meter the safety tick apart from the
 * after-tick drain that delivers its events to OCPP (tests/firmware/
 * tick-on-xs.test.ts, tools/bench/boot.ts).
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import { createSimulatedBoard } from "hal/sim/charger";
import { bootFirmware, type RunningFirmware } from "boot/boot";
import type { LoopDriver, TickFunction } from "ports/timers";

const xsGlobals = globalThis as unknown as { gc?: () => void };
const base = createXsnapPlatform();
// Tethered: the metered tick and drain are those of a session without a lock motor to wait for.
const sim = createSimulatedBoard({ connectors: 1, tethered: true });

/** A driver that ticks only when told: `tick` and `after` are separate calls. */
class SteppedDriver implements LoopDriver {
  tickFn: TickFunction | undefined;
  afterFn: (() => void) | undefined;
  running = false;
  start(tick: TickFunction, _periodMs: number, afterTick?: () => void): void {
    this.tickFn = tick;
    this.afterFn = afterTick;
    this.running = true;
  }
  stop(): void {
    this.running = false;
  }
}
const driver = new SteppedDriver();
let firmware: RunningFirmware | undefined;

function running(): RunningFirmware {
  if (!firmware) throw new Error("firmware not booted");
  return firmware;
}

/** One period as the board runs it: time moves 10 ms (other timers fire), the tick, then the drain. */
function period(): void {
  base.time.advance(10);
  if (driver.tickFn) driver.tickFn(base.time.nowMs());
  if (driver.afterFn) driver.afterFn();
}

base.expose("boot", (url: unknown) => {
  firmware = bootFirmware({
    platform: { ...base, loopDriver: driver },
    board: sim.board,
    defaults: { deviceId: "XSTICK1", csmsUrlTemplate: String(url), loopPeriodMs: 10 },
  });
  return driver.running;
});

base.expose("gc", () => {
  if (xsGlobals.gc) xsGlobals.gc();
  return typeof xsGlobals.gc === "function";
});

/** `cycles` plug-in/unplug cycles of 40 periods each (events flow to OCPP); returns the ring's counters. */
base.expose("cycles", (cycles: unknown) => {
  const fw = running();
  const ev = sim.sims[0].ev;
  const n = Number(cycles);
  let statusChanges = 0;
  let last = fw.loop.connector(1).snapshot.status;
  for (let c = 0; c < n; c++) {
    ev.plug();
    for (let i = 0; i < 20; i++) period();
    if (fw.chargePoint.status.current(1) !== last) statusChanges++;
    last = fw.chargePoint.status.current(1);
    ev.unplug();
    for (let i = 0; i < 20; i++) period();
    if (fw.chargePoint.status.current(1) !== last) statusChanges++;
    last = fw.chargePoint.status.current(1);
  }
  return {
    statusChanges,
    ticks: fw.loop.ticks,
    overflows: fw.hardware.eventOverflows,
    errors: fw.hardware.eventErrors,
    pending: fw.hardware.eventsPending,
  };
});

/** FreeCharging (and PreBootTransactions: offline, never accepted): a plug-in starts a transaction. */
base.expose("freeCharging", () => {
  const config = running().chargePoint.config;
  return `${config.change("PreBootTransactions", "true")}/${config.change("FreeCharging", "true")}`;
});

base.expose("plug", () => {
  sim.sims[0].ev.plug();
  sim.sims[0].ev.ready = false;
  return true;
});

base.expose("unplug", () => {
  sim.sims[0].ev.unplug();
  return true;
});

/** Moves time one period and lets other timers fire, without ticking. */
base.expose("advance", () => {
  base.time.advance(10);
  return base.time.nowMs();
});

/** The safety tick alone (what the LoopDriver runs first). */
base.expose("tick", () => {
  if (driver.tickFn) driver.tickFn(base.time.nowMs());
  return running().hardware.eventsPending;
});

/** The after-tick hook alone (delivers the ring to OCPP). */
base.expose("drain", () => {
  if (driver.afterFn) driver.afterFn();
  return running().hardware.eventsPending;
});

base.expose("state", () => {
  const fw = running();
  const snapshot = fw.loop.connector(1).snapshot;
  return {
    status: snapshot.status,
    plugged: snapshot.plugged,
    journal: fw.chargePoint.transactions.journalSize,
    ocppStatus: fw.chargePoint.status.current(1),
  };
});
