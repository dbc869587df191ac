/**
 * Small bus interfaces the meter (and other chip) drivers talk through,
 * modelled on ECMA-419 IO classes (`embedded:io/serial`, `embedded:io/spi`,
 * `embedded:io/i2c`). A driver receives the bus as an entry of its options,
 * so the same driver runs on the board (adapters in `hal/esp32/`) or against
 * a simulated chip (`hal/meters/sim/`).
 *
 * Every method is synchronous and copies into caller-owned buffers, so a
 * driver's steady-state poll allocates nothing.
 *
 * How the ECMA-419 classes map (adapter's job):
 * - SerialBus: `new Serial({receive, transmit, port, baud, format: "buffer"})`.
 *   `write(bytes)` → `serial.write(bytes)`; `read(into, offset)` →
 *   `serial.read(count)` with count = min(space, readable) and a copy into
 *   `into` (or `read(view)` where the host supports reading into a buffer).
 *   RS-485 direction (DE/RE) is the adapter's: the ESP32 UART's half-duplex
 *   mode, or a digital pin raised for the duration of `write`.
 * - SpiBus: `new SPI({out, in, clock, select, hz, mode})`;
 *   `transfer(buffer)` → `spi.transfer(buffer)` (full duplex, in place, chip
 *   select held low for the whole buffer).
 * - I2cBus: `new I2C({data, clock, hz, address})`; `write(bytes, stop)` →
 *   `i2c.write(bytes, stop)`; `read(into, stop)` → `i2c.read(into, stop)`.
 */

/** A UART (e.g. behind an RS-485 transceiver). Bytes, no framing. */
export interface SerialBus {
  /** Queues bytes for transmission; throws when the port fails. */
  write(bytes: Uint8Array): void;
  /**
   * Copies up to `into.length - offset` received bytes into `into` starting
   * at `offset`; returns how many (0 when nothing is waiting). Never blocks.
   */
  read(into: Uint8Array, offset: number): number;
  /** Releases the port. */
  close(): void;
}

/** An SPI device (its chip select is part of the bus). */
export interface SpiBus {
  /**
   * Full-duplex transfer in place: the bytes of `buffer` are clocked out with
   * chip select asserted, and the bytes clocked in replace them.
   */
  transfer(buffer: Uint8Array): void;
  /** Releases the bus. */
  close(): void;
}

/** An I2C device at a fixed address (the address is part of the bus). */
export interface I2cBus {
  /** Writes bytes; `stop` false keeps the bus for a repeated start. Throws on NACK. */
  write(bytes: Uint8Array, stop?: boolean): void;
  /** Fills `into` from the device; `stop` false keeps the bus. Throws on NACK. */
  read(into: Uint8Array, stop?: boolean): void;
  /** Releases the bus. */
  close(): void;
}
