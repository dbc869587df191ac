/**
 * The firmware runs on `withTrackedTimers(platform)`: every port of the
 * platform must reach it (a port dropped here is missing to every feature,
 * e.g. randomBytes for the charge point key), with the timers tracked.
 */
import { strict as assert } from "node:assert";
import type { Platform } from "ports/platform";
import { MemoryKeyValueStore } from "platform/common/memory-kv";
import { SimFlash } from "platform/common/sim-flash";
import { VirtualTime } from "platform/common/virtual-timers";
import { withTrackedTimers } from "boot/tracked-platform";
import { hostPlatform } from "../support/firmware-rig.ts";
import { MemoryLog, BOOTED_LOG_MAX_LINES } from "../support/logs.ts";

describe("firmware: the tracked platform", function () {
  it("passes on every member of the platform and tracks its timers", function () {
    const time = new VirtualTime(0);
    const flash = new SimFlash(4096, 4);
    const base: Platform = {
      ...hostPlatform({ flash: new Map([["journal", flash]]), kv: new MemoryKeyValueStore() }, time, new MemoryLog(BOOTED_LOG_MAX_LINES)),
      http: { request: () => Promise.reject(new Error("unused")) } as unknown as Platform["http"],
      firmwareSlot: {} as Platform["firmwareSlot"],
      tcp: {} as Platform["tcp"],
      randomBytes: (length) => new Uint8Array(length).fill(7),
    };
    const { platform, timers } = withTrackedTimers(base);
    for (const key of Object.keys(base) as Array<keyof Platform>) {
      assert.notEqual(platform[key], undefined, `platform.${key} is passed on`);
    }
    assert.deepEqual(Array.from(platform.randomBytes!(3)), [7, 7, 7]);
    assert.equal(platform.openFlash("journal"), flash);
    assert.equal(platform.kv, base.kv);
    assert.equal(platform.timers, timers);

    let fired = 0;
    platform.timers.once(() => fired++, 10);
    timers.stopAll();
    time.advance(20);
    assert.equal(fired, 0, "stopAll ends the timers scheduled through the platform");
  });
});
