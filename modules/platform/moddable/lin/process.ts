/**
 * The lin build's process, as the firmware's target sees it: the bench
 * link's ports from the environment (`OXS_BENCH_LINK_PORT` to dial, set by
 * the bench host; `OXS_BENCH_LINK_LISTEN` to wait on) and the reboot, which ends the process (exit code 3 for a
 * reboot request; the bench host starts the firmware again, like a board's
 * reset brings it back).
 */
import { chunkCensus, exit, getEnv, memory, resetPeaks } from "platform/moddable/lin/host";

/** Exit code of a reboot the firmware asked for. */
export const LIN_REBOOT_EXIT_CODE = 3;

function portFromEnv(name: string): number | undefined {
  const text = getEnv(name);
  if (text === undefined) return undefined;
  const port = Number(text);
  if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  trace(`lin: ${name}=${text} is not a TCP port: ignored\n`);
  return undefined;
}

/** The TCP port on 127.0.0.1 where the bench host waits for the bench link; undefined: none. */
export function benchLinkPort(): number | undefined {
  return portFromEnv("OXS_BENCH_LINK_PORT");
}

/** The TCP port on 127.0.0.1 where the bench link waits for the bench host (a rig's `tcp:`); undefined: none. */
export function benchLinkListenPort(): number | undefined {
  return portFromEnv("OXS_BENCH_LINK_LISTEN");
}

/** Ends the process; the bench host (or whoever started it) restarts it. */
export function rebootProcess(hard: boolean): never {
  trace(`lin: ${hard ? "hard" : "soft"} reboot: the process exits with ${LIN_REBOOT_EXIT_CODE}\n`);
  return exit(LIN_REBOOT_EXIT_CODE);
}

/** Simulated meter registers to start from, Wh per connector (`OXS_METER_WH`, comma-separated). */
export function meterRegistersWh(): number[] {
  const text = getEnv("OXS_METER_WH");
  const registers: number[] = [];
  if (text === undefined) return registers;
  for (const part of text.split(",")) {
    const wh = Number(part);
    registers.push(Number.isFinite(wh) && wh >= 0 ? wh : 0);
  }
  return registers;
}

/**
 * The XS heaps of this process (the bench link's `memory` command); with `chunkCensus` also the
 * live chunk heap as the 32-bit ESP32 would hold it (`esp32ChunkBytes`, host.c chunkCensus: one
 * more collection, which the boot's own readings leave out so they do not add to its count).
 */
export function linMemory(collect: boolean, reset: boolean, withChunkCensus = false): Readonly<Record<string, number>> {
  const figures = memory(collect);
  if (reset) resetPeaks();
  if (!withChunkCensus) return figures as unknown as Readonly<Record<string, number>>;
  return { ...(figures as unknown as Readonly<Record<string, number>>), esp32ChunkBytes: chunkCensus().esp32Bytes };
}
