/**
 * The client Firmware Management downloads and uploads with: HTTP(S), and
 * ftp:// locations too when the platform has plain TCP.
 */
import type { HttpClient } from "ports/http";
import type { TcpClient } from "ports/tcp";
import type { Timers } from "ports/timers";
import { FtpClient } from "ocpp/firmware-management/ftp-client";
import { FtpAndHttpClient } from "ocpp/firmware-management/ftp-transfer";

export function fileTransferClient(http: HttpClient, tcp: TcpClient | undefined, timers: Timers): HttpClient {
  return tcp ? new FtpAndHttpClient(http, new FtpClient({ tcp, timers })) : http;
}
