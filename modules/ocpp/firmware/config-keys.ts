/** Configuration key of the Firmware Management profile (reference §3.5, errata 3.88). */
import type { ConfigKeyDefinition } from "ocpp/core/configuration";

/** HTTP and HTTPS only: there is no FTP client yet (ftp:// diagnostics end in UploadFailed). */
export const FIRMWARE_KEYS: readonly ConfigKeyDefinition[] = [
  {
    name: "SupportedFileTransferProtocols",
    nvsKey: "fileXferProto",
    type: "csl",
    access: "R",
    default: "HTTP,HTTPS",
    volatile: true,
    allowedItems: ["FTP", "FTPS", "HTTP", "HTTPS"],
    description: "File transfer protocols for UpdateFirmware and GetDiagnostics.",
  },
];
