/**
 * What the Core action handlers reach: the services, never frames. The
 * ChargePoint builds one CoreContext and registers every Core handler with
 * it (./actions.ts).
 */
import type { Logger } from "ports/log";
import type { Timers } from "ports/timers";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { TimeKeeper } from "./timestamps";
import type { ChargePointHardware } from "ocpp/charge-point-hw";
import type { RemoteStartTransactionReq } from "ocpp/generated/ocpp16";
import type { ConfigurationRegistry } from "./configuration";
import type { AuthorizationService } from "./authorization-service";
import type { AvailabilityService } from "./availability-service";
import type { SessionService } from "./session-service";
import type { TransactionService } from "./transaction-service";
import type { ConnectionService } from "./connection-service";
import type { AuthKeyRecovery } from "./auth-key-recovery";

/**
 * What the Core services are built on, one object the ChargePoint shares among
 * them: each keeps a reference to it rather than four fields of its own.
 */
export interface CoreServicePorts {
  readonly engine: OcppEngine;
  readonly timers: Timers;
  readonly config: ConfigurationRegistry;
  readonly time: TimeKeeper;
}

/** The chargingProfile of a RemoteStartTransaction.req. */
export type RemoteStartChargingProfile = NonNullable<RemoteStartTransactionReq["chargingProfile"]>;

/** A vendor's DataTransfer handler, by vendorId. */
export type DataTransferHandler = (
  messageId: string | undefined,
  data: string | undefined,
) => { status: "Accepted" | "Rejected" | "UnknownMessageId"; data?: string };

export interface CoreContext {
  log: Logger;
  hardware: ChargePointHardware;
  config: ConfigurationRegistry;
  auth: AuthorizationService;
  availability: AvailabilityService;
  sessions: SessionService;
  transactions: TransactionService;
  connection: ConnectionService;
  authKey: AuthKeyRecovery;
  dataTransfer: Map<string, DataTransferHandler>;
  /** Restart (after stopping transactions); the ChargePoint implements it. */
  reset(hard: boolean): void;
  /** A chargingProfile in RemoteStartTransaction (Smart Charging); false rejects the start. */
  remoteStartProfile?: (connectorId: number, profile: RemoteStartChargingProfile) => boolean;
}
