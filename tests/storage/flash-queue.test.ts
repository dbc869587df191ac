import { strict as assert } from "node:assert";
import { FlashQueue, QueueFullError, RecordTooLargeError } from "storage/flash-queue";
import { PowerCutError, SimFlash, type PowerCutMode } from "platform/common/sim-flash";
import {
  RECORD_HEADER_BYTES,
  RecordField,
  RecordScan,
  SECTOR_HEADER_BYTES,
  alignedSize,
  recordLength,
  scanRecord,
} from "storage/sector-format";
import { transactionFrames } from "./ocpp-messages.ts";

/** SimFlash that counts erases per sector (wear). */
class CountingFlash extends SimFlash {
  readonly erases: number[];
  constructor(sectorSize: number, sectorCount: number) {
    super(sectorSize, sectorCount);
    this.erases = new Array<number>(sectorCount).fill(0);
  }
  override erase(sector: number): void {
    super.erase(sector);
    this.erases[sector]++;
  }
}

/**
 * SimFlash whose chosen erase tears in the worst order for the queue: only
 * the pop markers of the sector's records go back to 0xFF, everything else
 * (header, CRCs, payloads) keeps its old content; then the power is off.
 */
class MarkerTearFlash extends SimFlash {
  tearAtErase = 0;
  #erases = 0;
  override erase(sector: number): void {
    if (++this.#erases === this.tearAtErase) {
      const start = sector * this.sectorSize;
      const image = this.cells.subarray(start, start + this.sectorSize);
      for (let at = SECTOR_HEADER_BYTES; scanRecord(image, at, this.sectorSize) === RecordScan.record;) {
        image[at + RecordField.pop] = 0xff;
        at += alignedSize(RECORD_HEADER_BYTES + recordLength(image, at));
      }
      this.cutPower();
      throw new PowerCutError();
    }
    super.erase(sector);
  }
}

function waiting(queue: FlashQueue): Array<[number, string]> {
  const all: Array<[number, string]> = [];
  queue.forEach((seq, record) => all.push([seq, record]));
  return all;
}

/** Pseudo-random but repeatable text of 30..150 characters. */
function text(i: number): string {
  const words = ["alpha", "StatusNotification", "Charging", "meter", "42", "ß€", "Wh", "transactionId", "x"];
  let out = `#${i}:`;
  const count = 5 + ((i * 7) % 17);
  for (let k = 0; k < count; k++) out += words[(i * 31 + k * 13) % words.length] + (k % 3 === 0 ? "," : " ");
  return out;
}

type Step = { op: "push"; text: string } | { op: "pop" };

/** Pushes and head pops that wrap a 4 x 256-byte queue about twice. */
function script(): Step[] {
  const steps: Step[] = [];
  let size = 0;
  for (let i = 0; i < 60; i++) {
    if (size < 7 && i % 4 !== 3) {
      steps.push({ op: "push", text: text(i) });
      size++;
    } else {
      steps.push({ op: "pop" });
      size--;
    }
  }
  while (size-- > 0) steps.push({ op: "pop" });
  return steps;
}

interface Acked {
  /** [seq, text] acknowledged pushes not yet acknowledged popped, oldest first. */
  waiting: Array<[number, string]>;
  /** The interrupted step, if power went off during one. */
  pending?: { op: "push"; text: string } | { op: "pop"; seq: number };
}

function runScript(flash: SimFlash, steps: Step[], compress: boolean): Acked {
  const acked: Acked = { waiting: [] };
  let queue: FlashQueue;
  try {
    queue = new FlashQueue(flash, { compress });
  } catch (error) {
    if (error instanceof PowerCutError) return acked;
    throw error;
  }
  for (const step of steps) {
    try {
      if (step.op === "push") {
        acked.pending = { op: "push", text: step.text };
        const seq = queue.push(step.text);
        acked.waiting.push([seq, step.text]);
      } else {
        const head = queue.peek();
        assert.ok(head, "script pops only when something waits");
        assert.deepEqual([head.seq, head.record], acked.waiting[0]);
        acked.pending = { op: "pop", seq: head.seq };
        queue.pop(head.seq);
        acked.waiting.shift();
      }
      acked.pending = undefined;
    } catch (error) {
      if (error instanceof PowerCutError) return acked;
      throw error;
    }
  }
  return acked;
}

