/**
 * CRC-16/Modbus (poly 0xA001 reflected, init 0xFFFF, no final xor), as the
 * Modbus over Serial Line spec V1.02 §6.2.2 defines it. Sent low byte first.
 */

const TABLE = new Uint16Array(256);
for (let n = 0; n < 256; n++) {
  let crc = n;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  TABLE[n] = crc;
}

/** CRC of `bytes[start .. start+length)`; allocates nothing. */
export function crc16Modbus(bytes: Uint8Array, start: number, length: number): number {
  let crc = 0xffff;
  const end = start + length;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ bytes[i]) & 0xff];
  return crc;
}

/** Appends the CRC of the first `length` bytes at `bytes[length]` (low) and `[length+1]` (high). */
export function appendCrc16Modbus(bytes: Uint8Array, length: number): number {
  const crc = crc16Modbus(bytes, 0, length);
  bytes[length] = crc & 0xff;
  bytes[length + 1] = crc >>> 8;
  return length + 2;
}

/** True when the last two of `length` bytes are the CRC of the bytes before them. */
export function checkCrc16Modbus(bytes: Uint8Array, length: number): boolean {
  if (length < 3) return false;
  const crc = crc16Modbus(bytes, 0, length - 2);
  return bytes[length - 2] === (crc & 0xff) && bytes[length - 1] === crc >>> 8;
}
