/**
 * TriggerTargets over the ChargePoint's services: what each triggered
 * message carries now (no history) [reference §4.12].
 *
 * StatusNotification goes through StatusService.send (current status, error
 * code and info). A triggered boot (only before Accepted) goes through
 * `bootNow` (RegistrationService.bootNow, so the answer is handled) when
 * given, else straight through the engine.
 */
import type { BootNotificationReq, MeterValuesReq } from "ocpp/generated/ocpp16";
import type { ChargePoint } from "ocpp/charge-point";
import { newMeterSample, type ChargePointConnector } from "ocpp/charge-point-hw";
import { buildMeterValue } from "ocpp/core/metering";
import type { TriggerTargets } from "./types";
import { parseIsoUtcMsLenient } from "util/iso8601";

export interface ChargePointTargetsOptions {
  chargePoint: Pick<ChargePoint, "engine" | "registration" | "status" | "config" | "time" | "transactions" | "log">;
  connectors: readonly ChargePointConnector[];
  /** The BootNotification request of this boot. */
  boot: BootNotificationReq;
  /** Sends BootNotification through the registration service (preferred when it exists). */
  bootNow?: () => void;
  /** From Firmware Management, when built in. */
  firmware?: { sendTriggeredStatus(): void };
  diagnostics?: { sendTriggeredStatus(): void };
}

const TRIGGERED = { beforeAccepted: true } as const;

export function chargePointTriggerTargets(options: ChargePointTargetsOptions): TriggerTargets {
  const cp = options.chargePoint;
  const sample = newMeterSample();
  const warn =
    (what: string) =>
    (error: Error): void =>
      cp.log.warn(`triggered ${what} failed: ${error.message}`);
  const targets: TriggerTargets = {
    connectorCount: options.connectors.length,
    canSendBootNotification: () => cp.registration.status !== "Accepted",
    sendBootNotification: () => {
      if (options.bootNow) options.bootNow();
      else cp.engine.call("BootNotification", options.boot, { beforeAccepted: true, priority: true }).catch(warn("BootNotification"));
    },
    sendHeartbeat: () => {
      cp.engine.call<{ currentTime: string }>("Heartbeat", {}, TRIGGERED).then((conf) => {
        const utc = parseIsoUtcMsLenient(conf.currentTime);
        if (Number.isFinite(utc)) cp.time.clock.setUtc(utc, "ocpp");
      }, warn("Heartbeat"));
    },
    sendStatusNotification: (connectorId) => {
      if (!cp.status.send(connectorId)) cp.log.warn(`triggered StatusNotification ${connectorId} not sent (offline)`);
    },
    sendMeterValues: (connectorId) => {
      const connector = options.connectors[connectorId - 1];
      if (connector === undefined) return false;
      connector.readMeter(sample);
      if (!sample.ok) return false;
      const measurands = cp.config.list("MeterValuesSampledData");
      const value = buildMeterValue(cp.time.iso(cp.time.now()), measurands, sample, connector.offeredA(), "Trigger");
      if (value.sampledValue.length === 0) return false;
      const request: MeterValuesReq = { connectorId, meterValue: [value] as MeterValuesReq["meterValue"] };
      const transactionId = cp.transactions.transactionOn(connectorId)?.transactionId;
      if (transactionId !== undefined) request.transactionId = transactionId;
      cp.engine.call("MeterValues", request, TRIGGERED).catch(warn("MeterValues"));
      return true;
    },
  };
  const firmware = options.firmware;
  const diagnostics = options.diagnostics;
  if (firmware) targets.sendFirmwareStatus = () => firmware.sendTriggeredStatus();
  if (diagnostics) targets.sendDiagnosticsStatus = () => diagnostics.sendTriggeredStatus();
  return targets;
}
