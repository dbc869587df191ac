// The bench link over a UART (boot/bench/serial-stream) with a fake of ECMA-419
// `embedded:io/serial` that behaves like the ESP32's: reads fill the caller's buffer, a write
// larger than the free transmit FIFO throws "output full", onWritable announces the room. The
// link's framing, its line length limit and its backpressure are checked on the host.
import assert from "node:assert/strict";
import { BENCH_LINK_MAX_LINE, BenchLink } from "boot/bench/link";
import { SerialStream, type BenchSerialOptions, type BenchSerialPort } from "boot/bench/serial-stream";
import type { TimerHandle, Timers } from "ports/timers";
import { decodeUtf8, encodeUtf8 } from "util/utf8";
import type { SimStack } from "../../tools/sim/stack.ts";
import { startQuietStack } from "../support/sim-stack.ts";
import { waitUntil } from "../support/waits.ts";

const FIFO_BYTES = 128;

class FakeSerial implements BenchSerialPort {
  static opened: FakeSerial[] = [];
  readonly options: BenchSerialOptions;
  readonly #received: number[] = [];
  readonly #wire: number[] = [];
  fifoFree = FIFO_BYTES;
  largestWrite = 0;
  closed = false;

  constructor(options: BenchSerialOptions) {
    this.options = options;
    FakeSerial.opened.push(this);
  }

  read(buffer: Uint8Array): number | undefined {
    if (this.#received.length === 0) return undefined;
    const count = Math.min(buffer.length, this.#received.length);
    buffer.set(this.#received.splice(0, count));
    return count;
  }

  write(bytes: Uint8Array): void {
    if (bytes.length > this.fifoFree) throw new Error("output full");
    this.fifoFree -= bytes.length;
    this.largestWrite = Math.max(this.largestWrite, bytes.length);
    for (const byte of bytes) this.#wire.push(byte);
  }

  close(): void {
    this.closed = true;
  }

  /** The host sends `text`; the UART interrupt says how much waits. */
  receive(text: string): void {
    for (const byte of encodeUtf8(text)) this.#received.push(byte);
    this.options.onReadable?.(this.#received.length);
  }

  /** The transmit FIFO empties onto the wire and the interrupt announces the room. */
  drain(): void {
    this.fifoFree = FIFO_BYTES;
    this.options.onWritable?.(FIFO_BYTES);
  }

  /** Whole lines that reached the wire so far, parsed (a partial last line stays). */
  lines(): Record<string, unknown>[] {
    const text = decodeUtf8(Uint8Array.from(this.#wire));
    const end = text.lastIndexOf("\n");
    if (end < 0) return [];
    this.#wire.splice(0, encodeUtf8(text.slice(0, end + 1)).length);
    return text
      .slice(0, end)
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

class NoTimers implements Timers {
  once(): TimerHandle {
    return 0;
  }
  every(): TimerHandle {
    return 0;
  }
  clear(): void {}
}

describe("bench link over a serial line (fake ECMA-419 serial)", function () {
  this.timeout(30_000);
  let stack: SimStack;
  let stream: SerialStream;
  let link: BenchLink;
  let serial: FakeSerial;

  /** Drains the FIFO until the stream has nothing queued; the lines that came out. */
  function flush(): Record<string, unknown>[] {
    for (let i = 0; i < 10_000 && stream.pending > 0; i++) serial.drain();
    assert.equal(stream.pending, 0, "the queue drains");
    return serial.lines();
  }

  beforeEach(async () => {
    stack = await startQuietStack({ benchPort: null });
    const charger = stack.chargers[0];
    await waitUntil("the simulator booted", () => charger.firmware !== undefined);
    FakeSerial.opened = [];
    stream = new SerialStream({ serial: FakeSerial, port: 1, transmit: 17, receive: 16, baud: 921_600 });
    link = new BenchLink({
      stream,
      timers: new NoTimers(),
      clock: { utcMs: () => Date.now() },
      sims: [],
      firmwareVersion: "9.9.9",
      log: () => undefined,
    });
    link.start(charger.firmware!);
    serial = FakeSerial.opened[0];
  });

  afterEach(async () => {
    link.stop();
    await stack.close();
  });

  it("opens the UART it is given and says hello once the FIFO has room, never writing more than that room", () => {
    assert.deepEqual(
      [serial.options.port, serial.options.transmit, serial.options.receive, serial.options.baud, serial.options.format],
      [1, 17, 16, 921_600, "buffer"],
    );
    assert.deepEqual(serial.lines(), [], "nothing before the first onWritable");
    assert.ok(stream.pending > FIFO_BYTES, "hello and state wait in the queue");
    const [hello, state] = flush();
    assert.equal(hello.t, "hello");
    assert.equal(hello.simulated, false);
    assert.equal(state.t, "state");
    assert.ok(serial.largestWrite <= FIFO_BYTES, `largest write ${serial.largestWrite} bytes`);
  });

  it("frames commands split across reads, with CRLF, and answers each", () => {
    flush();
    serial.receive('{"id":1,"cm');
    serial.receive('d":"ping"}\r\n{"id":2,"cmd":"hel');
    serial.receive('lo"}\n');
    const replies = flush().filter((l) => l.t === "reply");
    assert.deepEqual(
      replies.map((r) => [r.id, r.ok]),
      [
        [1, true],
        [2, true],
      ],
    );
    assert.equal(replies[0].result, "pong");
  });

  it("answers a line over the length limit with an error line and reads the next one", () => {
    flush();
    serial.receive(`${"x".repeat(BENCH_LINK_MAX_LINE + 1)}\n{"id":3,"cmd":"ping"}\n`);
    const lines = flush();
    assert.match(String(lines[0].error), new RegExp(`line longer than ${BENCH_LINK_MAX_LINE} bytes`));
    assert.deepEqual([lines[1].id, lines[1].result], [3, "pong"]);
  });

  it("drops frame lines past its 4 KiB budget while the UART is behind, counts them, and keeps replies", () => {
    flush();
    const text = `[2,"1","DataTransfer",{"vendorId":"x","data":"${"d".repeat(400)}"}]`;
    for (let i = 0; i < 40; i++) link.frame("cp-to-csms", text);
    assert.ok(stream.pending <= stream.maxPendingBytes + 600, `queue bounded: ${stream.pending} bytes`);
    serial.receive('{"id":9,"cmd":"state"}\n');
    const lines = flush();
    const frames = lines.filter((l) => l.t === "frame");
    assert.ok(frames.length > 0 && frames.length < 40, `${frames.length} of 40 frames went out`);
    for (const frame of frames) assert.equal(frame.text, text, "frames go out whole");
    assert.deepEqual(
      lines.filter((l) => l.t === "reply").map((r) => [r.id, r.ok]),
      [[9, true]],
    );
    const state = lines.find((l) => l.t === "state")!.state as { dropped: number };
    assert.equal(state.dropped, 40 - frames.length);
  });

  it("closes the UART on stop and writes nothing after", () => {
    flush();
    link.stop();
    assert.equal(serial.closed, true);
    link.frame("cp-to-csms", "[]");
    assert.equal(stream.pending, 0);
  });
});
