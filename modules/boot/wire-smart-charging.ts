/**
 * Smart Charging profile: its keys, the service, its actions and
 * RemoteStartTransaction's TxProfile; the composite limit of each connector
 * goes to the loop through ocpp/smartcharging/limit-timer (which owns the
 * re-evaluation timer) once `start()` ran; transaction start (permission
 * given) and end told to the service.
 */
import type { Logger } from "ports/log";
import type { Platform } from "ports/platform";
import type { ControlLoop } from "connector/loop";
import type { ChargePoint } from "ocpp/charge-point";
import { SmartChargingService, type ActiveTransaction } from "ocpp/smartcharging/smart-charging-service";
import { SMART_CHARGING_KEYS } from "ocpp/smartcharging/config-keys";
import { attachSmartChargingActions } from "ocpp/smartcharging/actions";
import { acceptRemoteStartChargingProfile } from "ocpp/smartcharging/remote-start-profile";
import { LimitTimer } from "ocpp/smartcharging/limit-timer";
import type { LoopHardware } from "boot/hardware-adapter";

export interface SmartChargingWiringOptions {
  chargePoint: ChargePoint;
  hardware: LoopHardware;
  loop: ControlLoop;
  /** Its timers are the firmware's tracked ones. */
  platform: Platform;
  log: Logger;
}

export interface WiredSmartCharging {
  readonly service: SmartChargingService;
  /** Prunes stale TxProfiles and applies the limits from now on (after the loop and charge point started). */
  start(): void;
  /** No more limits applied (the timers are stopped with the firmware's). */
  stop(): void;
}

export function wireSmartCharging(options: SmartChargingWiringOptions): WiredSmartCharging {
  const { chargePoint, hardware, loop, platform } = options;
  const config = chargePoint.config;
  config.declareMissing(SMART_CHARGING_KEYS);

  const startedAt = new Map<number, number>();
  let maxConnectorA = 0;
  for (const connector of loop.connectors) if (connector.hardwareMaxA > maxConnectorA) maxConnectorA = connector.hardwareMaxA;
  const limits = new LimitTimer({ connectors: hardware.connectors, timers: platform.timers, clock: platform.clock });
  const smartCharging = new SmartChargingService({
    numberOfConnectors: hardware.connectors.length,
    kv: platform.kv,
    transactions: {
      activeTransaction: (connectorId): ActiveTransaction | undefined => {
        const tx = chargePoint.transactions.transactionOn(connectorId);
        if (!tx) return undefined;
        return { transactionId: tx.transactionId, startUtcMs: startedAt.get(connectorId) ?? platform.clock.utcMs() };
      },
    },
    connectorMaxCurrentA: maxConnectorA,
    onLimitChanged: () => limits.apply(),
    log: options.log,
  });
  attachSmartChargingActions(chargePoint.engine, { service: smartCharging, clock: platform.clock });
  chargePoint.remoteStartProfile = (connectorId, profile) =>
    acceptRemoteStartChargingProfile(smartCharging, connectorId, profile, platform.clock.utcMs()) === "Accepted";
  hardware.onPermission((connectorId, permitted) => {
    if (!permitted || startedAt.has(connectorId) || !chargePoint.transactions.hasTransaction(connectorId)) return;
    const now = platform.clock.utcMs();
    startedAt.set(connectorId, now);
    smartCharging.onTransactionStarted(connectorId, now);
  });
  chargePoint.transactions.onTransactionEnded((connectorId) => {
    startedAt.delete(connectorId);
    smartCharging.onTransactionEnded(connectorId);
  });

  return {
    service: smartCharging,
    start(): void {
      smartCharging.pruneTxProfiles();
      limits.start(smartCharging);
    },
    stop(): void {
      limits.stop();
    },
  };
}
