/**
 * `moddable.*` figures: the firmware as mcconfig builds it for lin (XS 17), its XS heaps read over
 * the bench link after a forced full garbage collection (platform/moddable/lin/host.c), after boot
 * and at the peak of a scripted session with the profiles in use (MeterValues every second, a Local
 * List, a charging profile, a reservation cancelled, TriggerMessage, GetConfiguration), for 1 and 2
 * connectors, over plain ws (`moddable.ws.c<N>.*`) and in security profile 2, Basic auth over wss
 * with the firmware's own TLS client (`moddable.wss.c<N>.*`). Flash partitions are files on lin (no
 * heap), as on the board.
 *
 * Slots are counts (16 bytes each on the 32-bit ESP32, 32 on 64-bit Linux); chunk bytes are the
 * 64-bit host's, an upper bound for the ESP32 (its pointers and slots in chunks are half the size).
 * `moddable.esp32PeakBytes` = peak slots x 16 + peak chunk + the esp32 manifest's stack slots x 16,
 * the peak slots less those the bench link itself retained at boot (`benchLinkSlots`, measured by the
 * lin target around the link's construction and start): production builds have no link.
 * With the wss sessions, the worst of ws and wss.
 * The instrumented build (tools/moddable/build-lin.sh --instrument) prints XS's instruments every
 * second (instrument-lines.ts): `bootCollections` are the collections until the firmware was online
 * with every connector Available (to the end of that second), `stackPeakSlots` the deepest stack of
 * any second of the process (boot and session), both from those samples.
 * `moddable.esp32vm.*`: the same firmware in Moddable's stock ESP32 XS machine (--esp32-vm): whether
 * it comes online, how often its process died first, its heaps and collections during boot, and
 * `moddable.esp32vm.wss.c2.*` the scripted session there (completed in one process, stack peak).
 * Without an SDK the figures are absent and the reason goes to stderr; without openssl the wss ones.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildLinFirmware, linBuildUnavailable, type LinBuild } from "../lin/build.ts";
import type { LinCharger, LinMemoryFigures } from "../lin/lin-charger.ts";
import { hasOpenssl } from "../pki/throwaway-pki.ts";
import { startLinStack } from "../lin/lin-stack.ts";
import { PROJECT_ROOT } from "../xs/bundle.ts";

const ESP32_SLOT_BYTES = 16;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000, detail?: () => string): Promise<void> {
  for (let waited = 0; !check(); waited += 100) {
    if (waited > timeoutMs) throw new Error(`moddable bench: timed out waiting for ${what}${detail ? `: ${detail()}` : ""}`);
    await sleep(100);
  }
}

function esp32StackSlots(): number {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "manifest.json"), "utf8")) as { creation: { stack: number } };
  return manifest.creation.stack;
}

/** Waits for the instrument sample that closes boot (the first after online with every connector Available). */
async function bootCollections(charger: LinCharger): Promise<number> {
  await until(
    "the instrument sample that closes boot",
    () => charger.instruments.bootCollections !== undefined,
    10_000,
    () => JSON.stringify(charger.instruments),
  );
  return charger.instruments.bootCollections!;
}

/** The deepest stack of the process so far, slots, once one more sample covers the last second. */
async function stackPeakSlots(charger: LinCharger, slotBytes: number): Promise<number> {
  const seen = charger.instruments.samples;
  await until("one more instrument sample", () => charger.instruments.samples > seen, 10_000);
  return Math.ceil(charger.instruments.stackPeakBytes / slotBytes);
}

interface SessionFigures {
  /** Collections until online with every connector Available (instrument samples). */
  bootCollections: number;
  bootSlots: number;
  bootChunkBytes: number;
  peakSlots: number;
  peakChunkBytes: number;
  /** XS's own peak since boot's reading, garbage included (what the heap must hold between collections). */
  peakSlotsWithGarbage: number;
  peakChunkBytesWithGarbage: number;
  /** Deepest stack of the process (boot and session), slots, from the instrument samples. */
  stackPeakSlots: number;
  /** Firmware processes that ended by themselves during the session (an XS abort: 1 or more). */
  processExits: number;
  /** The largest live chunk reading as the 32-bit ESP32 would hold it (host.c chunkCensus), with the link. */
  peakChunkBytesEsp32: number;
  /** Slots the bench link itself retained at boot: in the figures above, not in a production build. */
  benchLinkSlots: number;
  /** Chunk bytes the bench link itself retained at boot. */
  benchLinkChunkBytes: number;
}

