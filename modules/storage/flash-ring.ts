/**
 * FlashRing: a bounded, reboot-proof log of text entries on a flash
 * partition (API skeleton; the implementation follows). See docs/storage.md.
 */
import type { FlashPartition } from "ports/flash";

export class FlashRing {
  constructor(_flash: FlashPartition) {}
  append(_entry: string): void {}
  forEach(_visitor: (seq: number, entry: string) => void): void {}
  clear(): void {}
  get usedBytes(): number {
    return 0;
  }
}
