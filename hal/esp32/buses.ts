/**
 * Adapters from the ECMA-419 `serial`, `spi` and `i2c` classes to the bus
 * interfaces of hal/bus.ts, so the meter drivers of hal/meters run on the
 * board. Nothing is allocated per call.
 *
 * Facts from the esp32 implementations in $(MODDABLE)/modules/io that shape them:
 * - serial: always 8N1 (no parity option); `read(buffer)` fills at most the
 *   whole buffer (no count argument), so the adapter reads into its own
 *   scratch buffer and keeps what does not fit the caller's space;
 *   `write` throws "output full" beyond the free TX FIFO (128 bytes).
 *   RS-485 direction is not exposed: use an auto-direction transceiver.
 * - spi: the chip select stays asserted until another configuration is
 *   activated or `flush(true)`; two SPI instances cannot share the clock
 *   pin. So one controller is opened without `select` and each device
 *   drives its own chip select as a digital output around `transfer`.
 * - i2c: several instances may share the data/clock pins (one per address).
 */
import type { I2cBus, SerialBus, SpiBus } from "hal/bus";
import {
  openOutput,
  type DigitalPinOptions,
  type DigitalPort,
  type I2cClass,
  type I2cPort,
  type SerialClass,
  type SerialPort,
  type SpiClass,
  type SpiPort,
} from "./io";

export interface Esp32SerialOptions {
  readonly io: SerialClass;
  readonly receive: number;
  readonly transmit?: number;
  /** UART 1 or 2 (0 is the console). */
  readonly port: number;
  readonly baud: number;
  /** Scratch size for one read from the driver's FIFO; default 128 (the esp32 RX FIFO). */
  readonly scratchBytes?: number;
}

export class Esp32SerialBus implements SerialBus {
  #serial: SerialPort;
  #scratch: Uint8Array;
  #pendingStart = 0;
  #pendingEnd = 0;

  constructor(options: Esp32SerialOptions) {
    const Serial = options.io;
    this.#serial =
      options.transmit === undefined
        ? new Serial({ receive: options.receive, port: options.port, baud: options.baud, format: "buffer" })
        : new Serial({ receive: options.receive, transmit: options.transmit, port: options.port, baud: options.baud, format: "buffer" });
    this.#scratch = new Uint8Array(options.scratchBytes ?? 128);
  }

  write(bytes: Uint8Array): void {
    this.#serial.write(bytes);
  }

  read(into: Uint8Array, offset: number): number {
    const space = into.length - offset;
    if (space <= 0) return 0;
    if (this.#pendingStart === this.#pendingEnd) {
      const count = this.#serial.read(this.#scratch);
      if (typeof count !== "number" || count <= 0) return 0;
      this.#pendingStart = 0;
      this.#pendingEnd = count;
    }
    const scratch = this.#scratch;
    let n = this.#pendingEnd - this.#pendingStart;
    if (n > space) n = space;
    const from = this.#pendingStart;
    for (let i = 0; i < n; i++) into[offset + i] = scratch[from + i];
    this.#pendingStart = from + n;
    return n;
  }

  close(): void {
    this.#serial.close();
  }
}

/** An SPI controller's pins, clock and mode, as a board describes them (boards/types SpiBusDescription). */
export interface SpiControllerPins {
  readonly out: number;
  readonly in: number;
  readonly clock: number;
  readonly hz: number;
  /** SPI mode 0..3 (ADE7953 and ATM90E32: 3). All devices share it. */
  readonly mode: number;
  readonly port?: number;
}

export interface Esp32SpiControllerOptions extends SpiControllerPins {
  readonly io: SpiClass;
}

/** One SPI controller; `device(select)` gives a SpiBus per chip select. */
export class Esp32SpiController {
  #spi: SpiPort;
  #open = 0;
  #closed = false;

  constructor(options: Esp32SpiControllerOptions) {
    const Spi = options.io;
    this.#spi = new Spi({ out: options.out, in: options.in, clock: options.clock, hz: options.hz, mode: options.mode, port: options.port });
  }

  /** A device behind a chip select (asserted = selected; chips' CS is active low, so give `activeLow: true`). */
  device(select: DigitalPinOptions): SpiBus {
    if (this.#closed) throw new Error("spi: controller closed");
    this.#open++;
    return new Esp32SpiDevice(this, this.#spi, select);
  }

  /** Called by a device's close; the controller closes with its last device. */
  release(): void {
    if (this.#open > 0) this.#open--;
    if (this.#open === 0 && !this.#closed) {
      this.#closed = true;
      if (this.#spi.close) this.#spi.close();
    }
  }
}

class Esp32SpiDevice implements SpiBus {
  #controller: Esp32SpiController;
  #spi: SpiPort;
  #cs: DigitalPort;
  #selected: 0 | 1;
  #closed = false;

  constructor(controller: Esp32SpiController, spi: SpiPort, select: DigitalPinOptions) {
    this.#controller = controller;
    this.#spi = spi;
    this.#cs = openOutput(select);
    this.#selected = select.activeLow ? 0 : 1;
  }

  transfer(buffer: Uint8Array): void {
    if (this.#closed) throw new Error("spi: device closed");
    this.#cs.write(this.#selected);
    try {
      this.#spi.transfer(buffer);
      this.#spi.flush();
    } finally {
      this.#cs.write((1 - this.#selected) as 0 | 1);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cs.close();
    this.#controller.release();
  }
}

export interface Esp32I2cOptions {
  readonly io: I2cClass;
  readonly data: number;
  readonly clock: number;
  readonly hz: number;
  readonly address: number;
  readonly port?: number;
}

export class Esp32I2cBus implements I2cBus {
  #i2c: I2cPort;

  constructor(options: Esp32I2cOptions) {
    const I2c = options.io;
    this.#i2c = new I2c({ data: options.data, clock: options.clock, hz: options.hz, address: options.address, port: options.port });
  }

  write(bytes: Uint8Array, stop?: boolean): void {
    this.#i2c.write(bytes, stop ?? true);
  }

  read(into: Uint8Array, stop?: boolean): void {
    this.#i2c.read(into, stop ?? true);
  }

  close(): void {
    if (this.#i2c.close) this.#i2c.close();
  }
}