function checkRecovered(found: Array<[number, string]>, acked: Acked, where: string): void {
  const expected = acked.waiting.slice();
  const pending = acked.pending;
  if (pending?.op === "pop" && found.length === expected.length - 1) {
    assert.equal(expected[0][0], pending.seq, where);
    expected.shift(); // the interrupted pop took effect
  }
  if (pending?.op === "push" && found.length === expected.length + 1) {
    const last = found[found.length - 1];
    assert.equal(last[1], pending.text, `${where}: an interrupted push is whole or absent`);
    assert.ok(expected.length === 0 || last[0] > expected[expected.length - 1][0], `${where}: seq order`);
    expected.push(last);
  }
  assert.deepEqual(found, expected, `${where}: acknowledged pushes kept, acknowledged pops gone, order kept`);
}

describe("FlashQueue", function () {
  it("pushes, peeks and pops in order and survives a reboot", function () {
    const flash = new SimFlash(4096, 16);
    const queue = new FlashQueue(flash);
    assert.equal(queue.size, 0);
    assert.equal(queue.peek(), undefined);
    const a = queue.push("first");
    const b = queue.push("second ⚡ with ünïcode");
    const c = queue.push("");
    assert.ok(a < b && b < c);
    assert.equal(queue.size, 3);
    assert.deepEqual(queue.peek(), { seq: a, record: "first" });
    queue.pop(a);
    queue.pop(a); // a second pop of the same seq is ignored
    assert.equal(queue.size, 2);
    const again = new FlashQueue(flash);
    assert.equal(again.size, 2);
    assert.deepEqual(again.peek(), { seq: b, record: "second ⚡ with ünïcode" });
    again.pop(b);
    assert.deepEqual(again.peek(), { seq: c, record: "" });
    const d = again.push("after reboot");
    assert.ok(d > c, "sequence numbers keep growing across reboots");
  });

  it("pops a record out of order without disturbing the others", function () {
    const queue = new FlashQueue(new SimFlash(4096, 4));
    const seqs = ["a", "b", "c", "d"].map((r) => queue.push(r));
    queue.pop(seqs[2]);
    queue.pop(999); // unknown: ignored
    assert.deepEqual(
      waiting(queue).map(([, r]) => r),
      ["a", "b", "d"],
    );
    queue.pop(seqs[0]);
    assert.deepEqual(queue.peek(), { seq: seqs[1], record: "b" });
    assert.equal(queue.size, 2);
  });

  it("holds 64 transactions of OCPP messages in the default 16 x 4 KiB partition", function () {
    const flash = new SimFlash(4096, 16);
    const queue = new FlashQueue(flash);
    const frames: string[] = [];
    for (let tx = 0; tx < 64; tx++) frames.push(...transactionFrames(tx));
    let rawBytes = 0;
    for (const frame of frames) {
      rawBytes += frame.length;
      queue.push(frame);
    }
    assert.ok(rawBytes > 100_000, `the test data is realistic (${rawBytes} bytes)`);
    assert.equal(queue.size, frames.length);
    assert.ok(queue.freeBytes > 0 && queue.freeBytes < queue.capacityBytes);
    const reopened = new FlashQueue(flash);
    assert.deepEqual(
      waiting(reopened).map(([, r]) => r),
      frames,
    );
  });

  it("throws QueueFullError when full and never overwrites a waiting record", function () {
    const flash = new SimFlash(256, 4);
    const queue = new FlashQueue(flash, { compress: false });
    const pushed: string[] = [];
    let refused = "";
    for (let i = 0; i < 100 && !refused; i++) {
      try {
        queue.push(text(i));
        pushed.push(text(i));
      } catch (error) {
        assert.ok(error instanceof QueueFullError, String(error));
        refused = text(i);
      }
    }
    assert.ok(refused, "the queue filled up");
    assert.throws(() => queue.push(refused), QueueFullError, "still full");
    assert.deepEqual(
      waiting(new FlashQueue(flash)).map(([, r]) => r),
      pushed,
    );
    // Popping the oldest sector's records makes room again.
    for (let i = 0; i < 4; i++) queue.pop(queue.peek()!.seq);
    queue.push("fits again");
    assert.equal(waiting(new FlashQueue(flash)).at(-1)?.[1], "fits again");
    assert.throws(() => queue.push("x".repeat(300)), RecordTooLargeError);
  });

  for (const compress of [true, false]) {
    it(`keeps every acknowledged push and pop across a power cut at any write or erase (compress ${compress})`, function () {
      const steps = script();
      const sectorSize = compress ? 256 : 512;
      const reference = new CountingFlash(sectorSize, 4);
      const clean = runScript(reference, steps, compress);
      assert.equal(clean.waiting.length, 0);
      const total = reference.operationCount;
      assert.ok(total > 80, `the script does enough flash work (${total} operations)`);
      const erases = reference.erases.reduce((a, b) => a + b, 0);
      assert.ok(erases > 4, `the script wraps the ring (${erases} erases)`);
      for (const mode of ["torn", "lost"] as PowerCutMode[]) {
        for (let n = 1; n <= total; n++) {
          const flash = new SimFlash(sectorSize, 4);
          flash.cutPowerAtOperation(n, mode);
          const acked = runScript(flash, steps, compress);
          assert.equal(flash.powered, false, `cut ${n} happened`);
          flash.powerOn();
          const where = `${mode} cut at operation ${n}`;
          const recovered = new FlashQueue(flash, { compress });
          const found = waiting(recovered);
          checkRecovered(found, acked, where);
          assert.equal(recovered.size, found.length, where);
          assert.deepEqual(waiting(new FlashQueue(flash, { compress })), found, `${where}: a second boot sees the same`);
          // The recovered queue goes on working: push more, then drain in order.
          const maxSeq = found.length ? found[found.length - 1][0] : 0;
          const extra = recovered.push(`after ${where}`);
          assert.ok(extra > maxSeq, where);
          const drained: string[] = [];
          for (let k = 0; k < 20 && recovered.size > 0; k++) {
            const head = recovered.peek()!;
            drained.push(head.record);
            recovered.pop(head.seq);
          }
          assert.deepEqual(drained, [...found.map(([, r]) => r), `after ${where}`], where);
          assert.equal(new FlashQueue(flash, { compress }).size, 0, where);
        }
      }
    });
  }

  it("brings no popped record back when an erase tears in any order (sector retired first)", function () {
    const steps = script();
    const reference = new CountingFlash(256, 4);
    runScript(reference, steps, true);
    const erases = reference.erases.reduce((a, b) => a + b, 0);
    for (let e = 1; e <= erases; e++) {
      const flash = new MarkerTearFlash(256, 4);
      flash.tearAtErase = e;
      const acked = runScript(flash, steps, true);
      assert.equal(flash.powered, false);
      flash.powerOn();
      checkRecovered(waiting(new FlashQueue(flash)), acked, `marker-only tear of erase ${e}`);
    }
  });

  it("wears all sectors evenly over thousands of push/pop cycles with reboots", function () {
    const flash = new CountingFlash(1024, 8);
    let queue = new FlashQueue(flash);
    const expected: Array<[number, string]> = [];
    for (let i = 0; i < 6000; i++) {
      const record = `${text(i)} ${i}`;
      expected.push([queue.push(record), record]);
      if (expected.length > 12) {
        const head = queue.peek()!;
        assert.deepEqual([head.seq, head.record], expected[0]);
        queue.pop(head.seq);
        expected.shift();
      }
      if (i % 997 === 0) queue = new FlashQueue(flash);
    }
    assert.deepEqual(waiting(new FlashQueue(flash)), expected);
    const min = Math.min(...flash.erases);
    const max = Math.max(...flash.erases);
    assert.ok(min >= 20, `the ring wrapped many times (min ${min})`);
    assert.ok(max - min <= 1, `erases spread evenly: ${flash.erases.join(",")}`);
    assert.deepEqual(queue.eraseCounts(), flash.erases, "sector headers count the erases");
  });
});
