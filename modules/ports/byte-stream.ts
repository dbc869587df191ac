/**
 * Byte-stream port: a stream of bytes to one peer at a time over a transport
 * that (re)opens by itself: a TCP connection dialled or accepted, or a serial
 * line. The bench link (boot/bench/link) speaks over one.
 *
 * Event order: onOpen, then onData any number of times, then onClose; onOpen
 * again once a peer is there again. After stop() no event comes.
 */
export interface ByteStreamEvents {
  /** A peer is there: what is written now reaches it. */
  onOpen(): void;
  /** Bytes arrived; they are only valid during the call. */
  onData(bytes: Uint8Array): void;
  /** The peer went away (the stream waits for, or dials, the next one by itself). */
  onClose(why: string): void;
}

export interface ByteStream {
  /** Starts listening, dialling or reading; events follow. */
  start(events: ByteStreamEvents): void;
  /**
   * Queues `bytes` for the peer (dropped while none is there). The stream
   * keeps a reference until they are sent: do not change them meanwhile.
   */
  write(bytes: Uint8Array): void;
  /** Bytes queued and not yet handed to the transport. */
  readonly pending: number;
  /** Queued bytes above which a writer should drop what it can drop (the transport's budget). */
  readonly maxPendingBytes: number;
  /** Closes the peer and the transport; no events follow. */
  stop(): void;
}
