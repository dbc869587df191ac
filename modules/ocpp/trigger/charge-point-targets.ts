/**
 * TriggerTargets over the ChargePoint's services: what each triggered
 * message carries now (no history) [reference §4.12]. The messages are
 * built and sent by their own files (ocpp/core/Heartbeat.ts, ...).
 *
 * StatusNotification goes through StatusService.send (current status, error
 * code and info). A triggered boot (only before Accepted) goes through
 * RegistrationService.bootNow, so the answer is handled, when
 * `bootThroughRegistration`; else straight through the engine.
 */
import type { BootNotificationReq } from "ocpp/generated/ocpp16";
import type { ChargePoint } from "ocpp/charge-point";
import { newMeterSample, type ChargePointConnector, type ConnectorMeterSample } from "ocpp/charge-point-hw";
import { buildMeterValue } from "ocpp/core/metering";
import { TRIGGERED_BOOT_CALL, sendBootNotification } from "ocpp/core/BootNotification";
import { TRIGGERED_HEARTBEAT_CALL, sendHeartbeat } from "ocpp/core/Heartbeat";
import { TRIGGERED_METER_VALUES_CALL, buildMeterValuesRequest, sendMeterValues } from "ocpp/core/MeterValues";
import type { TriggerTargets } from "./types";

/** What the targets read and send through on the charge point. */
export type TriggerChargePoint = Pick<ChargePoint, "engine" | "registration" | "status" | "config" | "time" | "transactions" | "log">;

/** The connectors, this boot's BootNotification request and Firmware Management's services when built in. */
export interface TriggerDeps {
  connectors: readonly ChargePointConnector[];
  /** The BootNotification request of this boot. */
  boot: BootNotificationReq;
  /** From Firmware Management, when built in. */
  firmware?: { sendTriggeredStatus(): void };
  diagnostics?: { sendTriggeredStatus(): void };
}

/** The methods live on the prototype (flash on the board), not as closures made at boot. */
class ChargePointTriggerTargets implements TriggerTargets {
  readonly connectorCount: number;
  readonly #chargePoint: TriggerChargePoint;
  readonly #options: TriggerDeps;
  readonly #bootThroughRegistration: boolean;
  readonly #sample: ConnectorMeterSample = newMeterSample();
  sendDiagnosticsStatus?: () => void;
  sendFirmwareStatus?: () => void;

  constructor(chargePoint: TriggerChargePoint, options: TriggerDeps, bootThroughRegistration: boolean) {
    this.#chargePoint = chargePoint;
    this.#options = options;
    this.#bootThroughRegistration = bootThroughRegistration;
    this.connectorCount = options.connectors.length;
    const firmware = options.firmware;
    const diagnostics = options.diagnostics;
    if (firmware) this.sendFirmwareStatus = () => firmware.sendTriggeredStatus();
    if (diagnostics) this.sendDiagnosticsStatus = () => diagnostics.sendTriggeredStatus();
  }

  canSendBootNotification(): boolean {
    return this.#chargePoint.registration.status !== "Accepted";
  }

  sendBootNotification(): void {
    const cp = this.#chargePoint;
    if (this.#bootThroughRegistration) cp.registration.bootNow();
    else
      sendBootNotification(cp.engine, this.#options.boot, TRIGGERED_BOOT_CALL).catch((error: Error) =>
        this.#failed("BootNotification", error),
      );
  }

  sendHeartbeat(): void {
    const cp = this.#chargePoint;
    void sendHeartbeat(cp.engine, cp.time.clock, TRIGGERED_HEARTBEAT_CALL, (error) => this.#failed("Heartbeat", error)); // never rejects
  }

  sendStatusNotification(connectorId: number): void {
    const cp = this.#chargePoint;
    if (!cp.status.send(connectorId)) cp.log.warn(`triggered StatusNotification ${connectorId} not sent (offline)`);
  }

  sendMeterValues(connectorId: number): boolean {
    const cp = this.#chargePoint;
    const connector = this.#options.connectors[connectorId - 1];
    if (connector === undefined) return false;
    const sample = this.#sample;
    connector.readMeter(sample);
    if (!sample.ok) return false;
    const measurands = cp.config.list("MeterValuesSampledData");
    const value = buildMeterValue(cp.time.iso(cp.time.now()), measurands, sample, connector.offeredA(), "Trigger");
    if (value.sampledValue.length === 0) return false;
    const request = buildMeterValuesRequest(connectorId, [value], cp.transactions.transactionOn(connectorId)?.transactionId);
    sendMeterValues(cp.engine, request, TRIGGERED_METER_VALUES_CALL).catch((error: Error) => this.#failed("MeterValues", error));
    return true;
  }

  #failed(what: string, error: Error): void {
    this.#chargePoint.log.warn(`triggered ${what} failed: ${error.message}`);
  }
}

/** `bootThroughRegistration`: a triggered BootNotification goes through the charge point's registration service. */
export function chargePointTriggerTargets(
  chargePoint: TriggerChargePoint,
  deps: TriggerDeps,
  bootThroughRegistration = false,
): TriggerTargets {
  return new ChargePointTriggerTargets(chargePoint, deps, bootThroughRegistration);
}
