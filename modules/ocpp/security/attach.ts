/**
 * The Security white paper on the charge point: security events and log,
 * root certificates (the CentralSystemRootCertificates become the wss:// CA
 * list of the connection settings), the SecurityProfile key with its A05
 * rules, ExtendedTriggerMessage over the Remote Trigger targets, and GetLog
 * when the platform has an HTTP client.
 */
import type { FlashPartition } from "ports/flash";
import type { HttpClient } from "ports/http";
import type { KeyValueStore } from "ports/kv";
import type { Timers } from "ports/timers";
import type { ChargePoint } from "ocpp/charge-point";
import type { ConnectionSettings } from "ocpp/core/connection-settings";
import { textSource, type DiagnosticsSource } from "ocpp/firmware-management/diagnostics-service";
import type { TriggerTargets } from "ocpp/trigger/types";
import type { FirmwareService } from "ocpp/firmware-management/firmware-service";
import { FlashRing } from "storage/flash-ring";
import { CertificateStore } from "./certificate-store";
import { ChargePointIdentity } from "./charge-point-identity";
import { SECURITY_KEYS } from "./config-keys";
import { LogService } from "./log-service";
import { MemorySecurityLog, SecurityEventService, type SecurityLogStore } from "./security-event-service";
import { attachSecurityActions } from "./actions";
import type { SecurityContext } from "./context";

export interface SecurityDeps {
  /** The object the charge point resolves its connection from (CA list and profile are set in it). */
  connectionSettings: ConnectionSettings;
  kv: KeyValueStore;
  timers: Timers;
  /** The "seclog" partition; undefined: a RAM log (lost at reboot). */
  logFlash?: FlashPartition;
  http?: HttpClient;
  deviceName: string;
  firmwareVersion: string;
  triggerTargets: TriggerTargets;
  /** The OCPP frame log, the DiagnosticsLog of GetLog. */
  frameLogText?: () => string;
  /** Firmware Management's service: SignedUpdateFirmware runs through it when present. */
  firmware?: FirmwareService;
  /** The platform's strong random bytes (the charge point key pair); absent: no SignChargePointCertificate. */
  randomBytes?: (length: number) => Uint8Array;
}

export interface Security {
  readonly events: SecurityEventService;
  readonly certificates: CertificateStore;
  readonly identity: ChargePointIdentity;
  readonly logs?: LogService;
  stop(): void;
}

export function attachSecurity(
  cp: Pick<ChargePoint, "engine" | "registration" | "config" | "time" | "connection" | "log">,
  deps: SecurityDeps,
): Security {
  const config = cp.config;
  const settings = deps.connectionSettings;
  const log = cp.log.child("security");
  let store: SecurityLogStore;
  try {
    store = deps.logFlash ? new FlashRing(deps.logFlash) : new MemorySecurityLog();
  } catch (error) {
    log.error(`security log partition unusable (${(error as Error).message}): RAM log`);
    store = new MemorySecurityLog();
  }
  if (!deps.logFlash) log.warn("no seclog flash partition: the security log is kept in RAM only");
  const events = new SecurityEventService({ engine: cp.engine, time: cp.time, kv: deps.kv, log, store });
  cp.registration.onAccepted(() => events.accepted());

  const certificates = new CertificateStore({
    kv: deps.kv,
    maxCount: () => config.int("CertificateStoreMaxLength"),
    nowUtcMs: () => (cp.time.clock.isSynced() ? cp.time.clock.utcMs() : undefined),
  });
  const builtInCas = settings.caCertificates.slice();
  const updateCas = (): void => {
    settings.caCertificates = builtInCas.concat(certificates.pems("CentralSystemRootCertificate"));
  };
  updateCas();
  certificates.onChange(updateCas);

  // The charge point certificate and key [SEC A02]: TLS client credentials of profile 3.
  const identity = new ChargePointIdentity({ kv: deps.kv, randomBytes: deps.randomBytes });
  const updateClient = (): void => {
    const credentials = identity.credentials();
    settings.clientCertificates = credentials?.certificates;
    settings.clientKey = credentials?.keyPem;
  };
  updateClient();
  identity.onChange(updateClient);

  // SecurityProfile [SEC A05, reference §4.14]: only raised, each step with what it needs (the
  // persisted value at boot is taken as it is: the guard applies from then on).
  const hasPassword = (): boolean =>
    config.string("AuthorizationKey") !== "" || settings.chargerPassword !== "" || settings.installationInitialPassword !== "";
  const allows = (profile: number): boolean => {
    if (profile <= config.int("SecurityProfile")) return false;
    if ((profile === 1 || profile === 2) && !hasPassword()) return false;
    if (profile >= 2 && settings.caCertificates.length === 0) return false;
    return profile < 3 || identity.hasCertificate; // 3 needs a charge point certificate and key
  };
  config.declareMissing(SECURITY_KEYS);
  config.guard("SecurityProfile", (value) => allows(Number(value)));
  settings.securityProfile = config.int("SecurityProfile");
  config.onChange("SecurityProfile", (value) => {
    settings.securityProfile = Number(value);
    events.record("ReconfigurationOfSecurityParameters", `SecurityProfile ${String(value)}`);
    // After the ChangeConfiguration answer went out (the listener runs inside the handler).
    deps.timers.once(() => cp.connection.reconnect(), 1);
  });
  config.onChange("AuthorizationKey", () => events.record("ReconfigurationOfSecurityParameters", "AuthorizationKey changed"));

  let logs: LogService | undefined;
  if (deps.http) {
    const securitySource: DiagnosticsSource = textSource("security log", () => events.exportText());
    const diagnosticsSources: DiagnosticsSource[] = deps.frameLogText ? [textSource("OCPP frames", deps.frameLogText)] : [];
    logs = new LogService({
      engine: cp.engine,
      timers: deps.timers,
      clock: cp.time.clock,
      http: deps.http,
      log,
      deviceName: deps.deviceName,
      sources: { SecurityLog: [securitySource], DiagnosticsLog: diagnosticsSources },
      caCertificates: () => settings.caCertificates,
    });
  }
  const context: SecurityContext = {
    engine: cp.engine,
    config,
    clock: cp.time.clock,
    timers: deps.timers,
    connection: cp.connection,
    settings,
    log,
    events,
    certificates,
    identity,
    logs,
    firmware: deps.firmware,
    trigger: deps.triggerTargets,
    deviceName: deps.deviceName,
  };
  attachSecurityActions(cp.engine, context);

  // Boot events: the start, and a firmware other than the last boot's.
  const previous = deps.kv.get("secevent", "fwver");
  if (typeof previous === "string" && previous !== deps.firmwareVersion)
    events.record("FirmwareUpdated", `${previous} -> ${deps.firmwareVersion}`);
  if (previous !== deps.firmwareVersion) deps.kv.set("secevent", "fwver", deps.firmwareVersion.slice(0, 100));
  events.record("StartupOfTheDevice", `firmware ${deps.firmwareVersion}`);

  return {
    events,
    certificates,
    identity,
    logs,
    stop: () => logs?.stop(),
  };
}
