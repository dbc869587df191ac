/**
 * A TestCharger (tests/ocpp/harness) with Firmware Management and Remote
 * Trigger attached before it starts, over the Node HTTP client and a
 * simulated firmware slot.
 */
import type { KeyValueStore } from "ports/kv";
import { SimFirmwareSlot } from "platform/common/sim-firmware-slot";
import { NodeHttpClient } from "platform/host/http-node";
import { attachFirmwareManagement, type FirmwareManagement } from "ocpp/firmware/charge-point-wiring";
import { registerTriggerActions } from "ocpp/trigger/register";
import { chargePointTriggerTargets } from "ocpp/trigger/charge-point-targets";
import type { DiagnosticsSource } from "ocpp/firmware/diagnostics-service";
import { TestCharger, waitFor, type FakeHardware, type TestCsms } from "../ocpp/harness.ts";

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
  result.fm = attachFirmwareManagement({
    chargePoint: charger.cp,
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
  registerTriggerActions(
    charger.cp.engine,
    chargePointTriggerTargets({
      chargePoint: charger.cp,
      connectors: charger.hardware.connectors,
      boot: { chargePointVendor: "OpenEVSE", chargePointModel: "TestModel", firmwareVersion: "0.1.0" },
      firmware: result.fm.firmware,
      diagnostics: result.fm.diagnostics,
    }),
  );
  // Counted from here: a charger booted again on the same CSMS (a reboot) must send its own statuses.
  const statusesBefore = csms.calls("StatusNotification").length;
  charger.start();
  if (options.waitBooted !== false) {
    const n = charger.hardware.connectors.length;
    await waitFor("boot and statuses", () => charger.cp.engine.accepted && csms.calls("StatusNotification").length >= statusesBefore + n + 1);
  }
  return result;
}

/** Statuses of a notification action, in the order the CSMS got them. */
export function statusesOf(csms: TestCsms, action: string): string[] {
  return csms.calls(action).map((c) => String(c.params.status));
}
