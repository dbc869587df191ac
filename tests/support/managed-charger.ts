/**
 * A TestCharger (tests/support/csms-harness) with Firmware Management and Remote
 * Trigger attached before it starts, over the Node HTTP client and a
 * simulated firmware slot.
 */
import type { KeyValueStore } from "ports/kv";
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";
import { NodeHttpClient } from "platform/host/http-node";
import { attachFirmwareManagement, type FirmwareManagement } from "ocpp/firmware-management/attach";
import { attachTriggerActions } from "ocpp/trigger/actions";
import { chargePointTriggerTargets } from "ocpp/trigger/charge-point-targets";
import type { DiagnosticsSource } from "ocpp/firmware-management/diagnostics-service";
import { TestCharger, TestCsms, type FakeHardware } from "./csms-harness.ts";
import { waitFor } from "./waits.ts";
import { FileServer } from "./file-server.ts";

export interface ManagedCharger {
  charger: TestCharger;
  fm: FirmwareManagement;
  slot: SimFirmwareSlot;
  reboots: number;
}

export interface ManagedOptions {
  kv?: KeyValueStore;
  slot?: SimFirmwareSlot;
  hardware?: FakeHardware;
  firmwareVersion?: string;
  frameLines?: string[];
  extraSources?: DiagnosticsSource[];
  /** Wait for BootNotification Accepted and the statuses of this boot (default true). */
  waitBooted?: boolean;
}

export async function managedCharger(csms: TestCsms, options: ManagedOptions = {}): Promise<ManagedCharger> {
  const charger = new TestCharger({ csms, kv: options.kv, hardware: options.hardware });
  const slot = options.slot ?? new SimFirmwareSlot();
  const result: ManagedCharger = { charger, slot, reboots: 0, fm: undefined as unknown as FirmwareManagement };
  const frameLines = options.frameLines;
  result.fm = attachFirmwareManagement(charger.cp, {
    connectors: charger.hardware.connectors,
    timers: charger.time,
    kv: charger.kv,
    http: new NodeHttpClient(),
    slot,
    reboot: () => {
      result.reboots++;
    },
    firmwareVersion: options.firmwareVersion ?? "0.1.0",
    deviceName: "CP001",
    frameLogText: frameLines ? () => (frameLines.length ? frameLines.join("\n") + "\n" : "") : undefined,
    extraSources: options.extraSources,
    defaultRetries: 1,
    defaultRetryIntervalS: 10,
  });
  attachTriggerActions(
    charger.cp.engine,
    chargePointTriggerTargets(charger.cp, {
      connectors: charger.hardware.connectors,
      boot: { chargePointVendor: "Wattlight", chargePointModel: "TestModel", firmwareVersion: "0.1.0" },
      firmware: result.fm.firmware,
      diagnostics: result.fm.diagnostics,
    }),
  );
  // Counted from here: a charger booted again on the same CSMS (a reboot) must send its own statuses.
  const statusesBefore = csms.calls("StatusNotification").length;
  charger.start();
  if (options.waitBooted !== false) {
    const n = charger.hardware.connectors.length;
    await waitFor(
      "boot and statuses",
      () => charger.cp.engine.accepted && csms.calls("StatusNotification").length >= statusesBefore + n + 1,
    );
  }
  return result;
}

/** Statuses of a notification action, in the order the CSMS got them. */
export function statusesOf(csms: TestCsms, action: string): string[] {
  return csms.calls(action).map((c) => String(c.params.status));
}

/** A strict CSMS (and, when asked, a file server) on 127.0.0.1 for each test, and the managed chargers it started. */
export interface ManagedRig {
  /** This test's CSMS (fresh and listening in every test). */
  readonly csms: TestCsms;
  /** This test's HTTP file server (only with `useManagedRig({ files: true })`). */
  readonly files: FileServer;
  /** `managedCharger` on this test's CSMS; its services and charger stop after the test. */
  charger(options?: ManagedOptions): Promise<ManagedCharger>;
}

/**
 * Registers mocha hooks in the calling `describe`: before each test a new
 * TestCsms (then the file server) listens; after it, every managed charger
 * stops (firmware, diagnostics, charger) and the CSMS (then the file server)
 * closes. Hooks the suite adds after this call run after these.
 */
export function useManagedRig(options: { files?: boolean } = {}): ManagedRig {
  let csms: TestCsms | undefined;
  let files: FileServer | undefined;
  const started: ManagedCharger[] = [];
  beforeEach(async function () {
    csms = new TestCsms();
    await csms.listen();
    if (options.files) {
      files = new FileServer();
      await files.listen();
    }
  });
  afterEach(async function () {
    for (const m of started.splice(0)) {
      m.fm.firmware.stop();
      m.fm.diagnostics.stop();
      m.charger.stop();
    }
    await csms?.close();
    await files?.close();
    csms = undefined;
    files = undefined;
  });
  const rig: ManagedRig = {
    get csms(): TestCsms {
      if (!csms) throw new Error("the CSMS exists only while a test runs");
      return csms;
    },
    get files(): FileServer {
      if (!files)
        throw new Error(
          options.files ? "the file server exists only while a test runs" : "useManagedRig({ files: true }) for a file server",
        );
      return files;
    },
    async charger(chargerOptions = {}) {
      const m = await managedCharger(rig.csms, chargerOptions);
      started.push(m);
      return m;
    },
  };
  return rig;
}
