/**
 * Received bytes to lines: a line ends with `\n`, a `\r` before it is
 * dropped, blank lines are skipped. A line longer than the limit is thrown
 * away up to its newline and reported once, so one bad line never costs the
 * next one. Bytes are kept until the newline, so a UTF-8 character split
 * across two reads decodes whole.
 */
import { decodeUtf8 } from "util/utf8";

export interface LineEvents {
  onLine(line: string): void;
  /** A line was longer than `maxBytes`; it was dropped. */
  onTooLong(maxBytes: number): void;
}

export class LineFramer {
  readonly #buffer: Uint8Array;
  readonly #events: LineEvents;
  #length = 0;
  #tooLong = false;

  constructor(maxBytes: number, events: LineEvents) {
    this.#buffer = new Uint8Array(maxBytes);
    this.#events = events;
  }

  /** Forgets a partial line (a new connection starts clean). */
  reset(): void {
    this.#length = 0;
    this.#tooLong = false;
  }

  push(bytes: Uint8Array): void {
    const buffer = this.#buffer;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (byte !== 0x0a) {
        if (this.#length < buffer.length) buffer[this.#length++] = byte;
        else this.#tooLong = true;
        continue;
      }
      const tooLong = this.#tooLong;
      let end = this.#length;
      this.reset();
      if (tooLong) {
        this.#events.onTooLong(buffer.length);
        continue;
      }
      if (end > 0 && buffer[end - 1] === 0x0d) end--;
      const line = decodeUtf8(buffer, 0, end);
      if (line.trim().length > 0) this.#events.onLine(line);
    }
  }
}
