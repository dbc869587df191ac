/**
 * OcppFrameLog: every OCPP frame in and out, on a FlashRing (API skeleton).
 */
import type { Clock } from "ports/clock";
import type { KeyValueStore } from "ports/kv";
import type { FlashRing } from "storage/flash-ring";

export type FrameDirection = "in" | "out";

export class OcppFrameLog {
  constructor(_ring: FlashRing, _clock: Clock, _kv: KeyValueStore) {}
  record(_direction: FrameDirection, _action: string, _frame: string): void {}
  setVerboseFor(_hours = 24): void {}
  get verbose(): boolean {
    return false;
  }
  forEach(_visitor: (seq: number, line: string) => void): void {}
  exportText(): string {
    return "";
  }
}
