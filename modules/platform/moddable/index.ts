/**
 * The Moddable platform: what the board gives the core. Flash partitions are
 * named in the board's partition table (see README); DNS servers and other
 * build-time settings come from the manifest's `config` (module mc/config).
 * `platform/moddable/kv` and `platform/moddable/flash` are mapped per platform:
 * NVS (`preference`) and the partition table on esp32, files in a state
 * directory on lin (`platform/moddable/lin/*`).
 */
import config from "mc/config";
import RNG from "rng";
import type { FlashPartition } from "ports/flash";
import type { Platform } from "ports/platform";
import { TimersLoopDriver } from "platform/common/virtual-timers";
import { createModdableClock } from "platform/moddable/clock";
import { OtaFirmwareSlot } from "platform/moddable/firmware-ota";
import { Ecma419HttpClient } from "platform/moddable/http-419";
import { ModdableFlash } from "platform/moddable/flash";
import { createBoardKeyValueStore } from "platform/moddable/kv";
import { TraceLogSink } from "platform/moddable/log-trace";
import { Ecma419TcpClient } from "platform/moddable/tcp-419";
import { ModdableTimers } from "platform/moddable/timers";
import { Ecma419WebSocketFactory } from "platform/moddable/websocket-419";

function dnsServersFromConfig(): readonly string[] {
  const configured = config.dnsServers;
  if (Array.isArray(configured) && configured.every((entry) => typeof entry === "string")) return configured as string[];
  return ["1.1.1.1"];
}

export function createModdablePlatform(): Platform {
  const clock = createModdableClock();
  const timers = new ModdableTimers();
  const flashes = new Map<string, FlashPartition>();
  const dnsServers = dnsServersFromConfig();
  return {
    clock,
    timers,
    loopDriver: new TimersLoopDriver(timers, () => clock.monotonicMs()),
    kv: createBoardKeyValueStore(),
    openFlash(partition: string): FlashPartition {
      let flash = flashes.get(partition);
      if (!flash) {
        flash = new ModdableFlash(partition);
        flashes.set(partition, flash);
      }
      return flash;
    },
    websocket: new Ecma419WebSocketFactory(dnsServers),
    log: new TraceLogSink(),
    http: new Ecma419HttpClient(dnsServers),
    firmwareSlot: new OtaFirmwareSlot(),
    tcp: new Ecma419TcpClient(dnsServers),
    // The SDK's "rng" (modules/crypt/etc, part of its TLS manifest): an RC4 stream seeded from esp_random(), the ESP32 hardware RNG.
    randomBytes: (length: number): Uint8Array => new Uint8Array(RNG.get(length)),
  };
}
