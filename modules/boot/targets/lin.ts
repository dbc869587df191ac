/**
 * The target of the `lin` build (the SDK's Linux host, XS 17 as mcconfig
 * builds it): the simulated board sized by the build config (`connectors`,
 * `circuitLimitA`), its EVs kept for the bench link, and a reboot that ends
 * the process (the bench host restarts it; state is in files, see
 * platform/moddable/lin/state-dir). With the build config `benchLink: true`
 * (or "tcp") the bench link runs over TCP on 127.0.0.1 (docs/bench-link.md):
 * with `OXS_BENCH_LINK_PORT` in the environment the firmware dials the bench
 * host there; with `OXS_BENCH_LINK_LISTEN` it waits for one (a lin process on
 * its own standing in for a board on a rig). The manifest maps
 * `boot/target` here on lin.
 */
import type { Board } from "hal/board-description";
import type { RunningFirmware } from "boot/boot";
import { BenchLink } from "boot/bench/link";
import { TcpDialStream } from "boot/bench/tcp-dial-stream";
import type { ByteStream } from "ports/byte-stream";
import type { SimConnector } from "hal/sim/board";
import { createSimulatedBoard } from "hal/sim/charger";
import type { KeyValueStore } from "ports/kv";
import type { Platform } from "ports/platform";
import type { Timers } from "ports/timers";
import { SETTINGS_NAMESPACE } from "boot/settings";
import { LoopbackListenStream } from "platform/moddable/lin/loopback-stream";
import { benchLinkListenPort, benchLinkPort, linMemory, meterRegistersWh, rebootProcess } from "platform/moddable/lin/process";
import { census, chunkCensus, getEnv } from "platform/moddable/lin/host";

let sims: readonly SimConnector[] = Object.freeze([]);
let link: BenchLink | undefined;
/** Slots the bench link retained at boot: its objects, the WebSocket tap, its start (measured around them). */
let benchLinkSlots = 0;
let benchLinkChunkBytes = 0;
/** The platform's timers (the census report is scheduled on them). */
let targetTimers: Timers | undefined;

/** `benchLink` of the build config: true, "true" or "tcp" start it on lin. */
function benchLinkOverTcp(value: unknown): boolean {
  return value === true || value === "true" || value === "tcp" || value === 1 || value === "1";
}

function configNumber(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

export function createTargetBoard(config: Readonly<Record<string, unknown>>, kv: KeyValueStore): Board {
  // The connectors provisioned into NVS (as `npm start -- --connectors` writes them) win over the build's.
  const wanted = configNumber(kv.get(SETTINGS_NAMESPACE, "connectors")) ?? configNumber(config.connectors);
  const connectors = wanted !== undefined && wanted >= 1 && wanted <= 4 ? Math.floor(wanted) : 1;
  const limit = configNumber(config.circuitLimitA);
  const circuitLimitA = limit !== undefined && limit >= 6 ? limit : 32;
  const simulated = createSimulatedBoard({ connectors, circuitLimitA });
  sims = simulated.sims;
  // The meters' registers as the bench host last saw them: a meter keeps counting through a restart of the charger.
  const registers = meterRegistersWh();
  for (let i = 0; i < sims.length && i < registers.length; i++) sims[i].restoreEnergyWh(registers[i]);
  return simulated.board;
}

/** The platform the firmware boots on: with the bench link, its WebSocket reports every frame. */
export function targetPlatform(platform: Platform, config: Readonly<Record<string, unknown>>, firmwareVersion: string): Platform {
  targetTimers = platform.timers;
  if (!benchLinkOverTcp(config.benchLink)) return platform;
  const listen = benchLinkListenPort();
  const dial = benchLinkPort();
  let stream: ByteStream;
  if (listen !== undefined) stream = new LoopbackListenStream(listen, platform.timers);
  else if (dial !== undefined && platform.tcp)
    stream = new TcpDialStream({ tcp: platform.tcp, timers: platform.timers, host: "127.0.0.1", port: dial });
  else {
    trace("bench link: compiled in, but neither OXS_BENCH_LINK_PORT nor OXS_BENCH_LINK_LISTEN is set: not started\n");
    return platform;
  }
  if (listen !== undefined) trace(`bench link: waiting for the bench host on 127.0.0.1:${listen}\n`);
  const beforeLink = linMemory(true, false);
  link = new BenchLink({
    stream,
    timers: platform.timers,
    clock: platform.clock,
    sims,
    firmwareVersion,
    // In listen mode the host may connect after the boot: keep its frames for it.
    frameBacklogChars: listen !== undefined ? 64 * 1024 : 0,
    log: (message) => trace(`${message}\n`),
    // `benchLinkSlots`: what the link itself retained at boot (not in a production build; docs/memory.md).
    memory: (collect, resetPeaks) => ({ ...linMemory(collect, resetPeaks, collect), benchLinkSlots, benchLinkChunkBytes }),
  });
  const tapped = { ...platform, websocket: link.tapWebSocket(platform.websocket) };
  const afterLink = linMemory(true, false);
  benchLinkSlots = afterLink.slots - beforeLink.slots;
  benchLinkChunkBytes = afterLink.chunkBytes - beforeLink.chunkBytes;
  return tapped;
}

/**
 * With `OXS_MEMORY_STEPS=1` in the environment: after each boot step, its heaps after a full
 * collection on stdout (`memory after <step>: <slots> slots, <bytes> chunk bytes`), so what each
 * step retains can be read off the real engine (docs/memory.md, tools/moddable/memory-report.ts).
 */
export function targetBootObserver(): ((step: string) => void) | undefined {
  // Read at run time: this module is preloaded, so a module-level reading would be the build's.
  if (getEnv("OXS_MEMORY_STEPS") !== "1") return undefined;
  return (step) => {
    const before = linMemory(false, false);
    const figures = linMemory(true, false);
    trace(`garbage of ${step}: ${before.slots - figures.slots} slots, ${before.chunkBytes - figures.chunkBytes} chunk bytes\n`);
    trace(`memory after ${step}: ${figures.slots} slots, ${figures.chunkBytes} chunk bytes\n`);
  };
}

/** After boot: the bench link starts reporting. */
export function startTarget(firmware: RunningFirmware): void {
  try {
    const beforeStart = linMemory(true, false);
    link?.start(firmware);
    if (link) {
      const afterStart = linMemory(true, false);
      benchLinkSlots += afterStart.slots - beforeStart.slots;
      benchLinkChunkBytes += afterStart.chunkBytes - beforeStart.chunkBytes;
    }
  } catch (error) {
    // e.g. the listen port is taken: the charger runs on without its bench link, and says so.
    trace(`bench link: not started: ${(error as Error).message}\n`);
  }
  // OXS_CENSUS_MS: what the heap holds that many ms after boot, by kind and object shape (docs/memory.md).
  const censusMs = Number(getEnv("OXS_CENSUS_MS") ?? "0");
  if (censusMs > 0 && targetTimers)
    targetTimers.once(() => {
      trace(`memory census: ${JSON.stringify(census())}\n`);
      trace(`chunk census: ${JSON.stringify(chunkCensus())}\n`);
    }, censusMs);
}

/** Reset.req and firmware updates: the process ends and is started again. */
export function targetReboot(hard: boolean): void {
  rebootProcess(hard);
}
