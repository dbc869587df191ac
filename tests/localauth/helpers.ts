import { AuthorizationCache } from "ocpp/localauth/auth-cache";
import { FixedLocalAuthSettings } from "ocpp/localauth/config-keys";
import { LocalAuthService } from "ocpp/localauth/local-auth-service";
import { LocalListStore } from "ocpp/localauth/local-list-store";
import type { LocalListEntry } from "ocpp/localauth/types";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { OffsetClock } from "platform/common/offset-clock";
import { SimFlash } from "platform/common/sim-flash";
import { VirtualTime } from "platform/common/virtual-timers";

export const NOW_MS = Date.UTC(2025, 0, 15, 12, 0, 0);

export interface Rig {
  flash: SimFlash;
  kv: MemoryKeyValueStore;
  time: VirtualTime;
  clock: OffsetClock;
  settings: FixedLocalAuthSettings;
  list: LocalListStore;
  cache: AuthorizationCache;
  service: LocalAuthService;
  /** Builds store, cache and service again over the same flash and NVS: a reboot. */
  reboot(): void;
}

export function makeRig(options: { flash?: SimFlash; settings?: Partial<FixedLocalAuthSettings>; cacheCapacity?: number } = {}): Rig {
  const flash = options.flash ?? new SimFlash(4096, 16);
  const kv = new MemoryKeyValueStore();
  const time = new VirtualTime(0);
  const clock = new OffsetClock(() => time.nowMs(), NOW_MS, true);
  const settings = new FixedLocalAuthSettings(options.settings ?? {});
  const rig = { flash, kv, time, clock, settings } as Rig;
  rig.reboot = () => {
    rig.list = new LocalListStore(flash);
    rig.cache = new AuthorizationCache(kv, { capacity: options.cacheCapacity ?? 64, nowUtcMs: () => clock.utcMs() });
    rig.service = new LocalAuthService({ list: rig.list, cache: rig.cache, settings, clock });
  };
  rig.reboot();
  return rig;
}

/** `count` Accepted entries TAG00000.., every 10th with a parent, every 7th with an expiry. */
export function manyEntries(count: number, from = 0, prefix = "TAG"): LocalListEntry[] {
  const entries: LocalListEntry[] = [];
  for (let i = from; i < from + count; i++) {
    const idTagInfo: LocalListEntry["idTagInfo"] = { status: "Accepted" };
    if (i % 10 === 0) idTagInfo.parentIdTag = `GRP${i % 30}`;
    if (i % 7 === 0) idTagInfo.expiryDate = "2030-01-01T00:00:00Z";
    entries.push({ idTag: `${prefix}${String(i).padStart(5, "0")}`, idTagInfo });
  }
  return entries;
}
