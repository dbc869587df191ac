/**
 * A simulated UART/RS-485 link: what the driver writes goes to a simulated
 * device at once; what the device answers waits in a bounded queue until
 * the driver reads it (optionally a few bytes per read, to exercise frame
 * reassembly). Firmware-clean: usable by the simulated board too.
 */
import type { SerialBus } from "hal/bus";

export interface SimSerialDevice {
  /** Called with each block of bytes the driver writes. */
  receive(bytes: Uint8Array, link: SimSerialLink): void;
}

export class SimSerialLink implements SerialBus {
  /** The device on the other end (none: nothing answers). */
  device: SimSerialDevice | undefined;
  /** At most this many bytes per `read` call. */
  maxBytesPerRead = 1 << 30;
  /** Writes seen (one Modbus request each). */
  writes = 0;
  closed = false;
  #queue: Uint8Array;
  #head = 0;
  #length = 0;

  constructor(device?: SimSerialDevice, capacity = 1024) {
    this.device = device;
    this.#queue = new Uint8Array(capacity);
  }

  /** Bytes waiting for the driver. */
  get available(): number {
    return this.#length;
  }

  write(bytes: Uint8Array): void {
    if (this.closed) throw new Error("serial port closed");
    this.writes++;
    this.device?.receive(bytes, this);
  }

  read(into: Uint8Array, offset: number): number {
    let count = Math.min(this.#length, into.length - offset, this.maxBytesPerRead);
    if (count < 0) count = 0;
    const queue = this.#queue;
    for (let i = 0; i < count; i++) {
      into[offset + i] = queue[this.#head];
      this.#head = (this.#head + 1) % queue.length;
    }
    this.#length -= count;
    return count;
  }

  /** Device side: queues bytes for the driver (bytes beyond capacity are lost, as in a UART FIFO overrun). */
  push(bytes: ArrayLike<number>, count = bytes.length): void {
    const queue = this.#queue;
    for (let i = 0; i < count && this.#length < queue.length; i++) {
      queue[(this.#head + this.#length) % queue.length] = bytes[i] & 0xff;
      this.#length++;
    }
  }

  close(): void {
    this.closed = true;
  }
}
