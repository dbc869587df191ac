/**
 * CRC-32 (IEEE 802.3, the zlib/PNG one: reflected polynomial 0xEDB88320,
 * initial value and final xor 0xFFFFFFFF). Check value: crc32("123456789")
 * = 0xCBF43926. Used per record by the flash journal and the log ring.
 */

let table: Uint32Array | undefined;

function crcTable(): Uint32Array {
  if (table) return table;
  const built = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    built[n] = c >>> 0;
  }
  table = built;
  return built;
}

/**
 * CRC-32 of `bytes[start..end)`, continuing from `previous` (the CRC of the
 * data before it; 0 to start), so a record split over buffers can be
 * checked piecewise: crc32(b, 0, n, crc32(a)) === crc32(a ++ b).
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length, previous = 0): number {
  const t = crcTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
