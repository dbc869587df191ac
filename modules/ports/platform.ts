/**
 * Everything the core needs from the platform, handed over at boot.
 * Built by `platform/host`, `platform/moddable` or `platform/xsnap`.
 */
import type { Clock } from "ports/clock";
import type { FirmwareSlot } from "ports/firmware-update";
import type { FlashPartition } from "ports/flash";
import type { HttpClient } from "ports/http";
import type { KeyValueStore } from "ports/kv";
import type { LogSink } from "ports/log";
import type { TcpClient } from "ports/tcp";
import type { LoopDriver, Timers } from "ports/timers";
import type { WebSocketFactory } from "ports/websocket";

export interface Platform {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly loopDriver: LoopDriver;
  readonly kv: KeyValueStore;
  /** Opens a raw flash partition by name ("journal", "ocpplog"). */
  openFlash(partition: string): FlashPartition;
  readonly websocket: WebSocketFactory;
  readonly log: LogSink;
  /** HTTP(S) client for firmware downloads and diagnostics uploads; absent: no Firmware Management. */
  readonly http?: HttpClient;
  /** The inactive firmware image slot (OTA); absent: no Firmware Management. */
  readonly firmwareSlot?: FirmwareSlot;
  /** Plain TCP client (FTP transfers for Firmware Management); absent: HTTP(S) only. */
  readonly tcp?: TcpClient;
  /**
   * `length` bytes from a cryptographically strong source (the charge point's
   * key pair, SEC A02); absent: no key generation (SignChargePointCertificate NotImplemented).
   */
  randomBytes?(length: number): Uint8Array;
}
