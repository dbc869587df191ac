/**
 * Turns record text into stored bytes and back. Codec 0: plain UTF-8.
 * Codec 1: LZ compression primed with OCPP vocabulary (storage/lz-dict),
 * used when it is smaller. The codec number goes into the record header.
 */
import { decodeUtf8, encodeUtf8Into } from "util/utf8";
import { sharedLzCodec, type LzCodec } from "./lz-codec";
import { plainTextBuffer } from "./shared-buffers";

export const Codec = Object.freeze({ utf8: 0, lz: 1 } as const);

export class TextPacker {
  /** Codec of the last successful pack. */
  codec: number = Codec.utf8;
  readonly #compress: boolean;
  readonly #maxBytes: number;
  #lz: LzCodec | undefined;

  /** `maxBytes`: the usual largest record (the buffer shared by all packers grows for longer ones). */
  constructor(maxBytes: number, compress: boolean) {
    this.#compress = compress;
    this.#maxBytes = maxBytes;
  }

  /**
   * Stores `text` into `into[at..limit)`; returns the bytes used, or -1
   * when it does not fit (even compressed).
   */
  pack(text: string, into: Uint8Array, at: number, limit: number): number {
    const room = limit - at;
    // LZ stores at most ~8 text bytes per stored byte: longer texts can never fit.
    if (room <= 0 || text.length > room * 8) return -1;
    const plain = plainTextBuffer(Math.max(this.#maxBytes, text.length * 3));
    return this.#store(plain, encodeUtf8Into(text, plain, 0), into, at, room);
  }

  #store(plain: Uint8Array, plainLength: number, into: Uint8Array, at: number, room: number): number {
    if (plainLength < 0) return -1;
    if (this.#compress && plainLength > 16) {
      if (!this.#lz) this.#lz = sharedLzCodec();
      const packed = this.#lz.compress(plain, plainLength, into, at, Math.min(room, plainLength - 1));
      if (packed > 0) {
        this.codec = Codec.lz;
        return packed;
      }
    }
    if (plainLength > room) return -1;
    into.set(plain.subarray(0, plainLength), at);
    this.codec = Codec.utf8;
    return plainLength;
  }

  /** The text of stored bytes `bytes[start..end)` in `codec`. */
  unpack(codec: number, bytes: Uint8Array, start: number, end: number): string {
    if (codec === Codec.utf8) return decodeUtf8(bytes, start, end);
    if (!this.#lz) this.#lz = sharedLzCodec();
    const length = this.#lz.decompressedLength(bytes, start, end);
    const plain = plainTextBuffer(Math.max(this.#maxBytes, length));
    this.#lz.decompress(bytes, start, end, plain);
    return decodeUtf8(plain, 0, length);
  }
}
