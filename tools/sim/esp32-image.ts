/**
 * Builds ESP32 app images in the format the firmware slot verifies
 * (modules/platform/common/esp32-image.ts, esptool elf2image layout), so the
 * tests and the simulator tooling serve images a board would accept.
 */
import { sha256 } from "util/sha256";
import {
  ESP_CHECKSUM_SEED,
  ESP_CHIP_ID_ESP32,
  ESP_IMAGE_HASH_BYTES,
  ESP_IMAGE_HEADER_BYTES,
  ESP_IMAGE_MAGIC,
  ESP_SEGMENT_HEADER_BYTES,
} from "platform/common/esp32-image";

export interface Esp32Segment {
  loadAddress: number;
  /** Segment data; its length must be a multiple of 4. */
  data: Uint8Array;
}

export interface Esp32ImageSpec {
  segments: Esp32Segment[];
  /** Append the SHA-256 of the image (hash_appended = 1); default true like esptool. */
  hashAppended?: boolean;
  chipId?: number;
  entryAddress?: number;
}

function putU32le(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = (value >>> 8) & 0xff;
  bytes[at + 2] = (value >>> 16) & 0xff;
  bytes[at + 3] = (value >>> 24) & 0xff;
}

export function buildEsp32Image(spec: Esp32ImageSpec): Uint8Array {
  const hashAppended = spec.hashAppended ?? true;
  let unpadded = ESP_IMAGE_HEADER_BYTES;
  for (const segment of spec.segments) unpadded += ESP_SEGMENT_HEADER_BYTES + segment.data.length;
  // Padding then the checksum as the last byte of a 16-byte block.
  const withChecksum = (unpadded + 1 + 15) & ~15;
  const image = new Uint8Array(withChecksum + (hashAppended ? ESP_IMAGE_HASH_BYTES : 0));
  image[0] = ESP_IMAGE_MAGIC;
  image[1] = spec.segments.length;
  image[2] = 2; // SPI mode DIO
  image[3] = 0x20; // 4 MB flash, 40 MHz
  putU32le(image, 4, spec.entryAddress ?? 0x40080000);
  image[8] = 0xee; // wp_pin: not used
  const chipId = spec.chipId ?? ESP_CHIP_ID_ESP32;
  image[12] = chipId & 0xff;
  image[13] = (chipId >>> 8) & 0xff;
  image[23] = hashAppended ? 1 : 0;
  let at = ESP_IMAGE_HEADER_BYTES;
  let checksum = ESP_CHECKSUM_SEED;
  for (const segment of spec.segments) {
    putU32le(image, at, segment.loadAddress);
    putU32le(image, at + 4, segment.data.length);
    image.set(segment.data, at + ESP_SEGMENT_HEADER_BYTES);
    at += ESP_SEGMENT_HEADER_BYTES;
    for (const byte of segment.data) checksum ^= byte;
    at += segment.data.length;
  }
  image[withChecksum - 1] = checksum;
  if (hashAppended) image.set(sha256(image.subarray(0, withChecksum)), withChecksum);
  return image;
}

/** Smallest image esp32ImageOfSize builds (two 4-byte segments, hash appended). */
export const MIN_ESP32_IMAGE_BYTES = 96;

/**
 * A valid image (two segments with a recognisable pattern, hash appended) of
 * `size` bytes rounded up to a multiple of 16 (the format's granularity),
 * at least MIN_ESP32_IMAGE_BYTES.
 */
export function esp32ImageOfSize(size: number): Uint8Array {
  const total = Math.max(MIN_ESP32_IMAGE_BYTES, (size + 15) & ~15);
  // header 24 + 2 segment headers 16 + data + a 16-byte block ending with the checksum + hash 32.
  const dataBytes = total - 24 - 16 - 16 - ESP_IMAGE_HASH_BYTES;
  const first = Math.floor(dataBytes / 8) * 4;
  const pattern = (length: number, offset: number): Uint8Array => {
    const data = new Uint8Array(length);
    for (let i = 0; i < length; i++) data[i] = ((i + offset) * 31 + 7) & 0xff;
    return data;
  };
  return buildEsp32Image({
    segments: [
      { loadAddress: 0x3f400020, data: pattern(first, 0) },
      { loadAddress: 0x3ffb0000, data: pattern(dataBytes - first, first) },
    ],
  });
}
