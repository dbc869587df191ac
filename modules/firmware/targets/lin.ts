/**
 * The target of the `lin` build (the SDK's Linux host, XS 17 as mcconfig
 * builds it): the simulated board sized by the build config (`connectors`,
 * `circuitLimitA`), its EVs kept for the bench link, and a reboot that ends
 * the process (the bench host restarts it; state is in files, see
 * platform/moddable/lin/state-dir). With the build config `benchLink: true`
 * and `OXS_BENCH_LINK_PORT` in the environment the firmware dials the bench
 * host on 127.0.0.1 (docs/bench-link.md). The manifest maps
 * `firmware/target` here on lin.
 */
import type { Board } from "hal/board-description";
import type { RunningFirmware } from "firmware/boot";
import { BenchLink } from "firmware/bench/link";
import type { SimConnector } from "hal/sim/board";
import { createSimulatedBoard } from "hal/sim/charger";
import type { KeyValueStore } from "ports/kv";
import type { Platform } from "ports/platform";
import { SETTINGS_NAMESPACE } from "firmware/settings";
import { benchLinkPort, linMemory, meterRegistersWh, rebootProcess } from "platform/moddable/lin/process";

let sims: readonly SimConnector[] = [];
let link: BenchLink | undefined;

function configFlag(value: unknown): boolean {
  return value === true || value === "true" || value === 1 || value === "1";
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
  const port = benchLinkPort();
  if (!configFlag(config.benchLink)) return platform;
  if (port === undefined || !platform.tcp) {
    trace("bench link: compiled in, but OXS_BENCH_LINK_PORT is not set: not started\n");
    return platform;
  }
  link = new BenchLink({
    tcp: platform.tcp,
    timers: platform.timers,
    clock: platform.clock,
    host: "127.0.0.1",
    port,
    sims,
    firmwareVersion,
    log: (message) => trace(`${message}\n`),
    memory: linMemory,
  });
  return { ...platform, websocket: link.tapWebSocket(platform.websocket) };
}

/** After boot: the bench link starts reporting. */
export function startTarget(firmware: RunningFirmware): void {
  link?.start(firmware);
}

/** Reset.req and firmware updates: the process ends and is started again. */
export function targetReboot(hard: boolean): void {
  rebootProcess(hard);
}
