/**
 * FlashQueue: a persistent FIFO of text records on a raw flash partition
 * (API skeleton; the implementation follows). See docs/storage.md.
 */
import type { FlashPartition } from "ports/flash";

/** Thrown by push when the journal has no room: undelivered records are never overwritten. */
export class QueueFullError extends Error {
  constructor(message = "flash queue full") {
    super(message);
    this.name = "QueueFullError";
  }
}

export interface FlashQueueOptions {
  /** Compress records (default true). */
  compress?: boolean;
}

export class FlashQueue {
  constructor(_flash: FlashPartition, _options?: FlashQueueOptions) {}
  push(_record: string): number {
    throw new Error("not implemented");
  }
  peek(): { seq: number; record: string } | undefined {
    return undefined;
  }
  pop(_seq: number): void {}
  get size(): number {
    return 0;
  }
  get capacityBytes(): number {
    return 0;
  }
  get freeBytes(): number {
    return 0;
  }
}