export async function measureSession(build: LinBuild, connectors: number, tls = false): Promise<SessionFigures> {
  // One card per connector: the same idTag twice would be ConcurrentTx.
  const idTags: Record<string, { status: "Accepted" }> = { "CARD-1": { status: "Accepted" }, "CARD-2": { status: "Accepted" } };
  const stack = await startLinStack({
    build,
    benchPort: null,
    connectors,
    devCsms: { heartbeatIntervalS: 60, idTags },
    tls,
    log: () => ({ write: () => undefined }),
  });
  try {
    const charger: LinCharger = stack.chargers[0];
    const csms = stack.csms!;
    const id = charger.identity;
    await charger.linked();
    await until("online", () => charger.getState().connection === "online");
    await until("Available", () => charger.getState().connectors.every((c) => c.ocppStatus === "Available"));
    // Before the first forced collection below, which XS counts too.
    const collections = await bootCollections(charger);
    await sleep(1000);
    const boot = await charger.memory(true, true);
    let peakSlots = boot.slots;
    let peakChunk = boot.chunkBytes;
    let peakChunkEsp32 = boot.esp32ChunkBytes ?? 0;
    const sample = async (): Promise<LinMemoryFigures> => {
      const m = await charger.memory(true, false);
      peakSlots = Math.max(peakSlots, m.slots);
      peakChunk = Math.max(peakChunk, m.chunkBytes);
      peakChunkEsp32 = Math.max(peakChunkEsp32, m.esp32ChunkBytes ?? 0);
      return m;
    };
    await csms.send(id, "ChangeConfiguration", { key: "MeterValueSampleInterval", value: "1" });
    await csms.send(id, "SendLocalList", {
      listVersion: 1,
      updateType: "Full",
      localAuthorizationList: [
        { idTag: "LOCAL-1", idTagInfo: { status: "Accepted" } },
        { idTag: "LOCAL-2", idTagInfo: { status: "Blocked" } },
      ],
    });
    await csms.send(id, "ReserveNow", {
      connectorId: 1,
      expiryDate: new Date(Date.now() + 3_600_000).toISOString(),
      idTag: "CARD-1",
      reservationId: 7,
    });
    await csms.send(id, "CancelReservation", { reservationId: 7 });
    await sample();
    for (let c = 1; c <= connectors; c++) {
      await charger.setEv(c, "B");
      await until(`Preparing on ${c}`, () => charger.getState().connectors[c - 1].ocppStatus === "Preparing");
      await charger.presentCard(`CARD-${c}`, c);
      await charger.setEv(c, "C");
      // The second connector may wait for its share of the circuit (SuspendedEVSE): the transaction is what counts.
      await until(
        `a transaction on ${c}`,
        () => charger.getState().connectors[c - 1].transactionId !== null,
        20_000,
        () => JSON.stringify(charger.getState().connectors),
      );
      await sample();
    }
    await csms.send(id, "SetChargingProfile", {
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: "ChargePointMaxProfile",
        chargingProfileKind: "Absolute",
        chargingSchedule: { chargingRateUnit: "A", chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
      },
    });
    await csms.send(id, "TriggerMessage", { requestedMessage: "StatusNotification" });
    await csms.send(id, "GetConfiguration", {});
    for (let i = 0; i < 4; i++) {
      await sleep(1000);
      await sample();
    }
    for (let c = 1; c <= connectors; c++) {
      await charger.presentCard(`CARD-${c}`, c);
      await until(`stopped on ${c}`, () => charger.getState().connectors[c - 1].transactionId === null);
      await charger.setEv(c, "A");
    }
    await until("every StopTransaction delivered", () => csms.transactions().filter((t) => t.stop).length === connectors);
    const end = await sample();
    return {
      bootCollections: collections,
      bootSlots: boot.slots,
      bootChunkBytes: boot.chunkBytes,
      peakSlots,
      peakChunkBytes: peakChunk,
      peakSlotsWithGarbage: end.peakSlots,
      peakChunkBytesWithGarbage: end.peakChunkBytes,
      stackPeakSlots: await stackPeakSlots(charger, end.slotSize),
      processExits: charger.exits.length,
      peakChunkBytesEsp32: peakChunkEsp32,
      benchLinkSlots: boot.benchLinkSlots ?? 0,
      benchLinkChunkBytes: boot.benchLinkChunkBytes ?? 0,
    };
  } finally {
    await stack.close();
  }
}

/**
 * The instrumented firmware in Moddable's stock ESP32 XS machine (4,928 slots, 78,848 B chunk, 512
 * stack slots, no growth): does it come online, and how many collections did its boot take
 * (`collections`: all of the last process's until the end, online or not); then does the scripted
 * session complete there in one process.
 */
