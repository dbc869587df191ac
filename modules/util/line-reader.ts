/**
 * Splits received bytes into lines for our line protocols (the bench link,
 * the EV emulator's link): `\n` ends a line, a
 * `\r` before it is dropped, blank lines are skipped, and a line longer than
 * the limit is reported once (its bytes are discarded up to its `\n`) instead
 * of growing a buffer. The buffer is allocated once.
 */
import { decodeUtf8 } from "util/utf8";

export interface LineReaderEvents {
  /** One complete line (without its `\r\n`), at most `maxLineBytes` long. */
  onLine(line: string): void;
  /** A line passed `maxLineBytes`; it was discarded. */
  onTooLong(): void;
}

export class LineReader {
  readonly #buffer: Uint8Array;
  readonly #events: LineReaderEvents;
  #length = 0;
  #tooLong = false;

  constructor(maxLineBytes: number, events: LineReaderEvents) {
    this.#buffer = new Uint8Array(maxLineBytes);
    this.#events = events;
  }

  /** Forgets a partial line (a new peer starts on a fresh line). */
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
      if (tooLong) this.#events.onTooLong();
      else if (end > 0) {
        if (buffer[end - 1] === 0x0d) end--;
        const line = decodeUtf8(buffer, 0, end);
        if (line.trim().length > 0) this.#events.onLine(line);
      }
    }
  }
}
