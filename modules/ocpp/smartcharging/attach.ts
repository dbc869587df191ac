/**
 * The Smart Charging profile on the charge point: its keys, the service,
 * its actions and RemoteStartTransaction's TxProfile; the composite limit
 * of each connector goes to the connector through ./limit-timer (which owns
 * the re-evaluation timer) once `start()` ran; transaction start (energy
 * permission given) and end told to the service.
 */
import type { Clock } from "ports/clock";
import type { KeyValueStore } from "ports/kv";
import type { Logger } from "ports/log";
import type { Timers } from "ports/timers";
import type { ChargePoint } from "ocpp/charge-point";
import { SMART_CHARGING_KEYS } from "./config-keys";
import { LimitTimer, type ConnectorLimitPort } from "./limit-timer";
import { acceptRemoteStartChargingProfile } from "./remote-start-profile";
import { SmartChargingService, type ActiveTransaction } from "./smart-charging-service";
import { attachSmartChargingActions } from "./actions";

export interface SmartChargingDeps {
  /** Connectors 1..n: where each one's limit goes. */
  connectors: readonly ConnectorLimitPort[];
  /** The highest current any connector's hardware allows, A per phase (the composite where no profile limits). */
  connectorMaxCurrentA: number;
  /**
   * Subscribes to the connectors' energy permission (the board: LoopHardware.onPermission): for
   * its TxProfile a transaction starts when the permission is first given while it runs.
   */
  onPermission(listener: (connectorId: number, permitted: boolean) => void): void;
  kv: KeyValueStore;
  clock: Clock;
  timers: Timers;
  log: Logger;
}

export interface SmartCharging {
  readonly service: SmartChargingService;
  /** Prunes stale TxProfiles and applies the limits from now on (after the loop and charge point started). */
  start(): void;
  /** No more limits applied (the timers are stopped with the firmware's). */
  stop(): void;
}

export function attachSmartCharging(
  chargePoint: Pick<ChargePoint, "engine" | "config" | "transactions" | "remoteStartProfile">,
  deps: SmartChargingDeps,
): SmartCharging {
  const { clock, connectors } = deps;
  chargePoint.config.declareMissing(SMART_CHARGING_KEYS);

  const startedAt = new Map<number, number>();
  const limits = new LimitTimer({ connectors, timers: deps.timers, clock });
  const service = new SmartChargingService({
    numberOfConnectors: connectors.length,
    kv: deps.kv,
    transactions: {
      activeTransaction: (connectorId): ActiveTransaction | undefined => {
        const tx = chargePoint.transactions.transactionOn(connectorId);
        if (!tx) return undefined;
        return { transactionId: tx.transactionId, startUtcMs: startedAt.get(connectorId) ?? clock.utcMs() };
      },
    },
    connectorMaxCurrentA: deps.connectorMaxCurrentA,
    onLimitChanged: () => limits.apply(),
    log: deps.log,
  });
  attachSmartChargingActions(chargePoint.engine, { service, clock });
  chargePoint.remoteStartProfile = (connectorId, profile) =>
    acceptRemoteStartChargingProfile(service, connectorId, profile, clock.utcMs()) === "Accepted";
  deps.onPermission((connectorId, permitted) => {
    if (!permitted || startedAt.has(connectorId) || !chargePoint.transactions.hasTransaction(connectorId)) return;
    const now = clock.utcMs();
    startedAt.set(connectorId, now);
    service.onTransactionStarted(connectorId, now);
  });
  chargePoint.transactions.onTransactionEnded((connectorId) => {
    startedAt.delete(connectorId);
    service.onTransactionEnded(connectorId);
  });

  return {
    service,
    start(): void {
      service.pruneTxProfiles();
      limits.start(service);
    },
    stop(): void {
      limits.stop();
    },
  };
}
