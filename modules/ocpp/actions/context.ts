/** What the Core action handlers reach: the services, never frames. */
import type { Logger } from "ports/log";
import type { ChargePointHardware } from "ocpp/charge-point-hw";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import type { AuthorizationService } from "ocpp/core/authorization";
import type { AvailabilityService } from "ocpp/core/availability";
import type { SessionService } from "ocpp/core/sessions";
import type { TransactionService } from "ocpp/core/transactions";
import type { ConnectionService } from "ocpp/core/connection";
import type { AuthKeyRecovery } from "ocpp/core/auth-key-recovery";

/** A vendor's DataTransfer handler, by vendorId. */
export type DataTransferHandler = (
  messageId: string | undefined,
  data: string | undefined,
) => { status: "Accepted" | "Rejected" | "UnknownMessageId"; data?: string };

export interface CoreContext {
  engine: OcppEngine;
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
  remoteStartProfile?: (connectorId: number, profile: unknown) => boolean;
}
