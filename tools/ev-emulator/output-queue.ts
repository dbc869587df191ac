/**
 * Bytes waiting for a sink that takes only so many at a time (a UART's
 * transmit FIFO: Moddable's esp32 `serial.write` throws beyond its free
 * room, which `onWritable` reports). Bounded: droppable lines are refused
 * once `limitBytes` wait, other lines are always queued.
 */
export class OutputQueue {
  readonly #limitBytes: number;
  readonly #chunks: Uint8Array[] = [];
  #offset = 0;
  #pending = 0;
  /** Droppable lines refused because the queue was full. */
  dropped = 0;

  constructor(limitBytes: number) {
    this.#limitBytes = limitBytes;
  }

  get pendingBytes(): number {
    return this.#pending;
  }

  /** Queues `bytes`; false when droppable and the queue is full. */
  push(bytes: Uint8Array, droppable: boolean): boolean {
    if (droppable && this.#pending + bytes.length > this.#limitBytes) {
      this.dropped++;
      return false;
    }
    this.#chunks.push(bytes);
    this.#pending += bytes.length;
    return true;
  }

  /** Hands up to `roomBytes` to `write` (in order, possibly cut); returns the bytes written. */
  drain(roomBytes: number, write: (bytes: Uint8Array) => void): number {
    let written = 0;
    while (this.#chunks.length > 0 && written < roomBytes) {
      const head = this.#chunks[0];
      const size = Math.min(roomBytes - written, head.length - this.#offset);
      write(head.subarray(this.#offset, this.#offset + size));
      written += size;
      this.#offset += size;
      if (this.#offset === head.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    this.#pending -= written;
    return written;
  }
}
