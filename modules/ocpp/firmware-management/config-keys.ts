/** Configuration key of the Firmware Management profile (reference §3.5, errata 3.88). */
import type { ConfigKeyDefinition } from "ocpp/core/configuration";

/** The value of SupportedFileTransferProtocols when the platform has TCP (the boot sets it). */
export const PROTOCOLS_WITH_FTP = "HTTP,HTTPS,FTP";

/** HTTP and HTTPS by default; FTP is added when the FTP client is wired in (no FTPS). */
export const FIRMWARE_KEYS: readonly ConfigKeyDefinition[] = Object.freeze([
  Object.freeze({
    name: "SupportedFileTransferProtocols",
    nvsKey: "fileXferProto",
    type: "csl",
    access: "R",
    default: "HTTP,HTTPS",
    volatile: true,
    allowedItems: Object.freeze(["FTP", "FTPS", "HTTP", "HTTPS"]),
    description: "File transfer protocols for UpdateFirmware and GetDiagnostics.",
  } as const),
]);
