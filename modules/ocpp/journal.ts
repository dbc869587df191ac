/**
 * The transaction-message journal the OCPP engine writes to before sending
 * (same shape as storage/flash-queue's FlashQueue): durable when `push`
 * returns, oldest first, recovered on construction after a power cut.
 * Sequence numbers must grow across reboots.
 */
export interface TransactionJournal {
  /** Appends a record; durable when it returns; throws when full. */
  push(record: string): number;
  /** The oldest record, or undefined when empty. */
  peek(): { seq: number; record: string } | undefined;
  /** Removes the oldest record, which must have `seq`. */
  pop(seq: number): void;
  readonly size: number;
  readonly capacityBytes: number;
  readonly freeBytes: number;
}

/** In-memory journal for tests and as a stand-in until flash is wired. */
export class MemoryJournal implements TransactionJournal {
  #records: Array<{ seq: number; record: string }> = [];
  #nextSeq = 1;
  readonly capacityBytes: number;

  constructor(capacityBytes = 64 * 1024) {
    this.capacityBytes = capacityBytes;
  }

  get size(): number {
    return this.#records.length;
  }

  get freeBytes(): number {
    let used = 0;
    for (const r of this.#records) used += r.record.length + 16;
    return Math.max(0, this.capacityBytes - used);
  }

  push(record: string): number {
    if (record.length + 16 > this.freeBytes) throw new Error("journal full");
    const seq = this.#nextSeq++;
    this.#records.push({ seq, record });
    return seq;
  }

  peek(): { seq: number; record: string } | undefined {
    return this.#records[0];
  }

  pop(seq: number): void {
    if (this.#records.length > 0 && this.#records[0].seq === seq) this.#records.shift();
  }
}
