/**
 * ESP32 app image check, streamed (the image is never whole in RAM): what
 * ESP-IDF's esp_image_verify refuses before an OTA image may boot
 * (bootloader_support esp_image_format.c, esptool "firmware image format"):
 *
 *   header (24 bytes): magic 0xE9, segment count, ..., chip id (u16 LE at
 *     12), ..., hash_appended (byte 23)
 *   segments: 8-byte header (load address, data length u32 LE) + data
 *   padding up to the last byte of a 16-byte block, which is the checksum:
 *     XOR of every segment data byte, seeded 0xEF
 *   when hash_appended = 1: SHA-256 of every byte before it (32 bytes)
 *
 * Refused: a wrong magic, no or more than 16 segments, another chip, a segment
 * length not a multiple of 4 or running past the slot or the announced size,
 * an image that ends early (truncated), bytes past its end, a wrong checksum
 * or hash. Used by the simulated slot (tests, simulator) and the board slot.
 */
import { Sha256 } from "util/sha256";

export const ESP_IMAGE_MAGIC = 0xe9;
export const ESP_IMAGE_HEADER_BYTES = 24;
export const ESP_SEGMENT_HEADER_BYTES = 8;
export const ESP_IMAGE_MAX_SEGMENTS = 16;
export const ESP_CHECKSUM_SEED = 0xef;
export const ESP_IMAGE_HASH_BYTES = 32;
/** esp_chip_id_t of the ESP32 (ESP_CHIP_ID_ESP32). */
export const ESP_CHIP_ID_ESP32 = 0x0000;
const OFFSET_SEGMENT_COUNT = 1;
const OFFSET_CHIP_ID = 12;
const OFFSET_HASH_APPENDED = 23;

export type Esp32ImageVerdict = { ok: true; imageBytes: number; segments: number; hashAppended: boolean } | { ok: false; reason: string };

export interface Esp32ImageVerifierOptions {
  /** Most bytes the image may take (the partition size). */
  maxImageBytes?: number;
  /** The size announced for the download, when known (segments must fit it). */
  totalBytes?: number;
  /** esp_chip_id_t the image must be built for (default the ESP32); null = any. */
  chipId?: number | null;
  /**
   * Check the appended SHA-256 here (default true). The board's slot leaves it
   * to esp_ota_end (hardware SHA): in plain JS on XS it costs ~30k computrons per 64 bytes.
   */
  checkHash?: boolean;
}

const STATE_HEADER = 0;
const STATE_SEGMENT_HEADER = 1;
const STATE_SEGMENT_DATA = 2;
const STATE_PADDING = 3;
const STATE_HASH = 4;
const STATE_DONE = 5;

