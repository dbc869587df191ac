/** Configuration keys of the Security white paper [SEC §7, reference §3.6]. */
import type { ConfigKeyDefinition } from "ocpp/core/configuration";

/** Most root certificates kept: each is one NVS blob of at most 4000 bytes. */
export const CERTIFICATE_STORE_MAX = 4;

/**
 * The keys as a constant table (flash on the board). SecurityProfile is only raised, each step with
 * what it needs [SEC A05]: that rule depends on the running firmware and is added with
 * `ConfigurationRegistry.guard` (ocpp/security/attach).
 */
export const SECURITY_KEYS: readonly ConfigKeyDefinition[] = Object.freeze([
  Object.freeze({
    name: "SecurityProfile",
    nvsKey: "SecProfile",
    type: "integer",
    access: "RW",
    default: 0,
    min: 0,
    max: 3,
    description:
      "security profile in use (0 none, 1 Basic over ws://, 2 Basic over wss://, 3 TLS client certificate over wss://); only raised; a ws:// URL is taken as wss:// from 2 on",
  } as const),
  Object.freeze({
    name: "CpoName",
    nvsKey: "CpoName",
    type: "string",
    access: "RW",
    default: "",
    maxLength: 64,
    description:
      "organisation (O) put in the subject of the charge point's certificate request; SignChargePointCertificate is Rejected while empty",
  } as const),
  Object.freeze({
    name: "CertificateSignedMaxChainSize",
    nvsKey: "CertSignedMax",
    type: "integer",
    access: "R",
    default: 10000,
    volatile: true,
    description: "most characters of CertificateSigned.certificateChain (longer: Rejected)",
  } as const),
  Object.freeze({
    name: "CertificateStoreMaxLength",
    nvsKey: "CertStoreMax",
    type: "integer",
    access: "R",
    default: CERTIFICATE_STORE_MAX,
    volatile: true,
    description: "most root certificates installed (CentralSystemRoot and ManufacturerRoot together)",
  } as const),
  Object.freeze({
    name: "AdditionalRootCertificateCheck",
    nvsKey: "AddRootCertChk",
    type: "boolean",
    access: "R",
    default: false,
    volatile: true,
    description:
      "false: a new CentralSystemRootCertificate need not be signed by the old one (the M05 replacement rules are not implemented)",
  } as const),
]);
