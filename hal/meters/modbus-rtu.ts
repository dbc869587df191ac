/**
 * Modbus RTU master for one request at a time over a SerialBus (RS-485).
 * Modbus Application Protocol V1.1b3 §6.3/§6.4 (read holding/input
 * registers, exception responses §7) and Modbus over Serial Line V1.02
 * (RTU framing, CRC-16 §6.2.2).
 *
 * Non-blocking: `request()` sends a frame, `poll(nowMs)` collects the answer
 * and reports OK, or TIMEOUT / CRC / EXCEPTION / BAD_FRAME. The expected
 * answer length is known from the request, so the end of a frame is found by
 * counting, not by the 3.5-character silence. Retries belong to the caller.
 * Nothing is allocated after construction.
 */
import type { SerialBus } from "hal/bus";
import { appendCrc16Modbus, checkCrc16Modbus } from "./crc16";

export const MODBUS_FUNCTION = Object.freeze({
  READ_HOLDING_REGISTERS: 0x03,
  READ_INPUT_REGISTERS: 0x04,
  EXCEPTION_FLAG: 0x80,
});

/** Outcome of `poll`. */
export const MODBUS_STATUS = Object.freeze({
  IDLE: 0,
  PENDING: 1,
  OK: 2,
  TIMEOUT: 3,
  CRC: 4,
  EXCEPTION: 5,
  BAD_FRAME: 6,
});
export type ModbusStatus = (typeof MODBUS_STATUS)[keyof typeof MODBUS_STATUS];

/** Registers one read may ask for (spec limit 125; SDM meters allow 80). */
export const MODBUS_MAX_READ_REGISTERS = 125;
const HEADER_BYTES = 3; // address, function, byte count
const CRC_BYTES = 2;
const EXCEPTION_FRAME_BYTES = 5;

export class ModbusRtuMaster {
  #serial: SerialBus;
  #tx = new Uint8Array(8);
  #rx = new Uint8Array(HEADER_BYTES + MODBUS_MAX_READ_REGISTERS * 2 + CRC_BYTES);
  #view = new DataView(this.#rx.buffer);
  #rxLength = 0;
  #expectedLength = 0;
  #status: ModbusStatus = MODBUS_STATUS.IDLE;
  #deadlineMs = 0;
  #address = 0;
  #function = 0;
  #count = 0;
  /** Exception code of the last EXCEPTION answer. */
  exceptionCode = 0;

  constructor(serial: SerialBus) {
    this.#serial = serial;
  }

  get status(): ModbusStatus {
    return this.#status;
  }

  /** Sends a read request; a previous request is abandoned. Throws when the bus throws. */
  request(address: number, fn: number, startRegister: number, count: number, timeoutMs: number, nowMs: number): void {
    if (count < 1 || count > MODBUS_MAX_READ_REGISTERS) throw new RangeError("modbus: 1..125 registers per read");
    // Drop whatever is waiting (a late answer to an abandoned request).
    while (this.#serial.read(this.#rx, 0) > 0);
    const tx = this.#tx;
    tx[0] = address;
    tx[1] = fn;
    tx[2] = startRegister >>> 8;
    tx[3] = startRegister & 0xff;
    tx[4] = count >>> 8;
    tx[5] = count & 0xff;
    appendCrc16Modbus(tx, 6);
    this.#address = address;
    this.#function = fn;
    this.#count = count;
    this.#rxLength = 0;
    this.#expectedLength = HEADER_BYTES + count * 2 + CRC_BYTES;
    this.#deadlineMs = nowMs + timeoutMs;
    this.#status = MODBUS_STATUS.PENDING;
    this.#serial.write(tx);
  }

  /** Collects answer bytes; returns the status (PENDING until done). */
  poll(nowMs: number): ModbusStatus {
    if (this.#status !== MODBUS_STATUS.PENDING) return this.#status;
    const rx = this.#rx;
    for (let guard = 0; guard < 8 && this.#rxLength < this.#expectedLength; guard++) {
      const got = this.#serial.read(rx, this.#rxLength);
      if (got <= 0) break;
      // Skip noise before the slave address (line turnaround glitches).
      let skip = 0;
      if (this.#rxLength === 0) while (skip < got && rx[skip] !== this.#address) skip++;
      if (skip > 0) rx.copyWithin(0, skip, got);
      this.#rxLength += got - skip;
      if (this.#rxLength >= 2 && rx[1] === (this.#function | MODBUS_FUNCTION.EXCEPTION_FLAG)) {
        this.#expectedLength = EXCEPTION_FRAME_BYTES;
      }
    }
    if (this.#rxLength >= this.#expectedLength) return this.#finish();
    if (nowMs >= this.#deadlineMs) this.#status = MODBUS_STATUS.TIMEOUT;
    return this.#status;
  }

  #finish(): ModbusStatus {
    const rx = this.#rx;
    const length = this.#expectedLength;
    if (!checkCrc16Modbus(rx, length)) this.#status = MODBUS_STATUS.CRC;
    else if (length === EXCEPTION_FRAME_BYTES) {
      this.exceptionCode = rx[2];
      this.#status = MODBUS_STATUS.EXCEPTION;
    } else if (rx[0] !== this.#address || rx[1] !== this.#function || rx[2] !== this.#count * 2) {
      this.#status = MODBUS_STATUS.BAD_FRAME;
    } else this.#status = MODBUS_STATUS.OK;
    return this.#status;
  }

  // Register accessors of the last OK answer; `index` counts registers from the first one read.
  u16(index: number): number {
    return this.#view.getUint16(HEADER_BYTES + index * 2, false);
  }
  s16(index: number): number {
    return this.#view.getInt16(HEADER_BYTES + index * 2, false);
  }
  /** Two registers, high word first (the order of SDM and ABB meters). */
  u32(index: number): number {
    return this.#view.getUint32(HEADER_BYTES + index * 2, false);
  }
  s32(index: number): number {
    return this.#view.getInt32(HEADER_BYTES + index * 2, false);
  }
  /** IEEE-754 single precision over two registers, high word first. */
  f32(index: number): number {
    return this.#view.getFloat32(HEADER_BYTES + index * 2, false);
  }
  /** Four registers, most significant first; exact up to 2^53. */
  u64(index: number): number {
    return this.u32(index) * 4294967296 + this.u32(index + 2);
  }
}
