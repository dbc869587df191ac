/**
 * The bench link's stream on lin in listen mode (`OXS_BENCH_LINK_LISTEN`):
 * the firmware waits on 127.0.0.1:PORT for the bench host, as a board on a
 * bench waits on its serial line, so a lin process started on its own stands
 * in for a board (`npm start -- --rig tcp:127.0.0.1:PORT`). One host at a
 * time: a new connection replaces the old one. Sockets are ours (host.c):
 * the SDK's lin Listener binds every interface. Polled by a timer of its own.
 */
import type { ByteStream, ByteStreamEvents } from "ports/byte-stream";
import type { TimerHandle, Timers } from "ports/timers";
import { acceptConnection, closeSocket, listenLoopback, receive, sendSome } from "platform/moddable/lin/host";

const POLL_MS = 20;
const READ_BUFFER_BYTES = 2048;

export class LoopbackListenStream implements ByteStream {
  readonly maxPendingBytes = 64 * 1024;
  readonly #port: number;
  readonly #timers: Timers;
  readonly #readBuffer = new Uint8Array(READ_BUFFER_BYTES);
  readonly #queue: Uint8Array[] = [];
  #queueOffset = 0;
  #pending = 0;
  #listener = -1;
  #peer = -1;
  #timer: TimerHandle | undefined;
  #events: ByteStreamEvents | undefined;

  constructor(port: number, timers: Timers) {
    this.#port = port;
    this.#timers = timers;
  }

  get pending(): number {
    return this.#pending;
  }

  /** Listens on 127.0.0.1 (throws when the port is taken). */
  start(events: ByteStreamEvents): void {
    this.#listener = listenLoopback(this.#port);
    this.#events = events;
    this.#timer = this.#timers.every(() => this.#poll(), POLL_MS);
  }

  write(bytes: Uint8Array): void {
    if (this.#peer < 0 || bytes.length === 0) return;
    this.#queue.push(bytes);
    this.#pending += bytes.length;
    this.#flush();
  }

  stop(): void {
    this.#events = undefined;
    if (this.#timer !== undefined) this.#timers.clear(this.#timer);
    this.#timer = undefined;
    this.#dropPeer();
    if (this.#listener >= 0) closeSocket(this.#listener);
    this.#listener = -1;
  }

  #poll(): void {
    const accepted = acceptConnection(this.#listener);
    if (accepted >= 0) {
      if (this.#peer >= 0) this.#lost("replaced by a new host connection");
      this.#peer = accepted;
      this.#events?.onOpen();
    }
    const buffer = this.#readBuffer;
    while (this.#peer >= 0 && this.#events) {
      const peer = this.#peer;
      const count = receive(peer, buffer.buffer as ArrayBuffer, 0, buffer.length);
      if (count < 0) {
        this.#lost("closed by the host");
        return;
      }
      if (count === 0) break;
      this.#events.onData(buffer.subarray(0, count));
    }
    this.#flush();
  }

  #flush(): void {
    const queue = this.#queue;
    while (this.#peer >= 0 && queue.length > 0) {
      const head = queue[0];
      const count = sendSome(this.#peer, head.buffer as ArrayBuffer, head.byteOffset + this.#queueOffset, head.length - this.#queueOffset);
      if (count < 0) {
        this.#lost("closed by the host");
        return;
      }
      if (count === 0) return; // the socket is full: the next poll goes on
      this.#queueOffset += count;
      this.#pending -= count;
      if (this.#queueOffset === head.length) {
        queue.shift();
        this.#queueOffset = 0;
      }
    }
  }

  #dropPeer(): void {
    if (this.#peer >= 0) closeSocket(this.#peer);
    this.#peer = -1;
    this.#queue.length = 0;
    this.#queueOffset = 0;
    this.#pending = 0;
  }

  #lost(why: string): void {
    this.#dropPeer();
    this.#events?.onClose(why);
  }
}
