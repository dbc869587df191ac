/**
 * XS entry for the control loop: a 2-connector simulated board and a
 * scripted session per connector (plug, self-test, charge, limit changes,
 * pause, over-temperature (derate, trip, cool, reset), EV stop, RCD trip
 * and retry, meter offline, pilot short, unplug)
 * repeated every SCRIPT_TICKS, connector 2 shifted by half a cycle so the
 * load balancer shares the circuit. Everything is built here at boot; the
 * exposed `run` calls `gc()` and then ticks, so the heap slot count after
 * it measures what the ticks left behind.
 */
import { createXsnapPlatform } from "platform/xsnap/index";
import type { ConnectorEvent } from "connector/types";
import { createSimulatedBoardLoop } from "../../tools/sim/simulated-board-loop.ts";
import type { SimConnector } from "hal/sim/board";
import type { Connector } from "connector/connector";

const platform = createXsnapPlatform();
const SCRIPT_TICKS = 3000;
const TICK_MS = 10;

let eventCount = 0;
const eventCounts = new Uint32Array(4);
// Ticks (per connector) seen derated by temperature while closed, and latched Faulted + HighTemperature.
let deratedTicks = 0;
let highTemperatureTicks = 0;
function onEvent(_connectorId: number, event: ConnectorEvent): void {
  eventCount++;
  if (event === "relayClosed") eventCounts[0]++;
  else if (event === "faulted") eventCounts[1]++;
  else if (event === "unplugged") eventCounts[2]++;
  else if (event === "selfTestPassed") eventCounts[3]++;
}

const charger = createSimulatedBoardLoop(
  {
    connectors: 2,
    circuitLimitA: 32,
    timing: { rcdRetryDelayMs: 1000, limitIncreaseHoldMs: 1000, reclaimHoldMs: 2000 },
    // Terminals heat and cool within a second so the over-temperature phase fits the script.
    partTiming: { thermalTauMs: 500 },
  },
  onEvent,
);
const loop = charger.loop;
let nowMs = 0;
let tickIndex = 0;
// States seen (bit per OCPP status) to prove the script walks through them.
let statusBits = 0;
let maxClosedTogether = 0;

function script(c: Connector, sim: SimConnector, step: number): void {
  switch (step) {
    case 0:
      sim.ev.plug();
      break;
    case 20:
      c.setPermission(true);
      break;
    case 40:
      sim.ev.ready = true;
      break;
    case 500:
      c.setOcppLimitA(10);
      break;
    case 800:
      c.setOcppLimitA(4);
      break;
    case 1500:
      c.setOcppLimitA(Infinity);
      break;
    case 1600:
      sim.faults.overTemperature = true; // loose terminal: derates past 70 °C, trips at 85 °C
      break;
    case 1700:
      sim.faults.overTemperature = false; // cools; the fault resets below 60 °C
      sim.ev.stopDrawing = true;
      break;
    case 1900:
      sim.ev.stopDrawing = false;
      break;
    case 2000:
      sim.faults.residual = "dc";
      break;
    case 2050:
      sim.faults.residual = "none";
      break;
    case 2200:
      sim.faults.meterOffline = true;
      break;
    case 2300:
      sim.faults.meterOffline = false;
      break;
    case 2500:
      sim.ev.ready = false;
      break;
    case 2600:
      c.setPermission(false);
      break;
    case 2700:
      sim.ev.unplug();
      break;
    case 2750:
      sim.faults.pilotShort = true;
      break;
    case 2800:
      sim.faults.pilotShort = false;
      break;
  }
}

const STATUS_BIT: Record<string, number> = {
  Available: 1,
  Preparing: 2,
  Charging: 4,
  SuspendedEVSE: 8,
  SuspendedEV: 16,
  Finishing: 32,
  Reserved: 64,
  Unavailable: 128,
  Faulted: 256,
};

function runTicks(count: number): void {
  const c1 = loop.connectors[0];
  const c2 = loop.connectors[1];
  const s1 = charger.sims[0];
  const s2 = charger.sims[1];
  for (let i = 0; i < count; i++) {
    script(c1, s1, tickIndex % SCRIPT_TICKS);
    script(c2, s2, (tickIndex + SCRIPT_TICKS / 2) % SCRIPT_TICKS);
    nowMs += TICK_MS;
    tickIndex++;
    loop.tick(nowMs);
    statusBits |= STATUS_BIT[c1.snapshot.status] | STATUS_BIT[c2.snapshot.status];
    if (c1.snapshot.relayClosed && c1.snapshot.temperatureCapA < Infinity) deratedTicks++;
    if (c2.snapshot.relayClosed && c2.snapshot.temperatureCapA < Infinity) deratedTicks++;
    if (c1.snapshot.errorCode === "HighTemperature") highTemperatureTicks++;
    if (c2.snapshot.errorCode === "HighTemperature") highTemperatureTicks++;
    const closed = (c1.snapshot.relayClosed ? 1 : 0) + (c2.snapshot.relayClosed ? 1 : 0);
    if (closed > maxClosedTogether) maxClosedTogether = closed;
  }
}

const xsGlobals = globalThis as unknown as { gc?: () => void };

platform.expose("run", (ticks: unknown) => {
  if (xsGlobals.gc) xsGlobals.gc();
  runTicks(Number(ticks));
  return tickIndex;
});

platform.expose("summary", () => ({
  ticks: tickIndex,
  loopTicks: loop.ticks,
  statusBits,
  maxClosedTogether,
  eventCount,
  relayClosed: eventCounts[0],
  faulted: eventCounts[1],
  unplugged: eventCounts[2],
  selfTestPassed: eventCounts[3],
  deratedTicks,
  highTemperatureTicks,
  energyWh: [loop.connectors[0].snapshot.energyWh, loop.connectors[1].snapshot.energyWh],
  hasGc: typeof xsGlobals.gc === "function",
}));

// The same loop started on the platform's LoopDriver (virtual time moved by the parent).
platform.expose("startDriver", () => {
  loop.start(platform.loopDriver);
  return platform.loopDriver.running;
});
platform.expose("stopDriver", () => {
  loop.stop();
  return loop.ticks;
});