function u32le(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

export class Esp32ImageVerifier {
  readonly #maxImageBytes: number;
  readonly #totalBytes: number | undefined;
  readonly #chipId: number | null;
  readonly #checkHash: boolean;
  #state = STATE_HEADER;
  /** Bytes seen so far (the position in the image). */
  #position = 0;
  /** Header being collected (image header, a segment header or the hash). */
  readonly #field = new Uint8Array(ESP_IMAGE_HASH_BYTES);
  #fieldLength = 0;
  #segments = 0;
  #segmentsSeen = 0;
  #segmentLeft = 0;
  #hashAppended = false;
  #checksum = ESP_CHECKSUM_SEED;
  #imageBytes = 0;
  readonly #sha = new Sha256();
  #error: string | undefined;

  constructor(options: Esp32ImageVerifierOptions = {}) {
    this.#maxImageBytes = options.maxImageBytes ?? Number.MAX_SAFE_INTEGER;
    this.#totalBytes = options.totalBytes;
    this.#chipId = options.chipId === undefined ? ESP_CHIP_ID_ESP32 : options.chipId;
    this.#checkHash = options.checkHash ?? true;
  }

  /** The first fault found so far, if any. */
  get error(): string | undefined {
    return this.#error;
  }

  /** Feeds the next bytes of the image (valid only during the call). */
  update(chunk: Uint8Array): void {
    if (this.#error !== undefined) return;
    let hashFrom = this.#state < STATE_HASH && this.#checkHash ? 0 : chunk.length;
    let i = 0;
    while (i < chunk.length && this.#error === undefined) {
      const state = this.#state;
      if (state === STATE_SEGMENT_DATA) {
        const end = Math.min(chunk.length, i + this.#segmentLeft);
        let sum = this.#checksum;
        for (let k = i; k < end; k++) sum ^= chunk[k];
        this.#checksum = sum;
        this.#segmentLeft -= end - i;
        this.#position += end - i;
        i = end;
        if (this.#segmentLeft === 0) this.#segmentEnded();
        continue;
      }
      const byte = chunk[i++];
      const at = this.#position++;
      if (state === STATE_HEADER) {
        this.#field[this.#fieldLength++] = byte;
        if (this.#fieldLength === ESP_IMAGE_HEADER_BYTES) this.#imageHeader();
      } else if (state === STATE_SEGMENT_HEADER) {
        this.#field[this.#fieldLength++] = byte;
        if (this.#fieldLength === ESP_SEGMENT_HEADER_BYTES) this.#segmentHeader();
      } else if (state === STATE_PADDING) {
        // The checksum is the last byte of a 16-byte block [esptool append_checksum].
        if (at % 16 !== 15) continue;
        if (byte !== this.#checksum) {
          this.#fail(`checksum 0x${byte.toString(16)} at byte ${at}, the segments give 0x${this.#checksum.toString(16)}`);
          break;
        }
        if (this.#hashAppended) {
          if (hashFrom < i) this.#sha.update(chunk.subarray(hashFrom, i));
          hashFrom = chunk.length;
          this.#state = STATE_HASH;
          this.#fieldLength = 0;
        } else {
          this.#done();
        }
      } else if (state === STATE_HASH) {
        this.#field[this.#fieldLength++] = byte;
        if (this.#fieldLength === ESP_IMAGE_HASH_BYTES) this.#hashEnded();
      } else {
        this.#fail(`bytes past the end of the ${this.#imageBytes}-byte image`);
      }
    }
    if (this.#error === undefined && hashFrom < chunk.length && this.#state < STATE_HASH) this.#sha.update(chunk.subarray(hashFrom));
  }

  /** The verdict once every byte was fed. */
  finish(): Esp32ImageVerdict {
    if (this.#error === undefined && this.#state !== STATE_DONE) {
      this.#fail(
        `truncated: the image ends at byte ${this.#position} (${this.#position < ESP_IMAGE_HEADER_BYTES ? "in its header" : this.#state === STATE_HASH ? "in its SHA-256" : this.#state === STATE_PADDING ? "before its checksum" : "in a segment"})`,
      );
    }
    if (this.#error !== undefined) return { ok: false, reason: this.#error };
    return { ok: true, imageBytes: this.#imageBytes, segments: this.#segments, hashAppended: this.#hashAppended };
  }

  #imageHeader(): void {
    const header = this.#field;
    if (header[0] !== ESP_IMAGE_MAGIC) {
      this.#fail(`bad magic 0x${header[0].toString(16)} (an ESP32 image starts with 0xe9)`);
      return;
    }
    const segments = header[OFFSET_SEGMENT_COUNT];
    if (segments === 0 || segments > ESP_IMAGE_MAX_SEGMENTS) {
      this.#fail(`${segments} segments (1 to ${ESP_IMAGE_MAX_SEGMENTS})`);
      return;
    }
    const chipId = header[OFFSET_CHIP_ID] | (header[OFFSET_CHIP_ID + 1] << 8);
    if (this.#chipId !== null && chipId !== this.#chipId) {
      this.#fail(`image for chip id ${chipId}, this chip is ${this.#chipId}`);
      return;
    }
    const hashAppended = header[OFFSET_HASH_APPENDED];
    if (hashAppended > 1) {
      this.#fail(`hash_appended ${hashAppended} (0 or 1)`);
      return;
    }
    this.#segments = segments;
    this.#hashAppended = hashAppended === 1;
    this.#state = STATE_SEGMENT_HEADER;
    this.#fieldLength = 0;
  }

  #segmentHeader(): void {
    const length = u32le(this.#field, 4);
    const index = this.#segmentsSeen;
    if (length % 4 !== 0) {
      this.#fail(`segment ${index} length ${length} is not a multiple of 4`);
      return;
    }
    const end = this.#position + length;
    const limit = Math.min(this.#maxImageBytes, this.#totalBytes ?? Number.MAX_SAFE_INTEGER);
    if (end > limit) {
      this.#fail(
        `segment ${index} of ${length} bytes at byte ${this.#position} runs past the ${limit}-byte ${limit === this.#totalBytes ? "image" : "slot"}`,
      );
      return;
    }
    this.#segmentLeft = length;
    this.#state = STATE_SEGMENT_DATA;
    if (length === 0) this.#segmentEnded();
  }

  #segmentEnded(): void {
    this.#segmentsSeen++;
    this.#fieldLength = 0;
    this.#state = this.#segmentsSeen < this.#segments ? STATE_SEGMENT_HEADER : STATE_PADDING;
  }

  #hashEnded(): void {
    if (!this.#checkHash) {
      this.#done();
      return;
    }
    const digest = this.#sha.digest();
    for (let k = 0; k < ESP_IMAGE_HASH_BYTES; k++) {
      if (digest[k] !== this.#field[k]) {
        this.#fail("the appended SHA-256 does not match the image");
        return;
      }
    }
    this.#done();
  }

  #done(): void {
    this.#imageBytes = this.#position;
    this.#state = STATE_DONE;
    if (this.#imageBytes > this.#maxImageBytes)
      this.#fail(`image of ${this.#imageBytes} bytes does not fit the ${this.#maxImageBytes}-byte slot`);
  }

  #fail(reason: string): void {
    if (this.#error === undefined) this.#error = reason;
  }
}

/** Checks a whole image at once. */
export function verifyEsp32Image(image: Uint8Array, options: Esp32ImageVerifierOptions = {}): Esp32ImageVerdict {
  const verifier = new Esp32ImageVerifier({ totalBytes: image.length, ...options });
  verifier.update(image);
  return verifier.finish();
}
