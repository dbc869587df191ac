/**
 * What the Security white paper's handlers and messages reach: the one
 * object they are registered with (./actions.ts), built by
 * ./attach.ts.
 */
import type { Clock } from "ports/clock";
import type { Logger } from "ports/log";
import type { Timers } from "ports/timers";
import type { OcppEngine } from "ocpp/rpc/engine";
import type { ConfigurationRegistry } from "ocpp/core/configuration";
import type { ConnectionService } from "ocpp/core/connection-service";
import type { ConnectionSettings } from "ocpp/core/connection-settings";
import type { FirmwareService } from "ocpp/firmware-management/firmware-service";
import type { TriggerTargets } from "ocpp/trigger/types";
import type { CertificateStore } from "./certificate-store";
import type { ChargePointIdentity } from "./charge-point-identity";
import type { LogService } from "./log-service";
import type { SecurityEventService } from "./security-event-service";

export interface SecurityContext {
  /** SignCertificate goes out through it. */
  engine: Pick<OcppEngine, "call">;
  config: ConfigurationRegistry;
  clock: Clock;
  timers: Timers;
  connection: Pick<ConnectionService, "reconnect">;
  /** The object the charge point resolves its connection from (SecurityProfile, CA list, client credentials). */
  settings: ConnectionSettings;
  log: Logger;
  events: SecurityEventService;
  certificates: CertificateStore;
  identity: ChargePointIdentity;
  /** GetLog; undefined without an HTTP client (GetLog is then not registered). */
  logs: LogService | undefined;
  /** Firmware Management's service; undefined without it (SignedUpdateFirmware is then not registered). */
  firmware: FirmwareService | undefined;
  /** The Remote Trigger targets, which ExtendedTriggerMessage serves too. */
  trigger: TriggerTargets;
  /** The charge point's serial: the CN of its certificate requests. */
  deviceName: string;
}

/** UTC now, undefined while the clock is not set (certificate validity is then not checked). */
export function syncedUtcMs(clock: Pick<Clock, "isSynced" | "utcMs">): number | undefined {
  return clock.isSynced() ? clock.utcMs() : undefined;
}

/** The connection runs over TLS: security profile 2 or 3. */
export function tlsInUse(settings: Pick<ConnectionSettings, "securityProfile">): boolean {
  return settings.securityProfile !== undefined && settings.securityProfile >= 2;
}
