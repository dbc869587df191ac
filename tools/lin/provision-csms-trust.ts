// Security profile 2 provisioned into a charger's state dir the way a charger maker would on the
// esp32 build, through the firmware's own stores in NVS (nvs.json on lin): the CSMS's CA as the one
// CentralSystemRootCertificate (namespace "ocppcert", as InstallCertificate keeps it; the wss CA
// list of the connection) and the OCPP key SecurityProfile = 2 (namespace "ocppcfg"). The password
// (Basic auth inside TLS) is the `password` setting, written with the other settings.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationRegistry } from "ocpp/core/configuration";
import { CertificateStore } from "ocpp/security/certificate-store";
import { CERTIFICATE_STORE_MAX, SECURITY_KEYS } from "ocpp/security/config-keys";
import { FileKeyValueStore } from "platform/host/kv-file";

/** Security profile 2: Basic auth over wss, the server checked against the provisioned CA. */
export const TLS_SECURITY_PROFILE = 2;

/**
 * Makes `caPem` the charger's only CentralSystemRootCertificate (the firmware's TLS client trusts one
 * CA: the first installed; a throwaway CA of an earlier run is removed) and sets SecurityProfile 2.
 */
export function provisionCsmsTrust(stateDir: string, caPem: string): void {
  mkdirSync(stateDir, { recursive: true });
  const kv = new FileKeyValueStore(join(stateDir, "nvs.json"));
  const certificates = new CertificateStore({ kv, maxCount: () => CERTIFICATE_STORE_MAX, nowUtcMs: () => Date.now() });
  for (const hash of certificates.list("CentralSystemRootCertificate")) certificates.delete(hash);
  const installed = certificates.install("CentralSystemRootCertificate", caPem);
  if (installed.status !== "Accepted") throw new Error(`the CSMS's CA was not installed: ${installed.status} (${installed.reason})`);
  const config = new ConfigurationRegistry(kv);
  const profileKey = SECURITY_KEYS.find((key) => key.name === "SecurityProfile");
  if (!profileKey) throw new Error("no SecurityProfile key in the firmware's security keys");
  config.declare(profileKey);
  if (!config.setLocal("SecurityProfile", TLS_SECURITY_PROFILE)) throw new Error("SecurityProfile 2 was refused");
}
