/**
 * The host (Node) platform: files under a state directory stand in for the
 * board's NVS and flash partitions, `ws` for the WebSocket client.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FlashPartition } from "ports/flash";
import type { LogSink } from "ports/log";
import type { Platform } from "ports/platform";
import { TimersLoopDriver } from "platform/common/virtual-timers";
import { createHostClock } from "platform/host/clock";
import { FileFlash } from "platform/host/flash-file";
import { FileFirmwareSlot } from "platform/host/firmware-slot-file";
import { NodeHttpClient } from "platform/host/http-node";
import { FileKeyValueStore } from "platform/host/kv-file";
import { ConsoleLogSink } from "platform/host/log-console";
import { NodeTcpClient } from "platform/host/tcp-node";
import { HostTimers } from "platform/host/timers";
import { WsWebSocketFactory } from "platform/host/websocket-ws";

/** File in the state directory that receives a verified firmware image ("boots next"). */
export const HOST_FIRMWARE_IMAGE = "firmware-next.bin";

/** Flash partition sizes of the default board layout (sector size, sector count). */
export const HOST_PARTITIONS: Readonly<Record<string, { sectorSize: number; sectors: number }>> = {
  journal: { sectorSize: 4096, sectors: 16 },
  ocpplog: { sectorSize: 4096, sectors: 16 },
  authlist: { sectorSize: 4096, sectors: 16 },
  seclog: { sectorSize: 4096, sectors: 4 },
};

export interface HostPlatformOptions {
  /** Directory for nvs.json and the flash partition files. */
  stateDir: string;
  log?: LogSink;
  trustSystemClock?: boolean;
}

export interface HostPlatform extends Platform {
  readonly timers: HostTimers;
  readonly http: NodeHttpClient;
  readonly firmwareSlot: FileFirmwareSlot;
  readonly tcp: NodeTcpClient;
  /** Stops all timers and closes files: the clean end of a simulated board. */
  shutdown(): void;
}

export function createHostPlatform(options: HostPlatformOptions): HostPlatform {
  mkdirSync(options.stateDir, { recursive: true });
  const clock = createHostClock(options.trustSystemClock ?? false);
  const timers = new HostTimers();
  const flashes = new Map<string, FileFlash>();
  return {
    clock,
    timers,
    loopDriver: new TimersLoopDriver(timers, () => clock.monotonicMs()),
    kv: new FileKeyValueStore(join(options.stateDir, "nvs.json")),
    openFlash(partition: string): FlashPartition {
      const layout = HOST_PARTITIONS[partition];
      if (!layout) throw new Error(`no flash partition "${partition}"`);
      let flash = flashes.get(partition);
      if (!flash) {
        flash = new FileFlash(join(options.stateDir, `${partition}.bin`), layout.sectorSize, layout.sectors);
        flashes.set(partition, flash);
      }
      return flash;
    },
    websocket: new WsWebSocketFactory(),
    log: options.log ?? new ConsoleLogSink(),
    http: new NodeHttpClient(),
    firmwareSlot: new FileFirmwareSlot(join(options.stateDir, HOST_FIRMWARE_IMAGE)),
    tcp: new NodeTcpClient(),
    randomBytes: (length: number): Uint8Array => new Uint8Array(randomBytes(length)),
    shutdown(): void {
      timers.clearAll();
      for (const flash of flashes.values()) flash.close();
      flashes.clear();
    },
  };
}