async function measureEsp32VmBoot(): Promise<Record<string, number>> {
  const build = buildLinFirmware({ instrument: true, esp32Vm: true });
  const stack = await startLinStack({
    build,
    benchPort: null,
    devCsms: { heartbeatIntervalS: 60 },
    log: () => ({ write: () => undefined }),
  });
  const figures: Record<string, number> = {};
  try {
    const charger = stack.chargers[0];
    // Online with every connector Available in its first process (the state line that ends boot).
    let online = true;
    try {
      await until(
        "online in the stock ESP32 VM",
        () =>
          charger.getState().connection === "online" &&
          charger.getState().connectors.every((c) => c.ocppStatus === "Available") &&
          charger.exits.length === 0,
        30_000,
      );
    } catch {
      online = false;
    }
    figures["moddable.esp32vm.online"] = online ? 1 : 0;
    figures["moddable.esp32vm.processExits"] = charger.exits.length;
    if (online) {
      figures["moddable.esp32vm.bootCollections"] = await bootCollections(charger);
      await sleep(1000);
      const m = await charger.memory(true, false);
      figures["moddable.esp32vm.bootSlots"] = m.slots;
      figures["moddable.esp32vm.bootChunkBytes"] = m.chunkBytes;
      figures["moddable.esp32vm.bootStackPeakSlots"] = await stackPeakSlots(charger, m.slotSize);
    }
    figures["moddable.esp32vm.collections"] = charger.instruments.collections;
  } finally {
    await stack.close();
  }
  // The whole scripted session in the stock machine, over wss when there is openssl (the deepest
  // stack and the most slots), 2 connectors: does it complete, in one process, and how deep.
  const tls = hasOpenssl();
  const prefix = `moddable.esp32vm.${tls ? "wss" : "ws"}.c2`;
  try {
    const f = await measureSession(build, 2, tls);
    figures[`${prefix}.sessionCompleted`] = f.processExits === 0 ? 1 : 0;
    figures[`${prefix}.processExits`] = f.processExits;
    figures[`${prefix}.stackPeakSlots`] = f.stackPeakSlots;
    figures[`${prefix}.peakSlots`] = f.peakSlots;
    figures[`${prefix}.peakChunkBytes`] = f.peakChunkBytes;
  } catch (error) {
    process.stderr.write(`bench: the session in the stock ESP32 VM did not complete: ${String(error)}\n`);
    figures[`${prefix}.sessionCompleted`] = 0;
  }
  return figures;
}

export async function benchModdable(): Promise<Record<string, number>> {
  const missing = linBuildUnavailable();
  if (missing !== undefined) {
    process.stderr.write(`bench: no moddable.* figures: ${missing}\n`);
    return {};
  }
  // The instrumented build (mcconfig -i): XS also counts collections and the stack peak there.
  const build = buildLinFirmware({ instrument: true });
  const figures: Record<string, number> = {};
  const stackSlots = esp32StackSlots();
  const transports: ("ws" | "wss")[] = ["ws"];
  if (hasOpenssl()) transports.push("wss");
  else process.stderr.write("bench: no moddable.wss.* figures: no openssl command for the throwaway CA\n");
  let worst = 0;
  for (const transport of transports)
    for (const connectors of [1, 2]) {
      const f = await measureSession(build, connectors, transport === "wss");
      const prefix = `moddable.${transport}.c${connectors}`;
      figures[`${prefix}.bootCollections`] = f.bootCollections;
      figures[`${prefix}.bootSlots`] = f.bootSlots;
      figures[`${prefix}.bootChunkBytes`] = f.bootChunkBytes;
      figures[`${prefix}.peakSlots`] = f.peakSlots;
      figures[`${prefix}.peakChunkBytes`] = f.peakChunkBytes;
      figures[`${prefix}.peakSlotsWithGarbage`] = f.peakSlotsWithGarbage;
      figures[`${prefix}.peakChunkBytesWithGarbage`] = f.peakChunkBytesWithGarbage;
      figures[`${prefix}.stackPeakSlots`] = f.stackPeakSlots;
      // The production firmware has no bench link: its peak is the session's less what the link retained.
      const firmwarePeakSlots = f.peakSlots - f.benchLinkSlots;
      const firmwarePeakChunkBytes = f.peakChunkBytes - f.benchLinkChunkBytes;
      figures[`${prefix}.benchLinkSlots`] = f.benchLinkSlots;
      figures[`${prefix}.benchLinkChunkBytes`] = f.benchLinkChunkBytes;
      figures[`${prefix}.firmwarePeakSlots`] = firmwarePeakSlots;
      figures[`${prefix}.firmwarePeakChunkBytes`] = firmwarePeakChunkBytes;
      // The same peak as the ESP32 would hold it, less the link's share scaled alike (an estimate;
      // the host figure above is the upper bound the budget uses).
      figures[`${prefix}.peakChunkBytesEsp32`] = f.peakChunkBytesEsp32;
      figures[`${prefix}.firmwarePeakChunkBytesEsp32`] = Math.round(
        f.peakChunkBytesEsp32 - (f.benchLinkChunkBytes * f.peakChunkBytesEsp32) / Math.max(1, f.peakChunkBytes),
      );
      worst = Math.max(worst, firmwarePeakSlots * ESP32_SLOT_BYTES + firmwarePeakChunkBytes + stackSlots * ESP32_SLOT_BYTES);
    }
  figures["moddable.esp32PeakBytes"] = worst;
  Object.assign(figures, await measureEsp32VmBoot());
  return figures;
}
