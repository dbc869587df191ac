/**
 * Every ring and queue shares one sector buffer and one text buffer (storage/shared-buffers):
 * interleaved use by several instances, of different sector sizes, and appends made from inside a
 * visitor must keep every record intact.
 */
import { strict as assert } from "node:assert";
import { FlashQueue } from "storage/flash-queue";
import { FlashRing } from "storage/flash-ring";
import { SimFlash } from "platform/common/sim-flash";

function frame(i: number, size: number): string {
  const body = `"meterValue":[{"timestamp":"2026-12-06T07:00:${String(i % 60).padStart(2, "0")}Z","sampledValue":[{"value":"${i * 37}"}]}]`;
  return `[2,"q${i}","MeterValues",{"connectorId":${(i % 2) + 1},"transactionId":${i},${body},"pad":"${"x".repeat(size)}"}]`;
}

describe("shared storage buffers", function () {
  it("keeps every record of two rings and a queue used in turns, one reading while others write", function () {
    const journalFlash = new SimFlash(4096, 8);
    const framesFlash = new SimFlash(4096, 8);
    const journal = new FlashQueue(journalFlash);
    const frames = new FlashRing(framesFlash);
    const security = new FlashRing(new SimFlash(1024, 4));
    const pushed: string[] = [];
    const logged: string[] = [];
    for (let i = 0; i < 40; i++) {
      const record = frame(i, (i * 53) % 700);
      journal.push(record);
      pushed.push(record);
      frames.append(`out ${record}`);
      logged.push(`out ${record}`);
      if (i % 5 === 0) security.append(`event ${i}`);
      // A peek between writes reads through the shared buffers too.
      assert.equal(journal.peek()?.record, pushed[0]);
    }
    const kept: string[] = [];
    frames.forEach((_seq, entry) => {
      kept.push(entry);
      // Appending from a visitor reuses the shared buffers while the ring is being read.
      security.append(`exported ${entry.length}`);
    });
    assert.deepEqual(kept, logged.slice(logged.length - kept.length));
    assert.ok(kept.length >= 10, `the ring kept ${kept.length} entries`);
    const queued: string[] = [];
    journal.forEach((_seq, record) => queued.push(record));
    assert.deepEqual(queued, pushed);
    const events: string[] = [];
    security.forEach((_seq, entry) => events.push(entry));
    assert.equal(events[events.length - 1], `exported ${kept[kept.length - 1].length}`);
    // And after a reboot (fresh instances over the same flash) the records decode the same.
    const again: string[] = [];
    new FlashQueue(journalFlash).forEach((_seq, record) => again.push(record));
    assert.deepEqual(again, pushed);
    const reread: string[] = [];
    new FlashRing(framesFlash).forEach((_seq, entry) => reread.push(entry));
    assert.deepEqual(reread, kept);
  });
});
